import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Door, type DoorName, KEY, openDoor, post } from './doors';

const doors: DoorName[] = ['fetch', 'msw', 'server'];

describe.each(doors)('Connect emulator through %s', (name) => {
  let door: Door;
  beforeEach(async () => {
    door = await openDoor(name, { apiKeys: [KEY], now: () => Date.UTC(2026, 10, 29, 12) });
  });
  afterEach(() => door.close());

  const errorOf = async (response: Response) => ({
    status: response.status,
    body: await response.json(),
  });

  describe('the requests the official SDKs sent', () => {
    it('identify: creates, then upserts (fields replace, attributes merge, tokens accumulate)', async () => {
      const first = await door.fetch(
        '/v2/identify',
        post({
          user_id: 42,
          first_name: 'Michael',
          email: 'mbolton@example.com',
          apns: ['tok1'],
          attributes: { plan: 'pro', seats: 3 },
        }),
      );
      expect(first.status).toBe(200);
      await door.fetch(
        '/v2/identify',
        post({
          user_id: '42',
          last_name: 'Bolton',
          email: 'mb@example.com',
          apns: ['tok2', 'tok1'],
          fcm: ['f1'],
          attributes: { seats: 5 },
        }),
      );
      const user = door.emulator.users.get('42');
      expect(user).toMatchObject({
        user_id: '42',
        first_name: 'Michael',
        last_name: 'Bolton',
        email: 'mb@example.com',
        apns: ['tok1', 'tok2'],
        fcm: ['f1'],
        gcm: [],
        attributes: { plan: 'pro', seats: 5 },
      });
      expect(door.emulator.users.size).toBe(1);
    });

    it('track: appends events with their properties and timestamp', async () => {
      const response = await door.fetch(
        '/v2/track',
        post({
          user_id: 'u1',
          event: 'Signed Up',
          properties: { plan: 'Startup' },
          timestamp: 1428323492.123,
        }),
      );
      expect(response.status).toBe(200);
      await door.fetch('/v2/track', post({ user_id: 'u1', event: 'Signed Up' }));
      expect(door.emulator.events).toStrictEqual([
        {
          user_id: 'u1',
          event: 'Signed Up',
          properties: { plan: 'Startup' },
          timestamp: 1428323492.123,
          received_at: Date.UTC(2026, 10, 29, 12),
        },
        {
          user_id: 'u1',
          event: 'Signed Up',
          properties: {},
          timestamp: Date.UTC(2026, 10, 29, 12) / 1000,
          received_at: Date.UTC(2026, 10, 29, 12),
        },
      ]);
    });

    it('batches: applies each item in order', async () => {
      expect(
        (
          await door.fetch(
            '/v2/identify/batch',
            post([
              { user_id: 'a', email: 'a@x.io' },
              { user_id: 'a', email: 'b@x.io' },
            ]),
          )
        ).status,
      ).toBe(200);
      expect(door.emulator.users.get('a')?.email).toBe('b@x.io');
      const events = Array.from({ length: 100 }, (_, i) => ({ user_id: 'a', event: `e${i}` }));
      expect((await door.fetch('/v2/track/batch', post(events))).status).toBe(200);
      expect(door.emulator.events.map((e) => e.event)).toStrictEqual(events.map((e) => e.event));
    });

    it('alias: merges the earlier user into the new id, and its events follow', async () => {
      await door.fetch(
        '/v2/identify',
        post({ user_id: 'anon-1', attributes: { source: 'ad', plan: 'free' }, apns: ['t-anon'] }),
      );
      await door.fetch('/v2/track', post({ user_id: 'anon-1', event: 'Viewed Pricing' }));
      await door.fetch(
        '/v2/identify',
        post({ user_id: 'u1', first_name: 'Michael', attributes: { plan: 'pro' } }),
      );
      expect(
        (await door.fetch('/v2/identify', post({ user_id: 'u1', previous_id: 'anon-1' }))).status,
      ).toBe(200);
      expect([...door.emulator.users.keys()]).toStrictEqual(['u1']);
      expect(door.emulator.users.get('u1')).toMatchObject({
        first_name: 'Michael',
        apns: ['t-anon'],
        attributes: { source: 'ad', plan: 'pro' },
        previous_ids: ['anon-1'],
      });
      expect(door.emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([
        ['u1', 'Viewed Pricing'],
      ]);
    });

    it('alias to a new id moves the anonymous user wholesale', async () => {
      await door.fetch('/v2/identify', post({ user_id: 'anon-2', email: 'x@y.io' }));
      await door.fetch('/v2/identify', post({ user_id: 7, previous_id: 'anon-2' }));
      expect(door.emulator.users.get('7')).toMatchObject({
        user_id: '7',
        email: 'x@y.io',
        previous_ids: ['anon-2'],
      });
      expect(door.emulator.users.has('anon-2')).toBe(false);
    });

    it('push tokens: register, disable one, disable all', async () => {
      for (const token of ['t1', 't2'])
        expect((await door.fetch('/v2/apns/register', post({ user_id: 'u1', token }))).status).toBe(
          200,
        );
      await door.fetch('/v2/fcm/register', post({ user_id: 'u1', token: 'f1' }));
      await door.fetch('/v2/gcm/register', post({ user_id: 'u1', token: 'g1' }));
      expect(
        (await door.fetch('/v2/apns/disable', post({ user_id: 'u1', token: 't1' }))).status,
      ).toBe(200);
      expect(door.emulator.users.get('u1')).toMatchObject({
        apns: ['t2'],
        fcm: ['f1'],
        gcm: ['g1'],
      });
      expect((await door.fetch('/v2/fcm/disable', post({ user_id: 'u1', all: true }))).status).toBe(
        200,
      );
      expect(door.emulator.users.get('u1')).toMatchObject({ apns: ['t2'], fcm: [], gcm: ['g1'] });
    });

    it('subscriptions: all and by campaign', async () => {
      await door.fetch('/v2/unsubscribe/campaigns', post({ user_id: 'u1', campaign_ids: [1, 2] }));
      expect(door.emulator.users.get('u1')).toMatchObject({
        unsubscribed_all: false,
        unsubscribed_campaigns: ['1', '2'],
      });
      await door.fetch('/v2/subscribe/campaigns', post({ user_id: 'u1', campaign_ids: [1] }));
      await door.fetch('/v2/unsubscribe/all', post({ user_id: 'u1' }));
      expect(door.emulator.users.get('u1')).toMatchObject({
        unsubscribed_all: true,
        unsubscribed_campaigns: ['2'],
      });
      await door.fetch('/v2/subscribe/all', post({ user_id: 'u1' }));
      expect(door.emulator.users.get('u1')).toMatchObject({
        unsubscribed_all: false,
        unsubscribed_campaigns: [],
      });
    });

    it('records every call with the key masked', async () => {
      await door.fetch(
        '/v2/track',
        post(
          { user_id: 'u1', event: 'e' },
          { 'X-Outbound-GUID': 'guid-1', 'X-Outbound-Client': 'test/1' },
        ),
      );
      const [call] = door.emulator.calls;
      expect(call).toMatchObject({
        method: 'POST',
        path: '/v2/track',
        status: 200,
        body: { user_id: 'u1', event: 'e' },
        time: Date.UTC(2026, 10, 29, 12),
      });
      expect(call?.headers).toMatchObject({
        'x-outbound-key': '****c5d6',
        'x-outbound-guid': 'guid-1',
        'x-outbound-client': 'test/1',
      });
      expect(JSON.stringify(door.emulator.calls)).not.toContain(KEY);
    });
  });

  describe('errors, in Connect’s error body', () => {
    it.each([
      ['no key', post({ user_id: 'u1' }, { 'X-Outbound-Key': '' }), 401],
      ['a key not accepted', post({ user_id: 'u1' }, { 'X-Outbound-Key': 'wrong' }), 401],
    ])('401 for %s', async (_, init, status) => {
      expect(await errorOf(await door.fetch('/v2/identify', init))).toStrictEqual({
        status,
        body: { error: { Message: 'X-Outbound-Key is missing or not a valid key', Code: 401 } },
      });
      expect(door.emulator.users.size).toBe(0);
    });

    it('404 for an unknown path, 405 for a method other than POST', async () => {
      expect(await errorOf(await door.fetch('/v2/page', post({ user_id: 'u1' })))).toStrictEqual({
        status: 404,
        body: { error: { Message: 'no such endpoint: /v2/page', Code: 404 } },
      });
      const response = await door.fetch('/v2/track', {
        method: 'PUT',
        headers: { 'X-Outbound-Key': KEY },
        body: '{}',
      });
      expect(response.headers.get('allow')).toBe('POST');
      expect(await errorOf(response)).toStrictEqual({
        status: 405,
        body: { error: { Message: 'PUT is not allowed; use POST', Code: 405 } },
      });
    });

    it('500 for a body that is not JSON', async () => {
      expect(await errorOf(await door.fetch('/v2/track', post('{"user_id":')))).toStrictEqual({
        status: 500,
        body: { error: { Message: 'the request body is not valid JSON', Code: 500 } },
      });
    });

    it.each([
      ['/v2/identify', {}, 'user_id is required'],
      ['/v2/identify', { user_id: true }, 'user_id must be a non-empty string or a number'],
      ['/v2/identify', { user_id: 'u', email: 5 }, 'email must be a string'],
      ['/v2/track', { user_id: 'u' }, 'event is required'],
      [
        '/v2/track',
        { user_id: 'u', event: 'x'.repeat(201) },
        'event must be a non-empty string of at most 200 characters',
      ],
      [
        '/v2/track',
        { user_id: 'u', event: 'e', timestamp: '2020-01-01' },
        'timestamp must be a number',
      ],
      ['/v2/apns/register', { user_id: 'u' }, 'token is required'],
      [
        '/v2/unsubscribe/campaigns',
        { user_id: 'u', campaign_ids: [] },
        'campaign_ids must not be empty',
      ],
    ])('400 on %s for %j', async (path, body, message) => {
      expect(await errorOf(await door.fetch(path, post(body)))).toStrictEqual({
        status: 400,
        body: { error: { Message: message, Code: 400 } },
      });
    });

    it('400 for a batch that is not an array or holds more than 100 items, naming bad items by index', async () => {
      expect(
        await errorOf(await door.fetch('/v2/track/batch', post({ user_id: 'u', event: 'e' }))),
      ).toStrictEqual({
        status: 400,
        body: { error: { Message: 'body must be a JSON array', Code: 400 } },
      });
      const many = Array.from({ length: 101 }, () => ({ user_id: 'u', event: 'e' }));
      expect(
        (await errorOf(await door.fetch('/v2/track/batch', post(many)))).body.error.Message,
      ).toBe('body holds 101 items; a batch holds at most 100');
      const items = [
        { user_id: 'u', event: 'ok' },
        { user_id: 'u' },
        { user_id: 'u', event: 'ok' },
        { event: 'x' },
      ];
      expect(await errorOf(await door.fetch('/v2/track/batch', post(items)))).toStrictEqual({
        status: 400,
        body: { error: { Message: '[1].event is required; [3].user_id is required', Code: 400 } },
      });
      expect(door.emulator.events).toHaveLength(0);
    });

    it('strict mode refuses a timezone that is not IANA and a token that is not a string', async () => {
      expect(
        (await errorOf(await door.fetch('/v2/identify', post({ user_id: 'u', timezone: 'GMT+2' }))))
          .body.error.Message,
      ).toBe('timezone must be an IANA time zone name such as Europe/Berlin');
      expect(
        (await errorOf(await door.fetch('/v2/identify', post({ user_id: 'u', apns: [123] })))).body
          .error.Message,
      ).toBe('apns.0 must be a string');
      expect(door.emulator.users.size).toBe(0);
    });
  });

  describe('faults', () => {
    it('fails the next N requests with a status, Retry-After and body, then stops', async () => {
      door.emulator.faults.failNext(2, 503, { retryAfter: 3 });
      for (let i = 0; i < 2; i++) {
        const response = await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }));
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('3');
        expect(await response.json()).toStrictEqual({
          error: { Message: 'injected failure (503)', Code: 503 },
        });
      }
      expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
      door.emulator.faults.failNext(1, 429, { body: 'slow down' });
      const limited = await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }));
      expect([limited.status, await limited.text()]).toStrictEqual([429, 'slow down']);
      expect(door.emulator.events).toHaveLength(1);
      expect(door.emulator.calls.map((c) => c.status)).toStrictEqual([503, 503, 200, 429]);
    });

    it('drops the connection: the request rejects with a TypeError, and nothing is applied', async () => {
      door.emulator.faults.dropNext(1);
      await expect(door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).rejects.toThrow(
        TypeError,
      );
      expect(door.emulator.events).toHaveLength(0);
      expect(door.emulator.calls.map((c) => c.status)).toStrictEqual([0]);
      expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
    });

    it('delays responses after applying them, for the given count', async () => {
      door.emulator.faults.delay(150, 1);
      const started = performance.now();
      const response = await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }));
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      const again = performance.now();
      await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }));
      expect(performance.now() - again).toBeLessThan(140);
    });

    it('refuses specific items with 400, taking the batch with them', async () => {
      door.emulator.faults.refuse((message) => (message as { event?: string }).event === 'poison');
      const batch = [
        { user_id: 'u', event: 'ok' },
        { user_id: 'u', event: 'poison' },
      ];
      expect(await errorOf(await door.fetch('/v2/track/batch', post(batch)))).toStrictEqual({
        status: 400,
        body: { error: { Message: '[1] was refused', Code: 400 } },
      });
      expect((await door.fetch('/v2/track', post(batch[0]))).status).toBe(200);
      expect((await door.fetch('/v2/track', post(batch[1]))).status).toBe(400);
      expect(door.emulator.events.map((e) => e.event)).toStrictEqual(['ok']);
    });

    it('applies rules per request, and clear() removes every fault', async () => {
      door.emulator.faults.use(({ sequence }) =>
        sequence % 2 === 0 ? { kind: 'fail', status: 500 } : undefined,
      );
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status);
      expect(statuses).toStrictEqual([200, 500, 200, 500]);
      door.emulator.faults.clear();
      expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
    });

    it('fails every N-th request until cleared, for a steady failure rate', async () => {
      door.emulator.faults.failEvery(3, 503, { retryAfter: 0 });
      const statuses = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status);
      expect(statuses).toStrictEqual([200, 200, 503, 200, 200, 503, 200]);
      expect(() => door.emulator.faults.failEvery(0, 503)).toThrow(
        'failEvery: every must be a whole number of at least 1, not 0',
      );
      door.emulator.faults.clear();
      expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
    });

    it('takes faults over HTTP, for tests in another process', async () => {
      const control = (path: string, body: unknown) => door.fetch(`/_emulator/${path}`, post(body));
      expect((await control('faults/fail', { every: 2, status: 503, retryAfter: 0 })).status).toBe(
        200,
      );
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status);
      expect(statuses).toStrictEqual([200, 503, 200, 503]);
      expect(await errorOf(await control('faults/fail', { every: 0 }))).toStrictEqual({
        status: 400,
        body: { error: { Message: 'every must be a whole number of at least 1', Code: 400 } },
      });
      expect((await control('faults/clear', {})).status).toBe(200);
      await control('faults/fail', { count: 1, status: 429 });
      expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(429);
      expect((await control('reset', {})).status).toBe(200);
      expect(door.emulator.calls).toHaveLength(0);
    });

    it('reset() forgets users, events, calls and faults', async () => {
      await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }));
      door.emulator.faults.failNext(5, 500);
      door.emulator.reset();
      expect([
        door.emulator.users.size,
        door.emulator.events.length,
        door.emulator.calls.length,
      ]).toStrictEqual([0, 0, 0]);
      expect((await door.fetch('/v2/track', post({ user_id: 'u', event: 'e' }))).status).toBe(200);
    });
  });

  it('serves the events state as JSON, counting the last 24 hours', async () => {
    await door.fetch('/v2/identify', post({ user_id: 'u1', first_name: 'Ann' }));
    await door.fetch(
      '/v2/track/batch',
      post([
        { user_id: 'u1', event: 'A' },
        { user_id: 'u1', event: 'B' },
        { user_id: 'u1', event: 'A' },
      ]),
    );
    const state = await (await door.fetch('/_emulator/state')).json();
    expect(state.eventCounts).toStrictEqual([
      { event: 'A', count: 2 },
      { event: 'B', count: 1 },
    ]);
    expect(state.users.map((u: { user_id: string }) => u.user_id)).toStrictEqual(['u1']);
    const page = await door.fetch('/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Connect emulator</title>');
    const events = await (await door.fetch('/_emulator/events')).json();
    expect(events.names).toMatchObject([
      { event: 'A', count: 2 },
      { event: 'B', count: 1 },
    ]);
  });
});

