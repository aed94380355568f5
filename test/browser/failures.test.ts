/**
 * The browser client fails loudly: every failure reaches the page once (onError, the error and
 * drop events, flush()'s report), only what can succeed is retried (the server client's retry
 * policy), and nothing causes an unhandled rejection.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type BrowserClientEvents,
  type BrowserClientOptions,
  ConnectionError,
  createBrowserClient,
  EndpointError,
  type KeyValueStorage,
  memoryStorage,
  QueueFullError,
} from '../../src/browser/index';
import { anonymousIdTime } from '../../src/leaf/anonymous-id';

type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'network'
  /** No answer: the request hangs until its signal aborts it. */
  | 'hang';

/** A fetch answering from a script; records each request's batch and when it was sent. */
function scriptedFetch(answers: Answer[]) {
  const requests: { at: number; batch: Record<string, unknown>[] }[] = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ at: Date.now(), batch: JSON.parse(String(init?.body)).batch });
    const answer = answers.shift() ?? { status: 200 };
    if (answer === 'network') throw new TypeError('Failed to fetch');
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  });
  return { requests, fetch: fetch as unknown as typeof globalThis.fetch };
}

function client(
  answers: Answer[],
  options: Partial<BrowserClientOptions> & { storage?: KeyValueStorage } = {},
) {
  const { requests, fetch } = scriptedFetch(answers);
  const errors: BrowserClientEvents['error'][] = [];
  const connect = createBrowserClient({
    endpoint: '/api/connect',
    storage: memoryStorage(),
    fetch,
    flushInterval: 10,
    onError: (event) => errors.push(event),
    ...options,
  });
  return { connect, requests, errors };
}

const forbidden = {
  error: {
    code: 'forbidden',
    reason: 'not_current_user',
    index: 0,
    field: 'userId',
    message: 'message 0 (track): `userId` is not the signed-in user; nothing was forwarded',
  },
};
const connectRefusedKey = {
  error: {
    code: 'delivery_failed',
    message: '2 of 2 message(s) could not be delivered to Connect',
    failed: [
      {
        index: 0,
        code: 'authentication_error',
        status: 401,
        message: 'key refused',
        retryable: false,
      },
      {
        index: 1,
        code: 'authentication_error',
        status: 401,
        message: 'key refused',
        retryable: false,
      },
    ],
    retryable: false,
  },
};

/** A promise's value once fake time has let everything run. */
async function settled<T>(promise: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(0);
  return promise;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 29, 9) });
});
afterEach(async () => {
  // Give any stray rejection the turns it needs to be reported.
  vi.useRealTimers();
  await new Promise((resolve) => setTimeout(resolve, 5));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toStrictEqual([]);
  vi.restoreAllMocks();
});

