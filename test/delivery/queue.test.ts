import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/delivery/events';
import { DeliveryQueue, QueuedMessage } from '../../src/delivery/queue';
import type { SendResult } from '../../src/delivery/transport';
import { BadRequestError, PayloadTooLargeError, ServerError } from '../../src/errors';
import type { Lane } from '../../src/mappers/calls';

/** A request the scripted `send` received, answered when the test says. */
interface Sent {
  path: string;
  ids: string[];
  answer(result: SendResult): void;
}

/** A queue whose `send` records each request and waits for the test to answer it. */
function scriptedQueue(options: Partial<ConstructorParameters<typeof DeliveryQueue>[0]> = {}) {
  const sent: Sent[] = [];
  const queue = new DeliveryQueue({
    maxBatchSize: 100,
    maxBatchBytes: 500 * 1024,
    aliasMemory: 100,
    flushInterval: 10,
    maxQueueSize: 1_000,
    maxConcurrentRequests: 4,
    emitter: new Emitter(() => {}),
    send: (path, body) =>
      new Promise<SendResult>((answer) => {
        const items = JSON.parse(body);
        const ids = (Array.isArray(items) ? items : [items]).map((item: { m: string }) => item.m);
        sent.push({ path, ids, answer });
      }),
    ...options,
  });
  let count = 0;
  /** Enqueues a message writing `ids` on `lane`; its body carries its name `m`. */
  const add = (name: string, ids: string[], lane: Lane = 'events') => {
    const json = JSON.stringify({ m: name, pad: 'x'.repeat(10) });
    const kind = {
      type: lane === 'events' ? 'track' : lane === 'users' ? 'identify' : 'subscribe',
      lane,
      path: lane === 'events' ? '/v2/track' : '/v2/identify',
    } as const;
    const message = new QueuedMessage(kind, json, json.length, `id-${++count}`, undefined);
    const promise = queue.enqueue(message, ids[0] as string, ids[1]);
    promise.catch(() => {});
    return promise;
  };
  return { queue, sent, add };
}

const OK: SendResult = { ok: true, attempts: 1 };
const failed = (error: Error): SendResult => ({
  ok: false,
  attempts: 1,
  error: error as SendResult & { ok: false } extends { error: infer E } ? E : never,
});
const details = { status: 400, body: '' };