describe('lenient mode', () => {
  it('stores what strict mode refuses', async () => {
    const door = await openDoor('fetch', { strict: false });
    const response = await door.fetch(
      '/v2/identify',
      post({ user_id: 'u', timezone: 'GMT+2', apns: [123] }),
    );
    expect(response.status).toBe(200);
    expect(door.emulator.users.get('u')).toMatchObject({ timezone: 'GMT+2', apns: [123] });
  });

  it('accepts any non-empty key by default', async () => {
    const door = await openDoor('fetch');
    expect(
      (
        await door.fetch(
          '/v2/track',
          post({ user_id: 'u', event: 'e' }, { 'X-Outbound-Key': 'anything' }),
        )
      ).status,
    ).toBe(200);
  });

  it('only counts events of the last 24 hours', async () => {
    let now = Date.UTC(2026, 0, 1);
    const door = await openDoor('fetch', { now: () => now });
    await door.fetch('/v2/track', post({ user_id: 'u', event: 'Old' }));
    now += 24 * 60 * 60 * 1000;
    await door.fetch('/v2/track', post({ user_id: 'u', event: 'New' }));
    expect(door.emulator.snapshot().eventCounts).toStrictEqual([{ event: 'New', count: 1 }]);
    expect(door.emulator.events).toHaveLength(2);
  });
});

