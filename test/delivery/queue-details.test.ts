/**
 * The delivery queue's details, each pinned: the events' exact payloads, batches cut at the exact
 * byte limit, chains of one user taken whole, lanes kept apart, abandon() leaving nothing behind,
 * flushes sharing one promise, and the message's own fields.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectClientEvents, Emitter } from '../../src/delivery/events';
import { DeliveryQueue, QueuedMessage } from '../../src/delivery/queue';
import type { SendResult } from '../../src/delivery/transport';
import {
  BadRequestError,
  ClientClosedError,
  ConnectError,
  QueueFullError,
  ServerError,
} from '../../src/errors';
import type { Lane } from '../../src/mappers/calls';

interface Sent {
  path: string;
  body: string;
  ids: string[];
  answer(result: SendResult): void;
}

type Events = Array<[keyof ConnectClientEvents, unknown]>;

/** A queue whose `send` records each request and waits for the test to answer it. */
function scriptedQueue(options: Partial<ConstructorParameters<typeof DeliveryQueue>[0]> = {}) {
  const sent: Sent[] = [];
  const events: Events = [];
  const emitter = new Emitter(() => {});
  for (const event of ['delivered', 'error', 'drop'] as const)
    emitter.on(event, (payload) => events.push([event, payload]));
  const queue = new DeliveryQueue({
    maxBatchSize: 100,
    maxBatchBytes: 500 * 1024,
    aliasMemory: 100,
    flushInterval: 10,
    maxQueueSize: 1_000,
    maxConcurrentRequests: 4,
    emitter,
    send: (path, body) =>
      new Promise<SendResult>((answer) => {
        const items = JSON.parse(body);
        const ids = (Array.isArray(items) ? items : [items]).map((item: { m: string }) => item.m);
        sent.push({ path, body, ids, answer });
      }),
    ...options,
  });
  /** Enqueues a message writing `ids` on `lane`; its body carries its name `m` (28 bytes of JSON for a one-letter name). */
  const add = (name: string, ids: string[], lane: Lane = 'events') => {
    const json = JSON.stringify({ m: name, pad: 'x'.repeat(10) });
    const kind = {
      type: lane === 'events' ? 'track' : lane === 'users' ? 'identify' : 'subscribe',
      lane,
      path: lane === 'events' ? '/v2/track' : lane === 'users' ? '/v2/identify' : '/v2/subscribe',
    } as const;
    const message = new QueuedMessage(kind, json, json.length, `id-${name}`, undefined);
    const promise = queue.enqueue(message, ids[0] as string, ids[1]);
    promise.catch(() => {});
    return promise;
  };
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: Error) => error.name,
    );
  return { queue, sent, events, add, outcome };
}

