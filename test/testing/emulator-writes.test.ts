import { afterEach, describe, expect, it } from 'vitest';
import { type Door, type DoorName, KEY, openDoor, post } from './doors';

const doors: DoorName[] = ['fetch', 'msw', 'server'];
const T = Date.UTC(2026, 10, 29, 12);

describe.each(doors)('Connect emulator through %s: write log, body limit, controls', (name) => {
  let door: Door;
  afterEach(() => door.close());

  it('logs every applied write in order, with its ids, kind and GUID; refused requests write nothing', async () => {
    door = await openDoor(name, { apiKeys: [KEY], now: () => T });
    await door.fetch(
      '/v2/identify',
      post({ user_id: 'anon-1', attributes: { a: 1 } }, { 'X-Outbound-GUID': 'g1' }),
    );
    await door.fetch(
      '/v2/track/batch',
      post(
        [
          { user_id: 'anon-1', event: 'Viewed' },
          { user_id: 7, event: 'Other' },
        ],
        { 'X-Outbound-GUID': 'g2' },
      ),
    );
    await door.fetch('/v2/track/batch', post([{ user_id: 'anon-1', event: '' }])); // 400: nothing applied
    await door.fetch('/v2/identify', post({ user_id: 'u1', previous_id: 'anon-1' }));
    await door.fetch('/v2/apns/register', post({ user_id: 'u1', token: 't' }));
    await door.fetch('/v2/unsubscribe/all', post({ user_id: 'u1' }));
    expect(
      door.emulator.writes.map(({ seq, kind, path, ids, requestId, time }) => ({
        seq,
        kind,
        path,
        ids,
        requestId,
        time,
      })),
    ).toStrictEqual([
      { seq: 0, kind: 'identify', path: '/v2/identify', ids: ['anon-1'], requestId: 'g1', time: T },
      { seq: 1, kind: 'track', path: '/v2/track/batch', ids: ['anon-1'], requestId: 'g2', time: T },
      { seq: 2, kind: 'track', path: '/v2/track/batch', ids: ['7'], requestId: 'g2', time: T },
      {
        seq: 3,
        kind: 'alias',
        path: '/v2/identify',
        ids: ['u1', 'anon-1'],
        requestId: undefined,
        time: T,
      },
      {
        seq: 4,
        kind: 'register',
        path: '/v2/apns/register',
        ids: ['u1'],
        requestId: undefined,
        time: T,
      },
      {
        seq: 5,
        kind: 'unsubscribe',
        path: '/v2/unsubscribe/all',
        ids: ['u1'],
        requestId: undefined,
        time: T,
      },
    ]);
    expect(door.emulator.writes[1]?.body).toStrictEqual({ user_id: 'anon-1', event: 'Viewed' });
    // A merged user's writes include those under the id merged into it.
    expect(door.emulator.writesOf('u1').map((write) => write.seq)).toStrictEqual([0, 1, 3, 4, 5]);
    expect(door.emulator.writesOf(7).map((write) => write.seq)).toStrictEqual([2]);
    door.emulator.reset();
    expect(door.emulator.writes).toStrictEqual([]);
  });

  it('answers 413 with Connect’s error body above maxBodyBytes, and applies nothing', async () => {
    door = await openDoor(name, { apiKeys: [KEY], maxBodyBytes: 100 });
    const small = await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }));
    expect(small.status).toBe(200);
    const body = JSON.stringify({ user_id: 'u', event: 'é'.repeat(40) }); // 66 characters, 106 bytes
    const big = await door.fetch('/v2/track', post(body));
    expect(big.status).toBe(413);
    expect(await big.json()).toStrictEqual({
      error: { Message: 'the request body is 106 bytes; this server takes at most 100', Code: 413 },
    });
    expect(door.emulator.events).toHaveLength(1);
    expect(door.emulator.calls.map((call) => call.status)).toStrictEqual([200, 413]);
  });

  it('treats a fault count of 0 or less as none', async () => {
    door = await openDoor(name, { apiKeys: [KEY] });
    door.emulator.faults.failNext(0, 503).failNext(-1, 503).dropNext(0).delay(5_000, 0);
    expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
    const control = (path: string, body: unknown) => door.fetch(`/_emulator/${path}`, post(body));
    expect((await control('faults/fail', { count: 0, status: 503 })).status).toBe(200);
    expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
  });

  it('checks every field of the HTTP controls, changing nothing when one is wrong', async () => {
    door = await openDoor(name, { apiKeys: [KEY] });
    const control = (path: string, body: unknown) => door.fetch(`/_emulator/${path}`, post(body));
    const refusals: [string, unknown, string][] = [
      ['faults/fail', { count: 'two' }, 'count must be a whole number of at least 0'],
      ['faults/fail', { count: 1.5 }, 'count must be a whole number of at least 0'],
      ['faults/fail', { status: 99 }, 'status must be a whole number from 400 to 599'],
      ['faults/fail', { status: 101 }, 'status must be a whole number from 400 to 599'],
      ['faults/fail', { status: '503' }, 'status must be a whole number from 400 to 599'],
      [
        'faults/fail',
        { count: 2, every: 3 },
        'count and every cannot be combined: every repeats until cleared',
      ],
      [
        'faults/fail',
        { cout: 3 },
        'unknown field "cout"; the fields are count, every, status, retryAfter',
      ],
      [
        'faults/fail',
        { retryAfter: '1\r\nX-Evil: 1' },
        'retryAfter must be a number of seconds (0 or more) or an HTTP date',
      ],
      ['reset', { everything: true }, 'unknown field "everything"; it takes none'],
      ['faults/fail', { every: 0 }, 'every must be a whole number of at least 1'],
      [
        'faults/fail',
        { retryAfter: -1 },
        'retryAfter must be a number of seconds (0 or more) or an HTTP date',
      ],
      ['faults/drop', { count: -1 }, 'count must be a whole number of at least 0'],
      ['faults/delay', { ms: -5 }, 'ms must be a whole number from 0 to 600000'],
      ['faults/delay', { ms: 10, count: null }, 'count must be a whole number of at least 0'],
      ['faults/fail', '{not json', 'the body must be JSON'],
      ['faults/fail', [1], 'the body must be a JSON object'],
    ];
    for (const [path, body, message] of refusals) {
      const response = await control(path, body);
      expect([response.status, await response.json()]).toStrictEqual([
        400,
        { error: { Message: message, Code: 400 } },
      ]);
    }
    // Nothing was armed by the refused controls.
    expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
    // An empty body takes the defaults: one 500.
    expect((await door.fetch('/_emulator/faults/fail', { method: 'POST' })).status).toBe(200);
    expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(500);
    expect((await control('faults/nothing', {})).status).toBe(404);
  });
});
