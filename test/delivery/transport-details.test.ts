/**
 * The transport's details, each pinned: the events' exact payloads, the retry budget's
 * boundary, closing at every stage, the hook before each attempt, redirects and network errors
 * word for word, and what of a network error is kept (never the request, which holds the key).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectClientEvents, Emitter } from '../../src/delivery/events';
import { type FetchLike, Transport, type TransportOptions } from '../../src/delivery/transport';
import { ClientClosedError, ConnectApiError, ConnectionError } from '../../src/errors';

const KEY = 'f00dfeedf00dfeedf00dfeedf00dfeed';
const RETRY = {
  maxRetries: 3,
  initialDelay: 100,
  maxDelay: 1_000,
  maxRetryAfter: 2_000,
  maxElapsed: 10_000,
};

type Events = Array<[keyof ConnectClientEvents, unknown]>;

/** A transport over `fetch`, recording every event (and every unheard one) in order. */
function transportOver(
  fetch: FetchLike,
  options: Partial<TransportOptions> & { listen?: Array<keyof ConnectClientEvents> } = {},
) {
  const events: Events = [];
  const unheard: Events = [];
  const abort = new AbortController();
  const emitter = new Emitter(
    () => {},
    (event, payload) => unheard.push([event, payload]),
  );
  for (const event of options.listen ?? ['request', 'response', 'retry'])
    emitter.on(event, (payload) => events.push([event, payload]));
  const transport = new Transport({
    apiKey: KEY,
    baseUrl: 'https://connect.test',
    timeout: 1_000,
    retry: RETRY,
    signal: abort.signal,
    emitter,
    fetch,
    ...options,
  });
  return { transport, events, unheard, abort };
}

/** A fetch answering from a list, then 200. */
function answering(...answers: Array<() => Response | Promise<Response>>): FetchLike {
  return vi.fn(async () => (answers.shift() ?? (() => new Response('')))());
}

const status = (code: number, headers?: Record<string, string>) => () =>
  new Response('', headers ? { status: code, headers } : { status: code });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('Transport events', () => {
  it('emits request, response and retry with their exact payloads, one request id for all', async () => {
    const ids = vi.fn(() => ['m1', 'm2']);
    const { transport, events } = transportOver(
      answering(
        () =>
          new Promise((resolve) =>
            setTimeout(() => resolve(new Response('', { status: 503 })), 30),
          ),
        () => new Response(''),
      ),
    );
    const sending = transport.send('/v2/track/batch', '[]', 2, ids, 'guid-1');
    await vi.advanceTimersByTimeAsync(30 + 50);
    expect(await sending).toStrictEqual({ ok: true, attempts: 2 });
    expect(ids).toHaveBeenCalledOnce();
    const error = (events[2]?.[1] as { error: unknown } | undefined)?.error;
    expect(error).toBeInstanceOf(ConnectApiError);
    expect(events).toStrictEqual([
      [
        'request',
        {
          path: '/v2/track/batch',
          requestId: 'guid-1',
          attempt: 1,
          messageCount: 2,
          messageIds: ['m1', 'm2'],
        },
      ],
      [
        'response',
        { path: '/v2/track/batch', requestId: 'guid-1', attempt: 1, status: 503, durationMs: 30 },
      ],
      [
        'retry',
        { path: '/v2/track/batch', requestId: 'guid-1', retryCount: 1, delayMs: 50, error },
      ],
      [
        'request',
        {
          path: '/v2/track/batch',
          requestId: 'guid-1',
          attempt: 2,
          messageCount: 2,
          messageIds: ['m1', 'm2'],
        },
      ],
      [
        'response',
        { path: '/v2/track/batch', requestId: 'guid-1', attempt: 2, status: 200, durationMs: 0 },
      ],
    ]);
  });

  it('names no messages when given no ids, and a new UUID per request when given no id', async () => {
    const { transport, events } = transportOver(answering(), { listen: ['request'] });
    await transport.send('/v2/track', '{}', 1);
    await transport.send('/v2/track', '{}', 1);
    const [first, second] = events.map(([, payload]) => payload as { requestId: string });
    expect(first).toMatchObject({ messageIds: [] });
    expect(first?.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);
    expect(second?.requestId).not.toBe(first?.requestId);
  });

  it('emits nothing nobody listens to: no unheard request, response or retry', async () => {
    const ids = vi.fn(() => ['m1']);
    const { transport, unheard } = transportOver(answering(status(503)), { listen: [] });
    const sending = transport.send('/v2/track', '{}', 1, ids);
    await vi.advanceTimersByTimeAsync(50);
    expect(await sending).toStrictEqual({ ok: true, attempts: 2 });
    expect(unheard).toStrictEqual([]);
    expect(ids).not.toHaveBeenCalled();
  });
});