const OK: SendResult = { ok: true, attempts: 1 };
const failure = (error: ConnectError, attempts = 1): SendResult => ({ ok: false, attempts, error });
const details = { status: 400, body: '' };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DeliveryQueue events and results', () => {
  it('reports each outcome with its exact payload, and resolves with id, attempts and warnings', async () => {
    const { queue, sent, events, add } = scriptedQueue({ maxBatchSize: 1 });
    const a = add('a', ['u1']);
    const b = add('b', ['u2']);
    await vi.advanceTimersByTimeAsync(0);
    sent[0]?.answer({ ok: true, attempts: 3 });
    const error = new ServerError('down', { ...details, status: 503 });
    sent[1]?.answer(failure(error, 6));
    expect(await a).toStrictEqual({ messageId: 'id-a', attempts: 3, warnings: [] });
    await expect(b).rejects.toBe(error);
    expect(events).toStrictEqual([
      ['delivered', { messageId: 'id-a', type: 'track', attempts: 3 }],
      ['error', { error, messageId: 'id-b', type: 'track' }],
    ]);
    expect(queue.report()).toStrictEqual({ delivered: 1, failed: 1, dropped: 0 });
  });

  it('refuses a message past maxQueueSize: QueueFullError, a drop event, counted', async () => {
    const { queue, events, add } = scriptedQueue({ maxQueueSize: 2 });
    add('a', ['u1']);
    add('b', ['u2']);
    const refused = add('c', ['u3']);
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toThrow(
      'track: the queue holds 2 messages (maxQueueSize); the call was dropped',
    );
    const error = await refused.catch((e: unknown) => e);
    expect(events).toStrictEqual([
      ['drop', { reason: 'queue_full', messageId: 'id-c', type: 'track', error }],
    ]);
    expect(queue.size).toBe(2);
    expect(queue.report()).toStrictEqual({ delivered: 0, failed: 0, dropped: 1 });
  });

  it('recordDrop without an error reports none', () => {
    const { queue, events } = scriptedQueue();
    queue.recordDrop('identify', 'm-1', 'before_send');
    expect(events).toStrictEqual([
      ['drop', { reason: 'before_send', messageId: 'm-1', type: 'identify' }],
    ]);
    expect(queue.report()).toStrictEqual({ delivered: 0, failed: 0, dropped: 1 });
  });

  it('abandon() reports a drop as closed with its error, a failure as an error', async () => {
    const { queue, events, add } = scriptedQueue();
    add('a', ['u1']);
    await vi.advanceTimersByTimeAsync(10);
    add('b', ['u2']);
    queue.abandon();
    const [[, failed], [, dropped]] = events as [
      [string, { error: Error }],
      [string, { error: Error }],
    ];
    expect(events).toStrictEqual([
      ['error', { error: failed.error, messageId: 'id-a', type: 'track' }],
      ['drop', { reason: 'closed', messageId: 'id-b', type: 'track', error: dropped.error }],
    ]);
    expect(failed.error).toBeInstanceOf(ClientClosedError);
    expect(failed.error.message).toBe('track: the client was closed before Connect answered');
    expect(dropped.error).toBeInstanceOf(ClientClosedError);
    expect(dropped.error.message).toBe('track: the client was closed before the message was sent');
  });

  it('abandon() leaves no timer and nothing to send', async () => {
    const { queue, sent, add } = scriptedQueue();
    add('a', ['u1']);
    add('b', ['u2'], 'users');
    add('c', ['u3'], 'direct');
    expect(vi.getTimerCount()).toBe(1);
    queue.abandon();
    expect(vi.getTimerCount()).toBe(0);
    expect(queue.size).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    await queue.flush();
    expect(sent).toStrictEqual([]);
    // The queue still works after.
    add('d', ['u4']);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['d']]);
  });

  it('fails what a send that throws carried with the reason and its cause, each once', async () => {
    const bug = new Error('bug');
    const thrown = scriptedQueue({
      send: () => {
        throw bug;
      },
    });
    const first = thrown.add('a', ['u1']).catch((error: unknown) => error);
    const second = thrown.add('b', ['u1'], 'users').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(await first).toMatchObject({
      message: 'track: the client failed unexpectedly while sending: bug',
      code: 'internal_error',
      cause: bug,
    });
    expect(await first).toBeInstanceOf(ConnectError);
    expect(await second).toMatchObject({
      message: 'identify: the client failed unexpectedly while sending: bug',
    });
    const odd = scriptedQueue({ send: () => Promise.reject('odd') });
    const third = odd.add('c', ['u1']).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(await third).toMatchObject({
      message: 'track: the client failed unexpectedly while sending: odd',
      cause: 'odd',
    });
    expect(odd.queue.report()).toStrictEqual({ delivered: 0, failed: 1, dropped: 0 });
  });
});