describe('the browser client reports failures once, and retries only what can succeed', () => {
  it('a 403 is reported once, with the status and the proxy JSON error, and not retried', async () => {
    const { connect, requests, errors } = client([
      { status: 403, body: forbidden },
      { status: 403, body: forbidden },
    ]);
    const listener = vi.fn();
    connect.on('error', listener);
    const calls = [connect.track('Bought'), connect.track('Bought Again')];
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(await report).toStrictEqual({ delivered: 0, failed: 2, dropped: 0 });
    // The refused message 0 is dropped and the other sent again at once: refused too, alone.
    expect(requests.map((r) => r.batch.map((m) => m.event))).toStrictEqual([
      ['Bought', 'Bought Again'],
      ['Bought Again'],
    ]);
    expect(errors).toHaveLength(2);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(errors[0]?.messages.map((m) => m.event)).toStrictEqual(['Bought']);
    errors.shift();
    const [{ error, status, messages } = {} as BrowserClientEvents['error']] = errors;
    expect(status).toBe(403);
    expect(error).toBeInstanceOf(EndpointError);
    expect(error).toMatchObject({
      status: 403,
      code: 'forbidden',
      retryable: false,
      error: { reason: 'not_current_user', index: 0, field: 'userId' },
    });
    expect(error.message).toBe(
      'browser: /api/connect/batch answered 403: message 0 (track): `userId` is not the signed-in user; nothing was forwarded',
    );
    expect(messages.map((m) => m.event)).toStrictEqual(['Bought Again']);
    await expect(calls[1]).rejects.toBe(error);
    await expect(calls[0]).rejects.toBeInstanceOf(EndpointError);
  });

  it('a 401 behind a 502 (Connect refused the key) is reported once and not retried', async () => {
    const { connect, requests, errors } = client([{ status: 502, body: connectRefusedKey }]);
    connect.track('A');
    connect.identify({ traits: { plan: 'pro' } });
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(await report).toStrictEqual({ delivered: 0, failed: 2, dropped: 0 });
    expect(requests).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({
      status: 502,
      code: 'delivery_failed',
      retryable: false,
    });
  });

  it('a 503 is retried after its Retry-After, exactly', async () => {
    const { connect, requests, errors } = client([
      { status: 503, headers: { 'retry-after': '2' } },
      { status: 200 },
    ]);
    const delivered = connect.track('Retried');
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    const first = requests[0]?.at ?? 0;
    await vi.advanceTimersByTimeAsync(1_999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests.map((r) => r.at - first)).toStrictEqual([0, 2_000]);
    await delivered;
    expect(await report).toStrictEqual({ delivered: 1, failed: 0, dropped: 0 });
    expect(errors).toStrictEqual([]);
  });

  it('retries network errors, 408, 429 and 5xx with the shared backoff, and does not wait after the last attempt', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { connect, requests, errors } = client(
      ['network', { status: 408 }, { status: 429 }, { status: 500 }],
      {
        maxRetries: 3,
      },
    );
    const call = connect.track('Doomed');
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    // Full jitter over 500 ms doubled each retry (Math.random() = 0.5): 250, 500, 1000.
    await vi.advanceTimersByTimeAsync(250 + 500 + 1_000);
    expect(requests.map((r) => r.at - (requests[0]?.at ?? 0))).toStrictEqual([0, 250, 750, 1_750]);
    expect(await report).toStrictEqual({ delivered: 0, failed: 1, dropped: 0 });
    expect(vi.getTimerCount()).toBe(0); // no wait after the fourth and last attempt
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({ status: 500, retryable: true });
    await expect(call).rejects.toBeInstanceOf(EndpointError);
  });

  it('a request with no answer times out (timeout, default 30 s), and is retried like a network error', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { connect, requests, errors } = client(['hang', { status: 200 }]);
    const call = connect.track('Slow');
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1 + 250); // timed out, then the first backoff
    expect(requests.map((r) => r.at - (requests[0]?.at ?? 0))).toStrictEqual([0, 30_250]);
    await call;
    expect(await report).toStrictEqual({ delivered: 1, failed: 0, dropped: 0 });
    expect(errors).toStrictEqual([]);

    const short = client(['hang'], { timeout: 1_000, maxRetries: 0 });
    short.connect.track('Slow');
    const failed = short.connect.flush();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await failed).toMatchObject({ failed: 1 });
    expect(short.errors[0]?.error).toBeInstanceOf(ConnectionError);
    expect(short.errors[0]?.error.message).toBe(
      'browser: /api/connect/batch did not answer within 1000 ms (timeout)',
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('Retry-After: 0 does not make back-to-back attempts: the backoff still applies, and no wait is under 100 ms', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const zero = { status: 429, headers: { 'retry-after': '0' } };
    const { connect, requests } = client([zero, zero, zero, zero]);
    connect.track('Hammer');
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await report).toMatchObject({ failed: 1 });
    const at = requests.map((r) => r.at - (requests[0]?.at ?? 0));
    expect(at).toStrictEqual([0, 100, 200, 300]);

    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const again = client([zero, zero, { status: 200 }]);
    again.connect.track('Backoff');
    const second = again.connect.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await second).toMatchObject({ delivered: 1 });
    expect(again.requests.map((r) => r.at - (again.requests[0]?.at ?? 0))).toStrictEqual([
      0, 250, 750,
    ]);
  });

  it('a 403 naming one message fails that message alone; the others are sent again at once', async () => {
    const refusedSecond = {
      error: { ...forbidden.error, index: 1, message: 'message 1 (track): …' },
    };
    const { connect, requests, errors } = client([{ status: 403, body: refusedSecond }]);
    const calls = ['A', 'B', 'C'].map((event) => connect.track(event));
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(await report).toStrictEqual({ delivered: 2, failed: 1, dropped: 0 });
    expect(requests.map((r) => r.batch.map((m) => m.event))).toStrictEqual([
      ['A', 'B', 'C'],
      ['A', 'C'],
    ]);
    expect(requests[1]?.at).toBe(requests[0]?.at); // no wait: nothing failed that needs one
    expect(errors).toHaveLength(1);
    expect(errors[0]?.messages.map((m) => m.event)).toStrictEqual(['B']);
    await calls[0];
    await expect(calls[1]).rejects.toBeInstanceOf(EndpointError);
    await calls[2];
  });

  it('a 400 naming messages (issues) fails those alone; a 4xx naming none fails the batch', async () => {
    const invalid = {
      error: {
        code: 'invalid_messages',
        message: '2 problem(s) in the messages; nothing was forwarded',
        issues: [
          { index: 0, path: 'event', message: 'track: `event` …' },
          { index: 2, path: 'event', message: 'track: `event` …' },
          { index: 2, path: 'properties', message: 'track: `properties` …' },
        ],
      },
    };
    const first = client([{ status: 400, body: invalid }]);
    for (const event of ['A', 'B', 'C', 'D']) first.connect.track(event);
    expect(await settled(first.connect.flush())).toStrictEqual({
      delivered: 2,
      failed: 2,
      dropped: 0,
    });
    expect(first.requests.map((r) => r.batch.map((m) => m.event))).toStrictEqual([
      ['A', 'B', 'C', 'D'],
      ['B', 'D'],
    ]);
    expect(first.errors[0]?.messages.map((m) => m.event)).toStrictEqual(['A', 'C']);

    const second = client([{ status: 400, body: { error: { code: 'too_deep', message: '…' } } }]);
    second.connect.track('A');
    second.connect.track('B');
    expect(await settled(second.connect.flush())).toStrictEqual({
      delivered: 0,
      failed: 2,
      dropped: 0,
    });
    expect(second.requests).toHaveLength(1);
  });

  it('reports a network failure as a ConnectionError after the retries', async () => {
    const { connect, errors } = client(['network', 'network'], { maxRetries: 1 });
    connect.track('Offline');
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await report).toMatchObject({ failed: 1 });
    expect(errors[0]?.error).toBeInstanceOf(ConnectionError);
    expect(errors[0]?.status).toBeUndefined();
  });

  it('after a 502 naming some messages, only the failed retryable ones are sent again', async () => {
    const partial = {
      error: {
        code: 'delivery_failed',
        message: '2 of 3 message(s) could not be delivered to Connect',
        failed: [
          { index: 1, code: 'bad_request', status: 400, message: 'refused', retryable: false },
          { index: 2, code: 'server_error', status: 503, message: 'down', retryable: true },
        ],
        retryable: true,
      },
    };
    const { connect, requests, errors } = client([{ status: 502, body: partial }, { status: 200 }]);
    const calls = [connect.track('Delivered'), connect.track('Refused'), connect.track('Retried')];
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests.map((r) => r.batch.map((m) => m.event))).toStrictEqual([
      ['Delivered', 'Refused', 'Retried'],
      ['Retried'],
    ]);
    expect(await report).toStrictEqual({ delivered: 2, failed: 1, dropped: 0 });
    expect(errors.map((e) => e.messages.map((m) => m.event))).toStrictEqual([['Refused']]);
    await calls[0];
    await expect(calls[1]).rejects.toBeInstanceOf(EndpointError);
    await calls[2];
  });

  it('drops a call past maxQueueSize, with a drop event and in the report', async () => {
    const { fetch } = scriptedFetch([]);
    const drops: BrowserClientEvents['drop'][] = [];
    const connect = createBrowserClient({
      endpoint: '/c',
      storage: memoryStorage(),
      fetch,
      maxQueueSize: 2,
    });
    connect.on('drop', (event) => drops.push(event));
    connect.track('1');
    connect.track('2');
    const third = connect.track('3');
    await expect(third).rejects.toBeInstanceOf(QueueFullError);
    expect(drops.map((d) => [d.reason, d.message.event])).toStrictEqual([['queue_full', '3']]);
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(await report).toStrictEqual({ delivered: 2, failed: 0, dropped: 1 });
  });

  it('a listener that throws does not stop delivery or the other listeners', async () => {
    const { connect, errors, requests } = client(
      [{ status: 503 }, { status: 403, body: forbidden }],
      {
        maxRetries: 0,
      },
    );
    connect.on('error', () => {
      throw new Error('broken listener');
    });
    connect.track('A');
    expect(await settled(connect.flush())).toMatchObject({ failed: 1 });
    connect.track('B');
    expect(await settled(connect.flush())).toMatchObject({ failed: 1 });
    connect.track('C');
    expect(await settled(connect.flush())).toMatchObject({ delivered: 1 });
    expect(errors.map((e) => e.status)).toStrictEqual([503, 403]);
    expect(requests).toHaveLength(3);
  });

  it('an anonymous id the proxy will not bind is replaced, on the proxy clock, and the calls are sent again under it', async () => {
    vi.setSystemTime(Date.UTC(2026, 10, 29, 9)); // the page's clock; the proxy's is an hour ahead
    const proxyNow = Date.now() + 60 * 60_000;
    const { connect, errors, requests } = client([
      {
        status: 403,
        body: {
          error: {
            code: 'forbidden',
            reason: 'anonymous_id_not_bound',
            index: 0,
            field: 'anonymousId',
            message: 'message 0 (track): `anonymousId` is bound to another browser…',
            now: proxyNow,
          },
        },
      },
    ]);
    const before = connect.anonymousId();
    const call = connect.track('A');
    connect.alias('u1'); // from the refused id: moved too
    await vi.advanceTimersByTimeAsync(10);
    await call;
    expect(errors).toStrictEqual([]);
    const after = connect.anonymousId();
    expect(after).not.toBe(before);
    expect(Math.abs((anonymousIdTime(after) ?? 0) - proxyNow)).toBeLessThan(1_000);
    expect(requests.map((r) => r.batch.map((m) => [m.anonymousId, m.previousId]))).toStrictEqual([
      [
        [before, undefined],
        [before, before],
      ],
      [
        [after, undefined],
        [after, after],
      ],
    ]);
  });

  it('a proxy that refuses the new anonymous id too: moved once, then the calls fail (no loop)', async () => {
    const notBound = {
      status: 403,
      body: {
        error: {
          code: 'forbidden',
          reason: 'anonymous_id_not_bound',
          index: 0,
          field: 'anonymousId',
          message: '…',
        },
      },
    };
    const { connect, requests, errors } = client([notBound, notBound, notBound]);
    connect.track('A');
    expect(await settled(connect.flush())).toStrictEqual({ delivered: 0, failed: 1, dropped: 0 });
    expect(requests).toHaveLength(2);
    expect(errors).toHaveLength(1);
  });

  it('an older anonymous id (queued before a reset) is not moved: its messages fail, the others go', async () => {
    const { connect, errors, requests } = client([
      {
        status: 403,
        body: {
          error: {
            code: 'forbidden',
            reason: 'anonymous_id_not_bound',
            index: 0,
            field: 'anonymousId',
            message: '…',
          },
        },
      },
    ]);
    const old = connect.anonymousId();
    connect.track('Before Reset');
    connect.reset();
    connect.track('After Reset');
    expect(await settled(connect.flush())).toStrictEqual({ delivered: 1, failed: 1, dropped: 0 });
    expect(requests[1]?.batch.map((m) => m.event)).toStrictEqual(['After Reset']);
    expect(errors[0]?.messages.map((m) => m.anonymousId)).toStrictEqual([old]);
  });
});