describe('Transport retry budget', () => {
  it('gives up when the next wait would end exactly at maxElapsed, not a millisecond earlier', async () => {
    // The wait is 0.5 × initialDelay = 50 ms.
    const atLimit = transportOver(answering(status(503)), { retry: { ...RETRY, maxElapsed: 50 } });
    const result = await atLimit.transport.send('/v2/track', '{}', 1);
    expect(result).toMatchObject({ ok: false, attempts: 1, error: { status: 503 } });
    expect(atLimit.events.map(([event]) => event)).toStrictEqual(['request', 'response']);

    const under = transportOver(answering(status(503)), { retry: { ...RETRY, maxElapsed: 51 } });
    const sending = under.transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(50);
    expect(await sending).toStrictEqual({ ok: true, attempts: 2 });
  });

  it('keeps Retry-After on a refusal that is not retried, and waits it on one that is', async () => {
    const { transport } = transportOver(answering(status(400, { 'Retry-After': '5' })));
    const result = await transport.send('/v2/track', '{}', 1);
    expect(result).toMatchObject({ ok: false, attempts: 1, error: { retryAfterMs: 5_000 } });
    const plain = await transportOver(answering(status(400))).transport.send('/v2/track', '{}', 1);
    expect(!plain.ok && plain.error).toMatchObject({ retryAfterMs: undefined, body: '' });
  });
});

describe('Transport closing', () => {
  it('closing inside a retry listener ends the request at once as closed, without waiting', async () => {
    const fetch = answering(status(503));
    const { transport, abort } = transportOver(fetch, { listen: [] });
    const emitter = (transport as unknown as { options: { emitter: Emitter } }).options.emitter;
    emitter.on('retry', () => abort.abort());
    const result = await transport.send('/v2/track', '{}', 1);
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(1);
    expect(!result.ok && result.error).toBeInstanceOf(ClientClosedError);
    expect(!result.ok && result.error.message).toBe(
      'the client was closed before Connect answered POST /v2/track',
    );
    expect(fetch).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a request cut by closing is not retried: no retry event', async () => {
    const { transport, events, abort } = transportOver(() => new Promise<Response>(() => {}));
    const sending = transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(10);
    abort.abort();
    const result = await sending;
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(!result.ok && result.error.message).toBe(
      'the client was closed before Connect answered POST /v2/track',
    );
    expect(events.map(([event]) => event)).toStrictEqual(['request']);
  });

  it('closing during a retry wait ends it as closed', async () => {
    const { transport, abort } = transportOver(answering(status(503)));
    const sending = transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(10);
    abort.abort();
    const result = await sending;
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(!result.ok && result.error).toBeInstanceOf(ClientClosedError);
  });

  it('aborts the fetch it gives up on at the timeout', async () => {
    const signals: AbortSignal[] = [];
    const { transport } = transportOver(
      (_url, init) => {
        signals.push(init.signal as AbortSignal);
        return new Promise<Response>(() => {});
      },
      { retry: { ...RETRY, maxRetries: 0 }, timeout: 100 },
    );
    const sending = transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(99);
    expect(signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await sending).toMatchObject({ ok: false, error: { name: 'TimeoutError' } });
    expect(signals[0]?.aborted).toBe(true);
  });
});

describe('Transport beforeAttempt', () => {
  it('is awaited before each attempt; a rejection ends the request as closed, unsent', async () => {
    const order: string[] = [];
    const fetch = vi.fn(async () => {
      order.push('fetch');
      return order.length < 3 ? new Response('', { status: 503 }) : new Response('');
    });
    const beforeAttempt = vi.fn(async () => {
      order.push('before');
    });
    const { transport } = transportOver(fetch, { beforeAttempt });
    const sending = transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(50);
    expect(await sending).toStrictEqual({ ok: true, attempts: 2 });
    expect(order).toStrictEqual(['before', 'fetch', 'before', 'fetch']);

    const refused = transportOver(fetch, {
      beforeAttempt: () => Promise.reject(new Error('limiter closed')),
    });
    fetch.mockClear();
    const result = await refused.transport.send('/v2/alias', '{}', 1);
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(!result.ok && result.error.message).toBe(
      'the client was closed before Connect answered POST /v2/alias',
    );
    expect(fetch).not.toHaveBeenCalled();
    expect(refused.events).toStrictEqual([]);
  });
});