describe('DeliveryQueue batches', () => {
  it('cuts by bytes at exactly maxBatchBytes: brackets and a comma each counted', async () => {
    // Two messages of 28 bytes: [a,b] is 1 + 29 + 29 = 59 bytes.
    const fits = scriptedQueue({ maxBatchBytes: 59 });
    fits.add('a', ['a']);
    // Full at once when the ready bytes reach the limit.
    expect(fits.sent).toHaveLength(0);
    fits.add('b', ['b']);
    expect(fits.sent.map((request) => request.ids)).toStrictEqual([['a', 'b']]);
    expect(fits.sent[0]?.body).toHaveLength(59);

    const over = scriptedQueue({ maxBatchBytes: 58 });
    over.add('a', ['a']);
    over.add('b', ['b']);
    expect(over.sent.map((request) => request.ids)).toStrictEqual([['a']]);
    await vi.advanceTimersByTimeAsync(10);
    expect(over.sent.map((request) => request.ids)).toStrictEqual([['a'], ['b']]);

    const lingers = scriptedQueue({ maxBatchBytes: 60 });
    lingers.add('a', ['a']);
    lingers.add('b', ['b']);
    expect(lingers.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(lingers.sent.map((request) => request.ids)).toStrictEqual([['a', 'b']]);
  });

  it('sends a lone message to its own path, a batch to its lane’s batch path', async () => {
    const { sent, add } = scriptedQueue();
    add('t1', ['u1']);
    add('t2', ['u2']);
    add('i1', ['u3'], 'users');
    add('i2', ['u4'], 'users');
    add('d1', ['u5'], 'direct');
    add('d2', ['u6'], 'direct');
    add('t3', ['u7'], 'events');
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => [request.path, request.ids])).toStrictEqual([
      ['/v2/track/batch', ['t1', 't2', 't3']],
      ['/v2/identify/batch', ['i1', 'i2']],
      ['/v2/subscribe', ['d1']],
      ['/v2/subscribe', ['d2']],
    ]);
    expect(sent[0]?.body).toBe(
      `[${['t1', 't2', 't3'].map((m) => JSON.stringify({ m, pad: 'x'.repeat(10) })).join(',')}]`,
    );
  });

  it('a direct message lingers like any other (a request of one is never full)', async () => {
    const { sent, add } = scriptedQueue({ maxBatchSize: 1 });
    add('d', ['u1'], 'direct');
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['d']]);
  });

  it('takes a user’s whole chain into one request, behind its first message', async () => {
    const { sent, add } = scriptedQueue();
    add('a1', ['u1']);
    add('a2', ['u1']);
    add('a3', ['u1']);
    add('a4', ['u1']);
    add('b1', ['u2']);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a1', 'a2', 'a3', 'a4', 'b1']]);
  });

  it('a chain stops at the batch size and the byte limit; the rest follows in order', async () => {
    const { sent, add } = scriptedQueue({ maxBatchSize: 2 });
    for (const name of ['a1', 'a2', 'a3']) add(name, ['u1']);
    expect(sent.map((request) => request.ids)).toStrictEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a1', 'a2']]);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a1', 'a2'], ['a3']]);

    // a1, a2, a3: 29 bytes each; two make 61.
    const bytes = scriptedQueue({ maxBatchBytes: 61 });
    for (const name of ['a1', 'a2', 'a3']) bytes.add(name, ['u1']);
    await vi.advanceTimersByTimeAsync(10);
    expect(bytes.sent.map((request) => request.ids)).toStrictEqual([['a1', 'a2']]);
  });

  it('an alias joins the request once both of its users’ earlier messages are in it', async () => {
    const { sent, add } = scriptedQueue();
    add('a', ['u1']);
    add('b', ['anon']);
    add('alias', ['u1', 'anon']);
    add('c', ['anon']);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a', 'b', 'alias', 'c']]);
  });

  it('a follower in another lane waits for the request in flight', async () => {
    const { sent, add } = scriptedQueue();
    add('track', ['u1']);
    add('identify', ['u1'], 'users');
    add('track2', ['u2']);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => [request.path, request.ids])).toStrictEqual([
      ['/v2/track/batch', ['track', 'track2']],
    ]);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.path)).toStrictEqual(['/v2/track/batch', '/v2/identify']);
  });

  it('fails a batch on an error that is not about its content, without splitting it', async () => {
    const { sent, add, outcome } = scriptedQueue();
    const results = [add('a', ['a']), add('b', ['b'])].map(outcome);
    await vi.advanceTimersByTimeAsync(10);
    sent[0]?.answer(failure(new ServerError('down', { ...details, status: 503 })));
    expect(await Promise.all(results)).toStrictEqual(['ServerError', 'ServerError']);
    expect(sent).toHaveLength(1);
  });

  it('counts the attempts of the larger batch a message was split from', async () => {
    const { sent, add } = scriptedQueue();
    const a = add('a', ['a']);
    add('b', ['b']);
    await vi.advanceTimersByTimeAsync(10);
    sent[0]?.answer(failure(new BadRequestError('no', details), 2));
    await vi.advanceTimersByTimeAsync(0);
    sent[1]?.answer({ ok: true, attempts: 3 });
    expect((await a).attempts).toBe(5);
  });
});