describe('alias is permanent', () => {
  it('sends later calls under the earlier id to the merged user', async () => {
    const door = await openDoor('fetch');
    await door.fetch('/v2/identify', post({ user_id: 'anon-1', attributes: { a: 1 } }));
    await door.fetch('/v2/identify', post({ user_id: 'u1', previous_id: 'anon-1' }));
    await door.fetch('/v2/track', post({ user_id: 'anon-1', event: 'Late Event' }));
    await door.fetch('/v2/identify', post({ user_id: 'anon-1', attributes: { b: 2 } }));
    await door.fetch('/v2/apns/register', post({ user_id: 'anon-1', token: 't' }));
    expect([...door.emulator.users.keys()]).toStrictEqual(['u1']);
    expect(door.emulator.users.get('u1')).toMatchObject({
      attributes: { a: 1, b: 2 },
      apns: ['t'],
      previous_ids: ['anon-1'],
    });
    expect(door.emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([
      ['u1', 'Late Event'],
    ]);
  });

  it('follows chains of aliases', async () => {
    const door = await openDoor('fetch');
    await door.fetch('/v2/identify', post({ user_id: 'b', previous_id: 'a' }));
    await door.fetch('/v2/identify', post({ user_id: 'c', previous_id: 'b' }));
    await door.fetch('/v2/track', post({ user_id: 'a', event: 'E' }));
    expect(door.emulator.events.map((e) => e.user_id)).toStrictEqual(['c']);
  });
});