describe('Transport redirects', () => {
  const once = async (response: Response) => {
    const result = await transportOver(answering(() => response)).transport.send(
      '/v2/track',
      '{}',
      1,
      [],
      'guid-r',
    );
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(1);
    return (result as unknown as { error: ConnectApiError }).error;
  };

  it('a 3xx names the status and where it pointed, with an empty body', async () => {
    const error = await once(
      new Response('moved', { status: 308, headers: { location: '/elsewhere' } }),
    );
    expect(error).toBeInstanceOf(ConnectApiError);
    expect(error).toMatchObject({
      code: 'redirected',
      status: 308,
      body: '',
      requestId: 'guid-r',
      message:
        "Connect answered 308 to POST /v2/track (1 attempt), redirecting to connect.test: redirects are not followed, so the key never leaves baseUrl's origin; set baseUrl to the final address",
    });
    expect((await once(new Response('', { status: 300 }))).message).toBe(
      "Connect answered 300 to POST /v2/track (1 attempt): redirects are not followed, so the key never leaves baseUrl's origin; set baseUrl to the final address",
    );
    expect(
      (await once(new Response('', { status: 399, headers: { location: 'https://x.test/a' } })))
        .message,
    ).toContain('redirecting to x.test:');
    expect((await once(new Response('', { status: 400 }))).code).not.toBe('redirected');
  });

  it("a browser's opaque redirect (status 0) says it was a redirect", async () => {
    const opaque = { status: 0, type: 'opaqueredirect', redirected: false, ok: false };
    const response = {
      ...opaque,
      headers: new Headers(),
      url: '',
      text: async () => '',
    } as unknown as Response;
    expect((await once(response)).message).toBe(
      "Connect answered with a redirect to POST /v2/track (1 attempt): redirects are not followed, so the key never leaves baseUrl's origin; set baseUrl to the final address",
    );
  });

  it('a location that names no host is quoted, cut to 60 characters', async () => {
    const location = `mailto:${'x'.repeat(80)}`;
    const error = await once(new Response('', { status: 302, headers: { location } }));
    expect(error.message).toContain(`, redirecting to ${JSON.stringify(location.slice(0, 60))}:`);
    const bad = await once(new Response('', { status: 302, headers: { location: 'http://[' } }));
    expect(bad.message).toContain(', redirecting to "http://[":');
  });

  it('a redirect a custom fetch followed says the key went there', async () => {
    const followed = {
      status: 200,
      ok: true,
      type: 'basic',
      redirected: true,
      url: 'https://evil.test/v2/track',
      headers: new Headers(),
      text: async () => '',
    } as unknown as Response;
    const error = await once(followed);
    expect(error).toMatchObject({ code: 'redirected', status: 200, body: '' });
    expect(error.message).toBe(
      "POST /v2/track was redirected to evil.test by the fetch given to the client (1 attempt), so the key was sent there too: a custom fetch must honour init.redirect ('manual')",
    );
  });
});