describe('DeliveryQueue linger and flush', () => {
  it('holds one linger timer however many messages wait', async () => {
    const { sent, add } = scriptedQueue();
    add('a', ['a']);
    await vi.advanceTimersByTimeAsync(4);
    add('b', ['b']);
    add('c', ['c'], 'users');
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(6);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a', 'b'], ['c']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a message made ready after the linger waits out its own', async () => {
    const { sent, add } = scriptedQueue();
    add('a', ['u1']);
    await vi.advanceTimersByTimeAsync(10);
    add('b', ['u1']); // behind a
    add('c', ['u2']);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a'], ['c']]);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    // b was queued before the last linger ended: due at once.
    expect(sent.map((request) => request.ids)).toStrictEqual([['a'], ['c'], ['b']]);
  });

  it('a later flush keeps sharing its promise after an earlier one resolves', async () => {
    const { queue, sent, add } = scriptedQueue({ maxBatchSize: 1 });
    add('a', ['a']);
    const first = queue.flush();
    add('b', ['b']);
    const second = queue.flush();
    expect(second).not.toBe(first);
    await vi.advanceTimersByTimeAsync(0);
    sent[0]?.answer(OK);
    await first;
    expect(queue.flush()).toBe(second);
    sent[1]?.answer(OK);
    await second;
    // Nothing left: a fresh, resolved promise.
    const idle = queue.flush();
    expect(idle).not.toBe(second);
    await idle;
  });

  it('a flush waits only for the messages queued before it', async () => {
    const { queue, sent, add } = scriptedQueue({ maxBatchSize: 1 });
    add('a', ['a']);
    let flushed = false;
    void queue.flush().then(() => {
      flushed = true;
    });
    add('b', ['b']);
    await vi.advanceTimersByTimeAsync(10);
    sent[1]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(true);
  });
});

describe('QueuedMessage', () => {
  const kind = { type: 'track', lane: 'events', path: '/v2/track' } as const;

  it('keeps its UTF-8 size apart from its JSON length, and its warnings', () => {
    const warnings = [{ code: 'w', message: 'm', path: 'p' }] as never;
    const message = new QueuedMessage(kind, '"é"', 4, 'm-1', warnings);
    expect([message.bytes, message.warnings, message.messageId]).toStrictEqual([
      4,
      warnings,
      'm-1',
    ]);
    const plain = new QueuedMessage(kind, '"e"', 3, undefined, []);
    expect([plain.bytes, plain.warnings]).toStrictEqual([3, undefined]);
  });

  it('makes its id once when asked; finalId() makes one without keeping it', () => {
    const message = new QueuedMessage(kind, '{}', 2, undefined, undefined);
    const ending = message.finalId();
    expect(ending).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.finalId()).not.toBe(ending);
    const id = message.messageId;
    expect(message.messageId).toBe(id);
    expect(message.finalId()).toBe(id);
  });

  it('keeps its order links', () => {
    const message = new QueuedMessage(kind, '{}', 2, 'm', undefined);
    const other = new QueuedMessage(kind, '{}', 2, 'o', undefined);
    expect([message.after, message.dependents, message.blockers]).toStrictEqual([
      undefined,
      undefined,
      0,
    ]);
    message.blockers = 2;
    message.after = [other];
    message.dependents = [other];
    expect([message.after, message.dependents, message.blockers]).toStrictEqual([
      [other],
      [other],
      2,
    ]);
    message.blockers = 0;
    message.after = undefined;
    message.dependents = undefined;
    expect([message.after, message.dependents, message.blockers]).toStrictEqual([
      undefined,
      undefined,
      0,
    ]);
  });

  it('carries nothing extra when it needs nothing extra: no Rare on a plain message', () => {
    // The queue holds one object per message; warnings, a UTF-8 size that is not the JSON's length
    // and order links live in a second object made only for the few messages that have them.
    const rare = (message: QueuedMessage) => (message as unknown as { rare: unknown }).rare;
    const plain = new QueuedMessage(kind, '{"a":1}', 7, undefined, undefined);
    const empty = new QueuedMessage(kind, '{"a":1}', 7, 'm', []);
    for (const message of [plain, empty]) {
      message.after = undefined;
      message.dependents = undefined;
      message.blockers = 0;
      expect(rare(message)).toBeUndefined();
    }
    expect(rare(new QueuedMessage(kind, '"é"', 4, undefined, undefined))).toBeDefined();
    const linked = new QueuedMessage(kind, '{}', 2, undefined, undefined);
    linked.blockers = 1;
    expect(rare(linked)).toBeDefined();
  });
});

