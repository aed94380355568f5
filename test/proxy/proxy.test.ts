import { describe, expect, it } from 'vitest';
import { ConnectClient } from '../../src/index';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import { type ConnectProxyOptions, createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const ORIGIN = 'https://app.example.com';
const URL_BASE = `${ORIGIN}/api/connect`;

/** The signed-in user of every request here; test/proxy/identity.test.ts covers who may write what. */
const SIGNED_IN = 'u1';

function setUp(
  options: Partial<ConnectProxyOptions> = {},
  clientOptions: { maxRetries?: number } = {},
) {
  const emulator = createConnectEmulator();
  const client = new ConnectClient({
    apiKey: 'server-side-key-0123456789abcdef',
    fetch: emulator.fetch,
    ...clientOptions,
  });
  const proxy = createConnectProxy({
    client,
    currentUser: () => SIGNED_IN,
    secret: false,
    ...options,
  });
  const send = (path: string, body: unknown, init: RequestInit = {}) =>
    proxy(
      new Request(`${URL_BASE}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        ...init,
      }),
    );
  return { emulator, client, proxy, send };
}

const anon = newAnonymousId(Date.now());
const batch = [
  {
    type: 'identify',
    anonymousId: anon,
    traits: { plan: 'trial' },
    messageId: 'm1',
    timestamp: '2026-11-29T10:00:00.000Z',
  },
  {
    type: 'track',
    anonymousId: anon,
    event: 'Viewed Pricing',
    properties: { plan: 'Startup' },
    timestamp: '2026-11-29T10:00:01.000Z',
  },
  { type: 'page', anonymousId: anon, name: 'Pricing' },
  { type: 'alias', userId: SIGNED_IN, previousId: anon },
  {
    type: 'identify',
    userId: SIGNED_IN,
    anonymousId: anon,
    traits: { name: 'Michael Bolton', email: 'mbolton@example.com' },
  },
  { type: 'group', userId: SIGNED_IN, groupId: 'acme', traits: { plan: 'enterprise' } },
];

describe('createConnectProxy: forwarding', () => {
  it('maps and forwards a Segment batch, skipping page calls, and answers 200 once Connect accepted it', async () => {
    const { emulator, send } = setUp();
    // No sentAt: the timestamps stay as given (test/proxy/tracking-api.test.ts corrects skew).
    const response = await send('/batch', { batch });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(await response.json()).toStrictEqual({ accepted: 5, skipped: 1 });
    expect([...emulator.users.keys()]).toStrictEqual([SIGNED_IN]);
    expect(emulator.users.get(SIGNED_IN)).toMatchObject({
      first_name: 'Michael',
      last_name: 'Bolton',
      email: 'mbolton@example.com',
      group_id: 'acme',
      attributes: { plan: 'trial', name: 'Michael Bolton' },
      group_attributes: { plan: 'enterprise' },
    });
    expect(emulator.events.map((e) => [e.user_id, e.event, e.timestamp])).toStrictEqual([
      [SIGNED_IN, 'Viewed Pricing', 1795946401],
    ]);
  });

  it.each([
    ['/identify', { userId: 'u1', traits: { email: 'a@b.co' } }],
    ['/track', { userId: 'u1', event: 'Signed Up' }],
    ['/alias', { userId: 'u1', previousId: anon }],
    ['/group', { userId: 'u1', groupId: 'g1' }],
  ])('accepts the single-call path %s', async (path, body) => {
    const { emulator, send } = setUp();
    const response = await send(path, body);
    expect([response.status, await response.json()]).toStrictEqual([
      200,
      { accepted: 1, skipped: 0 },
    ]);
    expect(emulator.calls).toHaveLength(1);
  });

  it('answers 502 naming the messages Connect did not take', async () => {
    const { emulator, send } = setUp({}, { maxRetries: 0 });
    emulator.faults.failNext(1, 503);
    const response = await send('/track', { userId: 'u1', event: 'Signed Up' });
    expect(response.status).toBe(502);
    // Retryable: the page is told to wait (its own retries stack on the server client's).
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toStrictEqual({
      error: {
        code: 'delivery_failed',
        message: '1 of 1 message(s) could not be delivered to Connect',
        failed: [
          {
            index: 0,
            name: 'ServerError',
            code: 'server_error',
            status: 503,
            message: 'Connect answered 503 to POST /v2/track (1 attempt): injected failure (503)',
            retryable: true,
          },
        ],
        retryable: true,
      },
    });
  });

  it("tells a visitor only each failure's code and status, not Connect's words", async () => {
    const { emulator, send } = setUp({ currentUser: () => null }, { maxRetries: 0 });
    emulator.faults.failNext(1, 503);
    const anonymousId = '01a22651-6c00-7000-8000-000000000001';
    const response = await send('/track', { anonymousId, event: 'Visited' });
    expect(response.status).toBe(502);
    expect(await response.json()).toStrictEqual({
      error: {
        code: 'delivery_failed',
        message: '1 of 1 message(s) could not be delivered to Connect',
        failed: [{ index: 0, code: 'server_error', status: 503, retryable: true }],
        retryable: true,
      },
    });
  });

  it.each([
    [401, 'authentication_error'],
    [400, 'bad_request'],
  ])(
    'marks a Connect %i behind its 502 as not retryable, so a page does not send it again',
    async (status, code) => {
      const { emulator, send } = setUp();
      emulator.faults.failNext(1, status);
      const response = await send('/batch', {
        batch: [
          { type: 'track', userId: SIGNED_IN, event: 'Refused' },
          { type: 'identify', userId: SIGNED_IN, traits: { plan: 'pro' } },
        ],
      });
      expect(response.status).toBe(502);
      expect(response.headers.get('retry-after')).toBeNull(); // nothing to wait for
      const { error } = (await response.json()) as {
        error: {
          retryable: boolean;
          failed: { index: number; code: string; retryable: boolean }[];
        };
      };
      expect(error.retryable).toBe(false);
      // Whichever request met the fault; the other message was delivered.
      expect(error.failed).toMatchObject([{ code, status, retryable: false }]);
    },
  );

  it('answers 202 at once with waitUntil, handing it the delivery', async () => {
    const waited: Promise<unknown>[] = [];
    const { emulator, send } = setUp({ waitUntil: (promise) => waited.push(promise) });
    const response = await send('/track', { userId: 'u1', event: 'Later' });
    expect([response.status, await response.json()]).toStrictEqual([
      202,
      { accepted: 1, skipped: 0 },
    ]);
    expect(waited).toHaveLength(1);
    await waited[0];
    expect(emulator.events.map((e) => e.event)).toStrictEqual(['Later']);
  });
});

describe('createConnectProxy: refusals, with nothing forwarded', () => {
  const errorOf = async (response: Response) => ({
    status: response.status,
    error: ((await response.json()) as { error: Record<string, unknown> }).error,
  });

  it('413 for a body over maxBodyBytes, declared or streamed', async () => {
    const { emulator, send } = setUp({ maxBodyBytes: 1_000 });
    const big = { userId: 'u1', event: 'e', properties: { text: 'x'.repeat(2_000) } };
    expect(await errorOf(await send('/track', big))).toMatchObject({
      status: 413,
      error: { code: 'too_large' },
    });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(big)));
        controller.close();
      },
    });
    const streamed = await send('/track', '', { body: stream, duplex: 'half' } as RequestInit);
    expect(await errorOf(streamed)).toStrictEqual({
      status: 413,
      error: { code: 'too_large', message: 'the body is larger than 1000 bytes (maxBodyBytes)' },
    });
    expect(emulator.calls).toHaveLength(0);
  });

  it('400 for a body that is not JSON, or nests too deep', async () => {
    const { emulator, send } = setUp({ maxDepth: 8 });
    expect(await errorOf(await send('/track', '{"userId":'))).toStrictEqual({
      status: 400,
      error: { code: 'invalid_json', message: 'the body is not valid JSON' },
    });
    const deep = `{"userId":"u1","event":"e","properties":${'{"a":'.repeat(10)}1${'}'.repeat(10)}}`;
    expect(await errorOf(await send('/track', deep))).toStrictEqual({
      status: 400,
      error: { code: 'too_deep', message: 'the body nests deeper than 8 levels' },
    });
    expect(emulator.calls).toHaveLength(0);
  });

  it('400 with every issue and its message index when calls are invalid', async () => {
    const { emulator, send } = setUp();
    const response = await send('/batch', {
      batch: [
        { type: 'track', userId: 'u1', event: 'fine' },
        { type: 'track', userId: 'u1', event: '' },
        { type: 'identify' },
        { type: 'screw' },
      ],
    });
    expect(await errorOf(response)).toStrictEqual({
      status: 400,
      error: {
        code: 'invalid_messages',
        message: '3 problem(s) in the messages; nothing was forwarded',
        issues: [
          {
            index: 1,
            path: 'event',
            message: 'track: `event` must be a non-empty string of at most 200 characters',
          },
          { index: 2, path: 'userId', message: 'identify: `userId` or `anonymousId` is required' },
          {
            index: 3,
            path: 'type',
            message: 'must be identify, track, alias, group, page or screen',
          },
        ],
      },
    });
    expect(emulator.calls).toHaveLength(0);
  });

  it.each([
    ['/batch', { messages: [] }, 'the body must be {"batch": [ …messages ]}'],
    ['/batch', { batch: [1] }, 'batch[0] must be an object'],
    ['/track', [1], 'the body must be a JSON object'],
    [
      '/track',
      { type: 'identify', userId: 'u1' },
      "the body's type is identify, but the path is …/track",
    ],
  ])('400 for a malformed %s body', async (path, body, message) => {
    const { send } = setUp();
    expect(await errorOf(await send(path, body))).toStrictEqual({
      status: 400,
      error: { code: 'invalid_request', message },
    });
  });

  it('400 for a batch over maxMessages', async () => {
    const { send } = setUp({ maxMessages: 2 });
    const many = Array.from({ length: 3 }, () => ({ type: 'track', userId: 'u1', event: 'e' }));
    expect((await errorOf(await send('/batch', { batch: many }))).error.message).toBe(
      'the batch holds 3 messages; at most 2',
    );
  });

  it('403 when authorize refuses any message (a group the user is not in), forwarding none of the request', async () => {
    const { emulator, send } = setUp({
      authorize: ({ message }) => message.type !== 'group' || message.groupId === 'acme',
    });
    const response = await send('/batch', {
      batch: [
        { type: 'track', userId: SIGNED_IN, event: 'ok' },
        { type: 'group', userId: SIGNED_IN, groupId: 'other-company' },
      ],
    });
    expect(await errorOf(response)).toStrictEqual({
      status: 403,
      error: {
        code: 'forbidden',
        reason: 'authorize',
        index: 1,
        field: '',
        message: 'message 1 (group): authorize refused it; nothing was forwarded',
      },
    });
    expect(emulator.calls).toHaveLength(0);
    const own = await send('/group', { userId: SIGNED_IN, groupId: 'acme' });
    expect(own.status).toBe(200);
  });

  it('403 for an origin not allowed; CORS preflight only for allowed ones', async () => {
    const { proxy, emulator } = setUp({ allowedOrigins: [ORIGIN] });
    const preflight = (origin: string) =>
      proxy(
        new Request(`${URL_BASE}/batch`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        }),
      );
    const ok = await preflight(ORIGIN);
    expect(ok.status).toBe(204);
    expect(Object.fromEntries(ok.headers)).toMatchObject({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
    });
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const post = await proxy(
      new Request(`${URL_BASE}/track`, {
        method: 'POST',
        headers: { origin: 'https://evil.example' },
        body: JSON.stringify({ userId: 'u1', event: 'e' }),
      }),
    );
    expect(await errorOf(post)).toStrictEqual({
      status: 403,
      error: {
        code: 'origin_not_allowed',
        message: 'the origin https://evil.example may not call this endpoint',
      },
    });
    expect(emulator.calls).toHaveLength(0);
  });

  it('without allowedOrigins, allows its own origin and callers that send none (webhooks)', async () => {
    const { proxy } = setUp();
    const body = JSON.stringify({ userId: 'u1', event: 'e' });
    expect((await proxy(new Request(`${URL_BASE}/track`, { method: 'POST', body }))).status).toBe(
      200,
    );
    expect(
      (
        await proxy(
          new Request(`${URL_BASE}/track`, {
            method: 'POST',
            body,
            headers: { origin: 'https://other.example' },
          }),
        )
      ).status,
    ).toBe(403);
  });

  it('404 for any other path, 405 for other methods', async () => {
    const { proxy, send } = setUp();
    expect(await errorOf(await send('/pageview', { name: 'x' }))).toMatchObject({
      status: 404,
      error: { code: 'not_found' },
    });
    expect(await errorOf(await send('/v2/identify/../../admin', {}))).toMatchObject({
      status: 404,
    });
    const get = await proxy(new Request(`${URL_BASE}/batch`));
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await errorOf(get)).toMatchObject({
      status: 405,
      error: { code: 'method_not_allowed' },
    });
  });
});
