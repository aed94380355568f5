import { afterEach, describe, expect, it } from 'vitest';
import { feedOf } from '../../src/testing/emulator';
import { FEED_HISTORY } from '../../src/testing/feed';
import { type Door, type DoorName, KEY, openDoor, post } from './doors';

const doors: DoorName[] = ['fetch', 'msw', 'server'];
const WRONG_KEY = 'wrong-key-0123456789abcdef';

/** Reads server-sent events from a response, one parsed `data` at a time. */
function eventsOf(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  return {
    async next(timeoutMs = 1_000): Promise<Record<string, unknown>> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6));
          if (data.length > 0) return JSON.parse(data.join('\n'));
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no server-sent event within the time');
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no server-sent event within the time')), left),
          ),
        ]);
        if (chunk.done) throw new Error('the stream ended');
        buffered += decoder.decode(chunk.value, { stream: true });
      }
    },
    // Not awaited: behind msw the cancel settles only once msw's own copy of the body is done.
    close: () => void reader.cancel().catch(() => {}),
  };
}

const stream = (door: Door, query = '') =>
  door.fetch(`/_emulator/feed${query}`, { headers: { Accept: 'text/event-stream' } });

describe.each(doors)('the debugger feed through %s', (name) => {
  let door: Door;
  afterEach(() => door.close());

  it('streams each request as it is answered, refusals with what Connect said and the key masked', async () => {
    door = await openDoor(name, { apiKeys: [KEY] });
    const response = await stream(door);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const feed = eventsOf(response);
    expect(await feed.next()).toStrictEqual({ type: 'hello', seq: 0, gap: false });

    await door.fetch(
      '/v2/track/batch',
      post([
        { user_id: 'u1', event: 'A' },
        { user_id: 'u1', event: 'B' },
      ]),
    );
    expect(await feed.next()).toMatchObject({
      type: 'request',
      seq: 1,
      request: {
        n: 0,
        method: 'POST',
        path: '/v2/track/batch',
        status: 200,
        state: 'answered',
        items: 2,
        key: '****c5d6',
      },
    });
    await door.fetch(
      '/v2/track',
      post({ user_id: 'u1', event: 'A' }, { 'X-Outbound-Key': WRONG_KEY }),
    );
    const refused = await feed.next();
    expect(refused).toMatchObject({
      type: 'request',
      request: {
        n: 1,
        status: 401,
        items: 1,
        key: '****cdef',
        said: 'X-Outbound-Key is missing or not a valid key',
      },
    });
    expect(JSON.stringify(refused)).not.toContain(WRONG_KEY);
    feed.close();
  });

  it('replays what a reconnecting page missed, from Last-Event-ID', async () => {
    door = await openDoor(name);
    await door.fetch('/v2/track', post({ user_id: 'u1', event: 'A' }));
    await door.fetch('/v2/track', post({ user_id: 'u1', event: 'B' }));
    const response = await door.fetch('/_emulator/feed', {
      headers: { Accept: 'text/event-stream', 'Last-Event-ID': '1' },
    });
    const feed = eventsOf(response);
    expect(await feed.next()).toStrictEqual({ type: 'hello', seq: 2, gap: false });
    expect(await feed.next()).toMatchObject({ seq: 2, request: { n: 1 } });
    feed.close();
  });
});

describe('the debugger feed', () => {
  let door: Door;
  afterEach(() => door.close());

  it('answers a poll with the messages after a cursor, and a gap once they are no longer kept', async () => {
    door = await openDoor('fetch', { apiKeys: [KEY] });
    const poll = async (after: number | string) =>
      (await door.fetch(`/_emulator/feed?after=${after}`)).json();
    expect(await poll(0)).toStrictEqual({ seq: 0, messages: [] });
    await door.fetch('/v2/track', post({ user_id: 'u1', event: 'A' }));
    await door.fetch('/_emulator/faults/fail', post({ count: 1, status: 503 }));
    await door.fetch('/v2/track', post({ user_id: 'u1', event: 'A' }));
    door.emulator.reset();
    const { seq, messages } = await poll(0);
    expect(seq).toBe(4);
    expect(
      messages.map((m: { type: string; request?: { status: number } }) => [
        m.type,
        m.request?.status,
      ]),
    ).toStrictEqual([
      ['request', 200],
      ['controls', undefined],
      ['request', 503],
      ['reset', undefined],
    ]);
    expect(await poll(3)).toMatchObject({ seq: 4, messages: [{ type: 'reset' }] });
    expect(await poll(5)).toStrictEqual({ seq: 4, gap: true }); // a cursor from another emulator
    expect(await poll('x')).toStrictEqual({ seq: 4, gap: true });

    for (let i = 0; i < FEED_HISTORY; i++)
      await door.fetch('/v2/track', post({ user_id: 'u1', event: 'A' }));
    expect(await poll(3)).toStrictEqual({ seq: 4 + FEED_HISTORY, gap: true });
    expect((await poll(4)).messages).toHaveLength(FEED_HISTORY);
  });

  it('shows a delayed request as pending, then answered', async () => {
    door = await openDoor('fetch');
    door.emulator.faults.delay(50, 1);
    const feed = eventsOf(await stream(door));
    await feed.next();
    const answered = door.fetch('/v2/track', post({ user_id: 'u1', event: 'A' }));
    expect(await feed.next()).toMatchObject({ request: { n: 0, state: 'pending', status: 0 } });
    expect(await feed.next()).toMatchObject({ request: { n: 0, state: 'answered', status: 200 } });
    expect((await answered).status).toBe(200);
    feed.close();
  });

  it.each(['fetch', 'server'] as const)(
    'lets go of a page that closed its stream (%s)',
    async (doorName) => {
      door = await openDoor(doorName);
      const aborted = new AbortController();
      const response = await door.fetch('/_emulator/feed', {
        headers: { Accept: 'text/event-stream' },
        signal: aborted.signal,
      });
      await eventsOf(response).next();
      const feed = feedOf(door.emulator);
      expect(feed?.listening).toBe(1);
      aborted.abort();
      await expect.poll(() => feed?.listening, { timeout: 1_000 }).toBe(0);
    },
  );

  it('records no call for the page, the feed or the controls', async () => {
    door = await openDoor('fetch');
    for (const path of ['/', '/_emulator/state', '/_emulator/overview', '/_emulator/requests'])
      expect((await door.fetch(path)).status).toBe(200);
    await door.fetch('/_emulator/feed?after=0');
    await door.fetch('/_emulator/faults/clear', post({}));
    expect((await door.fetch('/_emulator/nothing')).status).toBe(404);
    expect(door.emulator.calls).toHaveLength(0);
  });
});