describe('DeliveryQueue, more edges', () => {
  it('abandon() after a split leaves the delivered half delivered', async () => {
    const { queue, sent, add, outcome } = scriptedQueue();
    const a = outcome(add('a', ['a']));
    const b = outcome(add('b', ['b']));
    await vi.advanceTimersByTimeAsync(10);
    sent[0]?.answer(failure(new BadRequestError('no', details)));
    await vi.advanceTimersByTimeAsync(0);
    sent[1]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a', 'b'], ['a'], ['b']]);
    queue.abandon();
    expect([await a, await b]).toStrictEqual(['ok', 'ClientClosedError']);
    expect(queue.report()).toStrictEqual({ delivered: 1, failed: 1, dropped: 0 });
  });

  it('holds no timer once a flush sent everything, nor while due messages wait for a slot', async () => {
    // 28 bytes a message: two are over 40, one is not full.
    const { queue, sent, add } = scriptedQueue({ maxConcurrentRequests: 1, maxBatchBytes: 40 });
    add('a', ['a']);
    add('b', ['b']);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a']]);
    expect(vi.getTimerCount()).toBe(1);
    void queue.flush();
    expect(vi.getTimerCount()).toBe(0);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a'], ['b']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends a message larger than maxBatchBytes alone', async () => {
    const { sent, add } = scriptedQueue({ maxBatchBytes: 10 });
    add('a', ['a']);
    add('b', ['b']);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a'], ['b']]);
  });

  it('keeps the ready bytes exact as batches leave: a lone message after many batches still lingers', async () => {
    const { sent, add } = scriptedQueue({ maxBatchBytes: 59, maxConcurrentRequests: 100 });
    for (let i = 0; i < 10; i++) {
      add(`${i}`, [`a${i}`]);
      add(`${i}`, [`b${i}`]);
    }
    expect(sent).toHaveLength(10);
    add('c', ['c']);
    expect(sent).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent).toHaveLength(11);
  });

  it('takes a follower whose other earlier message already settled', async () => {
    const { sent, add } = scriptedQueue();
    add('a', ['u1']);
    await vi.advanceTimersByTimeAsync(10);
    add('b', ['anon']);
    add('alias', ['u1', 'anon']);
    sent[0]?.answer(OK);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((request) => request.ids)).toStrictEqual([['a'], ['b', 'alias']]);
  });

  it('emits delivered only to listeners: nothing unheard', async () => {
    const unheard: string[] = [];
    const emitter = new Emitter(
      () => {},
      (event) => unheard.push(event),
    );
    const { sent, add } = scriptedQueue({ emitter });
    const done = add('a', ['a']);
    await vi.advanceTimersByTimeAsync(10);
    sent[0]?.answer(OK);
    await done;
    expect(unheard).toStrictEqual([]);
  });
});