describe('Transport network errors', () => {
  const failing = async (thrown: unknown) => {
    const { transport } = transportOver(
      () => {
        throw thrown;
      },
      { retry: { ...RETRY, maxRetries: 0 } },
    );
    const result = await transport.send('/v2/track', '{}', 1);
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    return (result as unknown as { error: ConnectionError }).error;
  };

  it("names the host, the attempts, the message and the cause's code", async () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), {
      code: 'ECONNREFUSED',
      name: 'SystemError',
      request: { headers: { 'X-Outbound-Key': KEY } },
    });
    const error = await failing(new TypeError('fetch failed', { cause: inner }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(
      'could not reach Connect at connect.test for POST /v2/track (1 attempt): fetch failed (ECONNREFUSED)',
    );
    // The cause is a copy: name, message and code, nothing request-shaped.
    const cause = error.cause as Error & { cause: Error & { code: string } };
    expect(cause).not.toBe(inner);
    expect([cause.name, cause.message]).toStrictEqual(['TypeError', 'fetch failed']);
    expect(Object.keys(cause.cause).sort()).toStrictEqual(['code', 'name']);
    expect([cause.cause.name, cause.cause.message, cause.cause.code]).toStrictEqual([
      'SystemError',
      'connect ECONNREFUSED 127.0.0.1:443',
      'ECONNREFUSED',
    ]);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('keeps no code that is not a string, and no cause that is not an Error', async () => {
    const numeric = await failing(
      new TypeError('fetch failed', { cause: Object.assign(new Error('inner'), { code: 7 }) }),
    );
    const numericCause = (numeric.cause as Error).cause as Error;
    expect(Object.hasOwn(numericCause, 'code')).toBe(false);
    expect(numeric.message).toBe(
      'could not reach Connect at connect.test for POST /v2/track (1 attempt): fetch failed (inner)',
    );
    const plain = await failing(new TypeError('fetch failed', { cause: 'socket hang up' }));
    expect(Object.hasOwn(plain.cause as Error, 'cause')).toBe(false);
    expect(plain.message).toBe(
      'could not reach Connect at connect.test for POST /v2/track (1 attempt): fetch failed',
    );
  });

  it('finds a code up to two causes deep, a message from a cause only, not repeated', async () => {
    const deep = new Error('a', {
      cause: new Error('b', { cause: Object.assign(new Error('c'), { code: 'ENOTFOUND' }) }),
    });
    expect((await failing(deep)).message).toMatch(/: a \(ENOTFOUND\)$/);
    const tooDeep = new Error('a', {
      cause: new Error('b', {
        cause: new Error('c', { cause: Object.assign(new Error('d'), { code: 'ENOTFOUND' }) }),
      }),
    });
    expect((await failing(tooDeep)).message).toMatch(/: a \(b\)$/);
    expect((await failing(Object.assign(new Error('top'), { code: 'EPIPE' }))).message).toMatch(
      /: top \(EPIPE\)$/,
    );
    expect((await failing(new Error('alone'))).message).toMatch(/\): alone$/);
    expect(
      (await failing(new Error('said ECONNRESET', { cause: { code: 'ECONNRESET' } }))).message,
    ).toMatch(/\): said ECONNRESET$/);
    const notError = await failing('a string');
    expect(notError.message).toMatch(/\): a string$/);
    expect(notError.cause).toBeUndefined();
  });

  it('a fetch that resolves with something else fails the attempt', async () => {
    const { transport } = transportOver(async () => ({}) as Response, {
      retry: { ...RETRY, maxRetries: 0 },
    });
    const result = await transport.send('/v2/track', '{}', 1);
    expect(!result.ok && result.error.message).toBe(
      'could not reach Connect at connect.test for POST /v2/track (1 attempt): the fetch given to the client resolved with something that is not a Response',
    );
  });

  it('a body that breaks off still leaves the status', async () => {
    const response = new Response('', { status: 400 });
    vi.spyOn(response, 'text').mockRejectedValue(new Error('terminated'));
    const result = await transportOver(answering(() => response)).transport.send(
      '/v2/track',
      '{}',
      1,
    );
    expect(!result.ok && result.error).toMatchObject({ status: 400, body: '' });
  });
});

describe('Transport housekeeping', () => {
  const closers = (transport: unknown) => (transport as { closers: Set<unknown> }).closers.size;

  it('lets go of its close hooks once each request ends', async () => {
    const { transport } = transportOver(answering(status(503), status(500)));
    const sending = transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(200);
    expect(await sending).toMatchObject({ ok: true, attempts: 3 });
    expect(closers(transport)).toBe(0);
    const timedOut = transportOver(() => new Promise<Response>(() => {}), {
      retry: { ...RETRY, maxRetries: 0 },
      timeout: 10,
    });
    const late = timedOut.transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(10);
    await late;
    expect(closers(timedOut.transport)).toBe(0);
  });

  it('sends nothing once closed', async () => {
    const fetch = vi.fn(answering());
    const { transport, abort } = transportOver(fetch);
    abort.abort();
    const result = await transport.send('/v2/track', '{}', 1);
    expect(result).toMatchObject({ ok: false, attempts: 1, error: { name: 'ClientClosedError' } });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a fetch that resolves with nothing fails the attempt, saying so', async () => {
    const { transport } = transportOver(async () => undefined as unknown as Response, {
      retry: { ...RETRY, maxRetries: 0 },
    });
    const result = await transport.send('/v2/track', '{}', 1);
    expect(!result.ok && result.error.message).toBe(
      'could not reach Connect at connect.test for POST /v2/track (1 attempt): the fetch given to the client resolved with something that is not a Response',
    );
  });
});