describe('DeliveryQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a full request at once, and a partial one after the linger', async () => {
    const { sent, add } = scriptedQueue({ maxBatchSize: 3 });
    for (const name of ['a', 'b', 'c', 'd']) add(name, [name]);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a', 'b', 'c']]);
    await vi.advanceTimersByTimeAsync(9);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a', 'b', 'c'], ['d']]);
  });

  it('puts a user’s later messages in the same request behind the earlier, never in a parallel one', async () => {
    const { sent, add } = scriptedQueue();
    add('u1-1', ['u1']);
    add('u2-1', ['u2']);
    add('u1-2', ['u1']);
    await vi.advanceTimersByTimeAsync(10);
    // A user's chain is taken together: u1-2 right behind u1-1.
    expect(sent.map((request) => request.ids)).toStrictEqual([['u1-1', 'u1-2', 'u2-1']]);
    add('u1-3', ['u1']);
    add('u3-1', ['u3']);
    await vi.advanceTimersByTimeAsync(10);
    // u1-3 waits for the request carrying u1's earlier messages; u3 does not.
    expect(sent.map((request) => request.ids)).toStrictEqual([['u1-1', 'u1-2', 'u2-1'], ['u3-1']]);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((request) => request.ids).at(-1)).toStrictEqual(['u1-3']);
  });

  it('keeps a track behind its user’s identify in another lane', async () => {
    const { sent, add } = scriptedQueue();
    add('identify', ['u1'], 'users');
    add('track', ['u1'], 'events');
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.path)).toStrictEqual(['/v2/identify']);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((request) => request.path)).toStrictEqual(['/v2/identify', '/v2/track']);
  });

  it('cuts requests by bytes', async () => {
    const { sent, add } = scriptedQueue({ maxBatchBytes: 70 });
    for (const name of ['a', 'b', 'c']) add(name, [name]); // 23 bytes each + a comma
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a', 'b'], ['c']]);
  });

  it('splits a batch refused with 400 or 413 in halves, in order, until the bad one stands alone', async () => {
    for (const error of [
      new BadRequestError('no', details),
      new PayloadTooLargeError('no', { ...details, status: 413 }),
    ]) {
      const { sent, add } = scriptedQueue();
      const outcomes = ['a', 'b', 'c', 'd'].map((name) =>
        add(name, [name]).then(
          () => 'ok',
          (e) => e,
        ),
      );
      await vi.advanceTimersByTimeAsync(10);
      sent[0]?.answer(failed(error));
      await vi.advanceTimersByTimeAsync(0);
      expect(sent.map((request) => request.ids).slice(1)).toStrictEqual([['a', 'b']]);
      sent[1]?.answer(OK);
      await vi.advanceTimersByTimeAsync(0);
      expect(sent[2]?.ids).toStrictEqual(['c', 'd']);
      sent[2]?.answer(failed(error));
      await vi.advanceTimersByTimeAsync(0);
      expect(sent[3]?.ids).toStrictEqual(['c']);
      sent[3]?.answer(failed(error));
      await vi.advanceTimersByTimeAsync(0);
      sent[4]?.answer(OK);
      expect(await Promise.all(outcomes)).toStrictEqual(['ok', 'ok', error, 'ok']);
    }
  });

  it('fails a whole batch on another error, and still sends the users’ later messages after it', async () => {
    const { sent, add } = scriptedQueue();
    const first = add('u1-1', ['u1']).then(
      () => 'ok',
      (e) => e.name,
    );
    await vi.advanceTimersByTimeAsync(10);
    const later = add('u1-2', ['u1']).then(
      () => 'ok',
      (e) => e.name,
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(sent).toHaveLength(1);
    sent[0]?.answer(failed(new ServerError('down', { ...details, status: 503 })));
    await vi.advanceTimersByTimeAsync(10);
    sent[1]?.answer(OK);
    expect([await first, await later]).toStrictEqual(['ServerError', 'ok']);
  });

  it('shares one flush promise between concurrent calls; it resolves when everything before it settled', async () => {
    const { queue, sent, add } = scriptedQueue();
    add('a', ['a']);
    const one = queue.flush();
    const two = queue.flush();
    expect(one).toBe(two);
    let flushed = false;
    void one.then(() => {
      flushed = true;
    });
    add('b', ['b']); // after the flush: not waited for
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a']]);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(true);
    expect(queue.size).toBe(1);
  });

  it('never exceeds maxConcurrentRequests, and holds no timer once idle', async () => {
    const { queue, sent, add } = scriptedQueue({ maxConcurrentRequests: 2, maxBatchSize: 1 });
    for (const name of ['a', 'b', 'c']) add(name, [name]);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent).toHaveLength(2);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(3);
    sent[1]?.answer(OK);
    sent[2]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect([queue.size, vi.getTimerCount()]).toStrictEqual([0, 0]);
    expect(queue.report()).toStrictEqual({ delivered: 3, failed: 0, dropped: 0 });
  });

  it('abandon() drops what was not sent and fails what was, each once', async () => {
    const { queue, sent, add } = scriptedQueue();
    const onWire = add('a', ['u1']).then(
      () => 'ok',
      (e) => e.name,
    );
    await vi.advanceTimersByTimeAsync(10);
    const waiting = add('b', ['u1']).then(
      () => 'ok',
      (e) => e.name,
    );
    queue.abandon();
    sent[0]?.answer(OK); // too late: already failed
    expect([await onWire, await waiting]).toStrictEqual(['ClientClosedError', 'ClientClosedError']);
    expect(queue.report()).toStrictEqual({ delivered: 0, failed: 1, dropped: 1 });
  });

  it('abandon() reaches messages waiting behind waiting ones, and ends them all in call order', async () => {
    const emitter = new Emitter(() => {});
    const ended: string[] = [];
    emitter.on('error', ({ messageId }) => ended.push(`failed ${messageId}`));
    emitter.on('drop', ({ messageId }) => ended.push(`dropped ${messageId}`));
    const { queue, add } = scriptedQueue({ emitter, maxBatchSize: 1, maxConcurrentRequests: 1 });
    add('a', ['u1']); // on the wire
    await vi.advanceTimersByTimeAsync(10);
    add('b', ['u1']); // waits for a
    add('c', ['u1', 'anon']); // waits for b
    add('d', ['anon']); // waits for c, through the alias
    add('e', ['u2']); // ready: one request at a time
    queue.abandon();
    await vi.advanceTimersByTimeAsync(0);
    expect(ended).toStrictEqual([
      'failed id-1',
      'dropped id-2',
      'dropped id-3',
      'dropped id-4',
      'dropped id-5',
    ]);
    expect(queue.size).toBe(0);
    expect(queue.report()).toStrictEqual({ delivered: 0, failed: 1, dropped: 4 });
  });

  it('resolves flushes in order, each once the messages before it settled, whatever order they settle in', async () => {
    const { queue, sent, add } = scriptedQueue({ maxBatchSize: 1 });
    const flushed: string[] = [];
    add('a', ['u1']);
    add('b', ['u2']);
    void queue.flush().then(() => flushed.push('first'));
    add('c', ['u3']);
    void queue.flush().then(() => flushed.push('second'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a'], ['b'], ['c']]);
    sent[2]?.answer(OK);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toStrictEqual([]);
    sent[1]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toStrictEqual(['first', 'second']);
  });

  it('fails what a send that throws carried, typed, instead of leaving it unsettled', async () => {
    const { add } = scriptedQueue({
      send: () => {
        throw new Error('bug');
      },
    });
    const outcome = add('a', ['a']).catch((error) => [error.name, error.code]);
    await vi.advanceTimersByTimeAsync(10);
    expect(await outcome).toStrictEqual(['ConnectError', 'internal_error']);
  });
});
