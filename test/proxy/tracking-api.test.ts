/**
 * Segment's tracking API on the proxy, as analytics.js and Segment's libraries send it: the
 * one-letter and `v1/…` paths, text/plain bodies, write keys (HTTP Basic or the body) routing to
 * environments, `sentAt` clock-skew correction, the retry headers, page and screen calls. Judged
 * from the emulator's side.
 */
import { describe, expect, it } from 'vitest';
import { ConnectClient, mapTrack, ValidationError } from '../../src/index';
import { type ConnectProxyOptions, createConnectProxy } from '../../src/proxy/index';
import { type ConnectEmulator, createConnectEmulator } from '../../src/testing/index';
import { capturing, expectMappedAsClient, type Received } from '../support/tracking-api';

const ORIGIN = 'https://app.example.com';
const USER = '019mr8mf4r';
/** analytics.js's anonymous ids are random UUID v4s. */
const ANON = '6f1c4a2e-8b3d-4c5e-9f7a-1b2c3d4e5f60';

function clientOf(emulator: ConnectEmulator) {
  return new ConnectClient({
    apiKey: 'server-side-key-0123456789abcdef',
    fetch: emulator.fetch,
    maxRetries: 0,
  });
}

type Options = Partial<ConnectProxyOptions>;

/** A proxy over one emulator, or over one per write key with `keys`. */
function setUp(options: Options = {}, keys?: readonly string[]) {
  const emulators = new Map<string, ConnectEmulator>();
  for (const key of keys ?? ['any']) emulators.set(key, createConnectEmulator());
  const log: Received[] = [];
  const proxy = capturing(
    createConnectProxy({
      ...(keys
        ? {
            writeKeys: Object.fromEntries(
              [...emulators].map(([key, emulator]) => [key, clientOf(emulator)]),
            ),
          }
        : { client: clientOf(emulators.get('any') as ConnectEmulator) }),
      currentUser: (request) => request.headers.get('x-session-user'),
      secret: false,
      anonymousIdPattern: /^[0-9a-f-]{36}$/,
      ...options,
    } as ConnectProxyOptions),
    log,
  );
  const send = (
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
    user: string | undefined = USER,
  ) =>
    proxy(
      new Request(`${ORIGIN}/api/connect${path}`, {
        method: 'POST',
        // analytics.js's: text/plain, so a cross-origin post needs no preflight for its type.
        headers: {
          'content-type': 'text/plain',
          origin: ORIGIN,
          ...(user === undefined ? {} : { 'x-session-user': user }),
          ...headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const emulator = emulators.values().next().value as ConnectEmulator;
  return { emulator, emulators, send, log, proxy };
}

const basic = (key: string) => ({ authorization: `Basic ${btoa(`${key}:`)}` });
const answer = async (response: Response) => [response.status, await response.json()];

const identify = { type: 'identify', userId: USER, traits: { email: 'mbolton@example.com' } };
const track = {
  type: 'track',
  userId: USER,
  event: 'Signed Up',
  properties: { plan: 'Startup' },
  timestamp: '2026-11-29T10:00:00.000Z',
};
const alias = { type: 'alias', userId: USER, previousId: ANON };
const group = { type: 'group', userId: USER, groupId: 'acme' };
const page = { type: 'page', userId: USER, name: 'Pricing', properties: { path: '/pricing' } };
const screen = { type: 'screen', userId: USER, name: 'Home' };

describe('the paths analytics.js and Segment’s libraries post to', () => {
  it.each([
    ['/t', track],
    ['/i', identify],
    ['/a', alias],
    ['/g', group],
    ['/track', track],
    ['/v1/track', track],
    ['/v1/identify', identify],
    ['/v1/alias', alias],
    ['/v1/group', group],
    ['/v1/t/', track],
  ])('%s takes one call as text/plain, mapped and forwarded', async (path, message) => {
    const { emulator, send, log } = setUp();
    expect(await answer(await send(path, message))).toStrictEqual([
      200,
      { accepted: 1, skipped: 0 },
    ]);
    expectMappedAsClient(emulator, log);
    expect(emulator.writes).toHaveLength(1);
  });

  it.each([['/p'], ['/s'], ['/page'], ['/screen'], ['/v1/page'], ['/v1/screen']])(
    '%s accepts a page or screen call and skips it: Connect has no use for it',
    async (path) => {
      const { emulator, send } = setUp();
      const message = path.includes('s') && !path.includes('page') ? screen : page;
      expect(await answer(await send(path, message))).toStrictEqual([
        200,
        { accepted: 0, skipped: 1 },
      ]);
      expect(emulator.calls).toStrictEqual([]);
    },
  );

  it.each([['/b'], ['/batch'], ['/v1/batch'], ['/v1/import']])(
    '%s takes a batch (page and screen skipped), the order kept',
    async (path) => {
      const { emulator, send, log } = setUp();
      const batch = [identify, track, page, alias, screen, group];
      expect(await answer(await send(path, { batch }))).toStrictEqual([
        200,
        { accepted: 4, skipped: 2 },
      ]);
      expectMappedAsClient(emulator, log);
      expect(emulator.users.get(USER)).toMatchObject({
        previous_ids: [ANON],
        group_id: 'acme',
      });
    },
  );

  it('a type that is not the path’s is refused, and so are other paths', async () => {
    const { emulator, send } = setUp();
    expect(await answer(await send('/t', identify))).toMatchObject([
      400,
      { error: { code: 'invalid_request' } },
    ]);
    for (const path of ['/x', '/v1/m', '/v1', '/track/x', '/T']) {
      expect((await send(path, track)).status).toBe(404);
    }
    expect(emulator.calls).toStrictEqual([]);
  });

  it('pageEventName forwards page and screen calls as tracks, mapped as ConnectClient maps the track', async () => {
    const { emulator, send } = setUp({ pageEventName: 'Viewed Page' });
    const stamped = { ...page, timestamp: '2026-11-29T10:00:00.000Z', category: 'Docs' };
    expect(await answer(await send('/p', stamped))).toStrictEqual([
      200,
      { accepted: 1, skipped: 0 },
    ]);
    expect(await answer(await send('/s', { ...screen, timestamp: stamped.timestamp }))).toEqual([
      200,
      { accepted: 1, skipped: 0 },
    ]);
    expect(emulator.writes.map((w) => w.body)).toStrictEqual([
      mapTrack({
        userId: USER,
        event: 'Viewed Page',
        properties: { name: 'Pricing', category: 'Docs', path: '/pricing' },
        timestamp: stamped.timestamp,
      }).body,
      mapTrack({
        userId: USER,
        event: 'Viewed Page',
        properties: { name: 'Home' },
        timestamp: stamped.timestamp,
      }).body,
    ]);
  });

  it('checks pageEventName, and client or writeKeys, at creation, naming the option', () => {
    const emulator = createConnectEmulator();
    const base = { currentUser: () => null, secret: false as const };
    const client = clientOf(emulator);
    const cases: [Record<string, unknown>, string][] = [
      [{ client, pageEventName: ' ' }, 'pageEventName'],
      [{ client, pageEventName: 'x'.repeat(201) }, 'pageEventName'],
      [{}, 'client'],
      [{ client: {} }, 'client'],
      [{ client, writeKeys: { prod: client } }, 'writeKeys'],
      [{ writeKeys: {} }, 'writeKeys'],
      [{ writeKeys: { ' ': client } }, 'writeKeys'],
      [{ writeKeys: { prod: 'client' } }, 'writeKeys.prod'],
    ];
    for (const [options, field] of cases) {
      let error: unknown;
      try {
        createConnectProxy({ ...base, ...options } as never);
      } catch (caught) {
        error = caught;
      }
      expect(error, field).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe(field);
    }
  });
});

describe('write keys are environments', () => {
  it('routes each request to the client of its write key: HTTP Basic, or the body’s writeKey', async () => {
    const { emulators, send } = setUp({}, ['wk-production', 'wk-development']);
    expect((await send('/t', track, basic('wk-production'))).status).toBe(200);
    expect((await send('/v1/batch', { writeKey: 'wk-development', batch: [track] })).status).toBe(
      200,
    );
    expect((await send('/i', { ...identify, writeKey: 'wk-development' })).status).toBe(200);
    // analytics.js's batches carry the key three times: Authorization, the body, each message.
    expect(
      (
        await send(
          '/b',
          { writeKey: 'wk-production', batch: [{ ...track, writeKey: 'wk-production' }] },
          basic('wk-production'),
        )
      ).status,
    ).toBe(200);
    const production = emulators.get('wk-production') as ConnectEmulator;
    const development = emulators.get('wk-development') as ConnectEmulator;
    expect(production.writes.map((w) => w.kind)).toStrictEqual(['track', 'track']);
    expect(development.writes.map((w) => w.kind)).toStrictEqual(['track', 'identify']);
  });

  it('an unknown write key, or none, is 401 and reaches no environment', async () => {
    const { emulators, send } = setUp({}, ['wk-production']);
    for (const [body, headers] of [
      [track, basic('wk-staging')],
      [{ ...track, writeKey: 'wk-staging' }, {}],
      [track, {}],
      [track, basic('')],
      [track, { authorization: 'Bearer wk-production' }],
      [{ ...track, writeKey: 'constructor' }, {}],
      [{ ...track, writeKey: '__proto__' }, {}],
    ] as const) {
      expect(await answer(await send('/t', body, headers))).toMatchObject([
        401,
        { error: { code: 'unknown_write_key' } },
      ]);
    }
    expect(emulators.get('wk-production')?.calls).toStrictEqual([]);
  });

  it('a request naming two write keys is refused', async () => {
    const { emulators, send } = setUp({}, ['wk-production', 'wk-development']);
    for (const [body, headers] of [
      [{ ...track, writeKey: 'wk-development' }, basic('wk-production')],
      [{ writeKey: 'wk-production', batch: [{ ...track, writeKey: 'wk-development' }] }, {}],
      [{ batch: [track, { ...track, writeKey: 'wk-development' }] }, basic('wk-production')],
    ] as const) {
      const path = 'batch' in body ? '/b' : '/t';
      expect(await answer(await send(path, body, headers))).toMatchObject([
        400,
        { error: { code: 'invalid_request' } },
      ]);
    }
    for (const emulator of emulators.values()) expect(emulator.calls).toStrictEqual([]);
  });

  it('one client and no writeKeys takes every request, whatever key it names or none', async () => {
    const { emulator, send } = setUp();
    expect((await send('/t', track, basic('anything'))).status).toBe(200);
    expect((await send('/t', { ...track, writeKey: 'else' })).status).toBe(200);
    expect((await send('/t', track)).status).toBe(200);
    expect(emulator.writes).toHaveLength(3);
  });
});

describe('sentAt: Segment’s clock-skew rule', () => {
  const HOUR = 60 * 60_000;

  it('a sender whose clock runs an hour fast: its track timestamps are corrected, the gaps between them kept', async () => {
    const { emulator, send, log } = setUp();
    const skewed = Date.now() + HOUR;
    const at = (ms: number) => new Date(skewed + ms).toISOString();
    const response = await send('/b', {
      batch: [
        { ...track, event: 'First', timestamp: at(-5_000) },
        { ...track, event: 'Second', timestamp: at(-2_000) },
      ],
      sentAt: at(0),
    });
    expect(response.status).toBe(200);
    // Single calls carry their own sentAt (analytics.js's standard mode).
    expect((await send('/t', { ...track, timestamp: at(-1_000), sentAt: at(0) })).status).toBe(200);
    const [batched, single] = log as [Received, Received];
    const stored = emulator.events.map((e) => e.timestamp * 1000);
    expect(stored).toHaveLength(3);
    // receivedAt - (sentAt - timestamp): 5 s, 2 s and 1 s before the proxy received them.
    expect(stored[0]).toBeGreaterThanOrEqual(batched.start - 5_000);
    expect(stored[0]).toBeLessThanOrEqual(batched.end - 5_000);
    expect((stored[1] ?? 0) - (stored[0] ?? 0)).toBe(3_000);
    expect(stored[2]).toBeGreaterThanOrEqual(single.start - 1_000);
    expect(stored[2]).toBeLessThanOrEqual(single.end - 1_000);
    expectMappedAsClient(emulator, log);
  });

  it('an hour slow, and a message’s own sentAt over the batch’s', async () => {
    const { emulator, send, log } = setUp();
    const skewed = Date.now() - HOUR;
    const at = (ms: number) => new Date(skewed + ms).toISOString();
    await send('/v1/batch', {
      batch: [{ ...track, timestamp: at(-3_000), sentAt: at(0) }],
      sentAt: at(HOUR * 5),
    });
    const [request] = log as [Received];
    const stored = (emulator.events[0]?.timestamp ?? 0) * 1000;
    expect(stored).toBeGreaterThanOrEqual(request.start - 3_000);
    expect(stored).toBeLessThanOrEqual(request.end - 3_000);
  });

  it('without sentAt, or without a timestamp, nothing moves; an unreadable sentAt is refused, naming it', async () => {
    const { emulator, send } = setUp();
    expect((await send('/t', track)).status).toBe(200);
    expect(emulator.events[0]?.timestamp).toBe(Date.parse(track.timestamp) / 1000);
    const before = Date.now();
    const { timestamp: _, ...unstamped } = track;
    expect(
      (await send('/t', { ...unstamped, sentAt: new Date(Date.now() + HOUR).toISOString() }))
        .status,
    ).toBe(200);
    // The mapping's now, the server's clock.
    expect((emulator.events[1]?.timestamp ?? 0) * 1000).toBeGreaterThanOrEqual(before);
    expect((emulator.events[1]?.timestamp ?? 0) * 1000).toBeLessThanOrEqual(Date.now());
    expect(await answer(await send('/b', { batch: [track], sentAt: 'yesterday' }))).toMatchObject([
      400,
      { error: { code: 'invalid_messages', issues: [{ index: 0, path: 'sentAt' }] } },
    ]);
    expect(emulator.events).toHaveLength(2);
  });
});

describe('analytics.js’s headers', () => {
  it('a preflight for Authorization and X-Retry-Count is allowed, and a retry is taken like a first try', async () => {
    const { emulator, send, proxy } = setUp({}, ['wk-production']);
    const preflight = await proxy(
      new Request(`${ORIGIN}/api/connect/t`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-retry-count',
        },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'authorization,content-type,x-retry-count',
    );
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const retried = await send('/t', track, { ...basic('wk-production'), 'x-retry-count': '2' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(emulator.writes).toHaveLength(1);
  });
});

describe('gzip bodies (analytics-python’s gzip=True)', () => {
  const gzip = async (text: string) =>
    new Uint8Array(
      await new Response(
        new Blob([text]).stream().pipeThrough(new CompressionStream('gzip')),
      ).arrayBuffer(),
    );

  it('are inflated; what they inflate to counts against maxBodyBytes; a bad one is 400, another encoding 415', async () => {
    const { emulator, proxy } = setUp({ maxBodyBytes: 64 * 1024 });
    const post = (body: BodyInit, encoding: string) =>
      proxy(
        new Request(`${ORIGIN}/api/connect/v1/batch`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-encoding': encoding,
            'x-session-user': USER,
          },
          body,
        }),
      );
    expect(
      await answer(await post(await gzip(JSON.stringify({ batch: [track] })), 'gzip')),
    ).toEqual([200, { accepted: 1, skipped: 0 }]);
    // A megabyte of spaces is a kilobyte of gzip: refused while it inflates.
    const bomb = await gzip(`{"batch":[${' '.repeat(1024 * 1024)}]}`);
    expect(bomb.byteLength).toBeLessThan(4096);
    expect(await answer(await post(bomb, 'gzip'))).toMatchObject([
      413,
      { error: { code: 'too_large' } },
    ]);
    expect(await answer(await post('{"batch":[]}', 'gzip'))).toMatchObject([
      400,
      { error: { code: 'invalid_json' } },
    ]);
    expect(await answer(await post('{"batch":[]}', 'br'))).toMatchObject([
      415,
      { error: { code: 'unsupported_encoding' } },
    ]);
    expect(emulator.writes).toHaveLength(1);
  });
});