describe('the browser client in the page', () => {
  it('identify({ email }), analytics.js traits-only form, keeps its traits', async () => {
    const { connect, requests } = client([]);
    connect.identify({ email: 'mbolton@example.com', plan: 'pro' });
    connect.identify({ traits: { plan: 'team' } });
    connect.identify({ userId: 'u1', traits: { name: 'Michael' } });
    connect.identify('u1', { seats: 3 });
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    expect(requests[0]?.batch.map((m) => [m.userId, m.traits])).toStrictEqual([
      [undefined, { email: 'mbolton@example.com', plan: 'pro' }],
      [undefined, { plan: 'team' }],
      ['u1', { name: 'Michael' }],
      ['u1', { seats: 3 }],
    ]);
  });

  it("keeps a caller's own context.timezone, and stamps the page's otherwise", async () => {
    const { connect, requests } = client([]);
    connect.track({ event: 'A', context: { timezone: 'Asia/Kolkata', page: { path: '/x' } } });
    connect.identify({ traits: { plan: 'pro' }, context: { timezone: 'Europe/Berlin' } });
    connect.track('B');
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    expect(
      requests[0]?.batch.map((m) => (m.context as { timezone?: string }).timezone),
    ).toStrictEqual([
      'Asia/Kolkata',
      'Europe/Berlin',
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    ]);
    expect(requests[0]?.batch[0]?.context).toMatchObject({ page: { path: '/x' } });
  });

  it('a sign-out in one tab is seen by the other tabs: ids are read from storage every time', async () => {
    const shared = new Map<string, string>(); // one localStorage, two tabs
    const localStorage: KeyValueStorage = {
      getItem: (key) => shared.get(key) ?? null,
      setItem: (key, value) => void shared.set(key, value),
      removeItem: (key) => void shared.delete(key),
    };
    const tabA = client([], { storage: localStorage });
    const tabB = client([], { storage: localStorage });
    tabA.connect.identify('u1', { plan: 'pro' });
    expect(tabB.connect.userId()).toBe('u1');
    const anonymousBefore = tabA.connect.anonymousId();
    tabB.connect.reset();
    expect(tabA.connect.userId()).toBeUndefined();
    expect(tabA.connect.anonymousId()).toBe(tabB.connect.anonymousId());
    expect(tabA.connect.anonymousId()).not.toBe(anonymousBefore);
    tabA.connect.track('After Sign-out');
    const report = tabA.connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    const last = tabA.requests[0]?.batch.at(-1);
    expect(last).toMatchObject({
      event: 'After Sign-out',
      anonymousId: tabB.connect.anonymousId(),
    });
    expect(last?.userId).toBeUndefined();
    // Another tab's plain removal (no reset) is seen too: nothing shadows storage.
    tabA.connect.identify('u2', {});
    shared.delete('zendesk_connect.user_id');
    expect(tabA.connect.userId()).toBeUndefined();
  });

  it('a different user signing in without reset() gets a new anonymous id, so the old one (joined to the first user) is never aliased into the second', async () => {
    const { connect, requests } = client([]);
    const first = connect.anonymousId();
    connect.identify('u1', { plan: 'pro' });
    connect.alias('u1');
    expect(connect.anonymousId()).toBe(first); // the same user keeps the id
    connect.identify('u1', { seats: 2 });
    expect(connect.anonymousId()).toBe(first);
    // The page forgot reset() at sign-out; someone else signs in on this computer.
    connect.identify('u2', { plan: 'free' });
    const second = connect.anonymousId();
    expect(second).not.toBe(first);
    connect.alias('u2');
    const report = connect.flush();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    const aliases = requests.flatMap((r) => r.batch).filter((m) => m.type === 'alias');
    expect(aliases.map((m) => [m.userId, m.previousId])).toStrictEqual([
      ['u1', first],
      ['u2', second],
    ]);
  });

  it('uses memory only once storage throws', () => {
    let fail = false;
    const values = new Map<string, string>();
    const flaky: KeyValueStorage = {
      getItem: (key) => {
        if (fail) throw new Error('SecurityError');
        return values.get(key) ?? null;
      },
      setItem: (key, value) => {
        if (fail) throw new Error('QuotaExceededError');
        values.set(key, value);
      },
      removeItem: (key) => void values.delete(key),
    };
    const { connect } = client([], { storage: flaky });
    const first = connect.anonymousId();
    expect(values.get('zendesk_connect.anonymous_id')).toBe(first);
    fail = true;
    const second = connect.anonymousId(); // storage broke: a new id, kept in memory from now on
    expect(connect.anonymousId()).toBe(second);
    connect.identify('u1', {});
    expect(connect.userId()).toBe('u1');
  });

  it('after one write fails (quota), storage is still read: only the key whose write failed is kept in memory', async () => {
    let full = false;
    const values = new Map<string, string>(); // localStorage, shared with another tab
    const quota: KeyValueStorage = {
      getItem: (key) => values.get(key) ?? null,
      setItem: (key, value) => {
        if (full) throw new DOMException('quota', 'QuotaExceededError');
        values.set(key, value);
      },
      removeItem: (key) => void values.delete(key),
    };
    const { connect, requests } = client([], { storage: quota });
    const visitor = connect.anonymousId();
    full = true; // another script filled localStorage
    connect.identify('u1', { name: 'M' }); // the user id cannot be stored: kept in memory
    connect.alias('u1');
    await settled(connect.flush());
    expect(connect.userId()).toBe('u1');
    // The alias joins the visitor's own (stored) id, not a new one.
    expect(requests[0]?.batch.map((m) => [m.type, m.anonymousId])).toStrictEqual([
      ['identify', visitor],
      ['alias', visitor],
    ]);
    expect(requests[0]?.batch[1]?.previousId).toBe(visitor);
    // Another tab's sign-out (a new anonymous id in storage) is still seen here.
    values.set('zendesk_connect.anonymous_id', '01a22651-6c00-7000-8000-000000000001');
    expect(connect.anonymousId()).toBe('01a22651-6c00-7000-8000-000000000001');
    // Once a write to the user key succeeds again, storage is the only copy again.
    full = false;
    connect.reset();
    expect(values.has('zendesk_connect.user_id')).toBe(false);
    values.set('zendesk_connect.user_id', '"u9"'); // another tab signs in
    expect(connect.userId()).toBe('u9');
  });
});
