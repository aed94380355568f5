import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ClientClosedError,
  ConnectApiError,
  ConnectClient,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/index';
import { API_KEY, connectToEmulator } from './setup';

const T0 = Date.UTC(2026, 10, 29, 12);

describe('ConnectClient retries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
    // Full jitter draws from Math.random: pin it so the backoff is exact.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Runs timers until the promise settles; returns its outcome. */
  async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
    let outcome: { value?: T; error?: unknown } | undefined;
    promise.then(
      (value) => (outcome = { value }),
      (error) => (outcome = { error }),
    );
    for (let i = 0; i < 600 && !outcome; i++) await vi.advanceTimersByTimeAsync(250);
    if (!outcome) throw new Error('did not settle');
    return outcome;
  }

  it.each([500, 502, 503, 504, 408])(
    'retries %i with exponential backoff and jitter, one GUID throughout',
    async (status) => {
      const { emulator, connect } = connectToEmulator({ retry: { initialDelay: 200 } });
      emulator.faults.failNext(3, status);
      const { value } = await settle(connect.track({ userId: 'u', event: 'e' }));
      expect(value?.attempts).toBe(4);
      expect(emulator.calls.map((c) => c.status)).toStrictEqual([status, status, status, 200]);
      const start = emulator.calls[0]!.time;
      // 200 × 2^(n-1) × the pinned jitter 0.5, after a 10 ms linger.
      expect(emulator.calls.map((c) => c.time - start)).toStrictEqual([0, 100, 300, 700]);
      expect(new Set(emulator.calls.map((c) => c.headers['x-outbound-guid'])).size).toBe(1);
      expect(emulator.events).toHaveLength(1);
    },
  );

  it('retries dropped connections and timeouts', async () => {
    const { emulator, connect } = connectToEmulator({ timeout: 1_000 });
    emulator.faults.use(({ sequence }) =>
      sequence === 1 ? { kind: 'drop' } : sequence === 2 ? { kind: 'delay', ms: 5_000 } : undefined,
    );
    const retries: string[] = [];
    connect.on('retry', ({ error }) => retries.push(error.name));
    const { value } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(value?.attempts).toBe(3);
    expect(retries).toStrictEqual(['ConnectionError', 'TimeoutError']);
    // The slow attempt was applied before it timed out: a duplicate only the GUID can reveal.
    expect(emulator.events).toHaveLength(2);
    expect(new Set(emulator.calls.map((c) => c.headers['x-outbound-guid'])).size).toBe(1);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.failNext(1, 429, { retryAfter: 7 });
    emulator.faults.failNext(1, 503, { retryAfter: new Date(T0 + 60_000).toUTCString() });
    await settle(connect.track({ userId: 'u', event: 'e' }));
    const [first, second, third] = emulator.calls.map((c) => c.time);
    expect(second! - first!).toBe(7_000);
    expect(third).toBeGreaterThanOrEqual(T0 + 60_000);
    expect(third).toBeLessThan(T0 + 61_000);
  });

  it('caps Retry-After at maxRetryAfter', async () => {
    const { emulator, connect } = connectToEmulator({ retry: { maxRetryAfter: 2_000 } });
    emulator.faults.failNext(1, 429, { retryAfter: 3_600 });
    await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(emulator.calls[1]!.time - emulator.calls[0]!.time).toBe(2_000);
  });

  it('announces each retry with its wait: Retry-After when sent, else the jittered backoff', async () => {
    const { emulator, connect } = connectToEmulator({ retry: { initialDelay: 200 } });
    emulator.faults.failNext(1, 503);
    emulator.faults.failNext(1, 429, { retryAfter: 7 });
    const retries: Array<[number, number, string, string]> = [];
    connect.on('retry', ({ retryCount, delayMs, error, requestId }) =>
      retries.push([retryCount, delayMs, error.name, requestId]),
    );
    await settle(connect.track({ userId: 'u', event: 'e' }));
    const guid = emulator.calls[0]!.headers['x-outbound-guid']!;
    expect(retries).toStrictEqual([
      [1, 100, 'ServerError', guid],
      [2, 7_000, 'RateLimitError', guid],
    ]);
  });

  it('close() ends a Retry-After wait at its deadline: the message fails as ClientClosedError', async () => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.failNext(1, 503, { retryAfter: 60 });
    const delivery = connect.track({ userId: 'u', event: 'e' });
    await vi.advanceTimersByTimeAsync(20);
    const closing = connect.close({ timeout: 1_000 });
    const { error } = await settle(delivery);
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(await closing).toStrictEqual({ delivered: 0, failed: 1, dropped: 0 });
    // Settled at the deadline, not after the minute Connect asked for.
    expect(Date.now() - T0).toBeLessThan(1_500);
    // And the wait itself was cancelled: no timer is left to keep a process alive for the minute.
    expect(vi.getTimerCount()).toBe(0);
    expect(emulator.calls).toHaveLength(1);
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, AuthenticationError],
    [404, ConnectApiError],
    [413, ConnectApiError],
    [422, ConnectApiError],
  ])('never retries %i', async (status, errorClass) => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.failNext(1, status);
    const { error } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({
      status,
      connectCode: status,
      connectMessage: `injected failure (${status})`,
      message: `Connect answered ${status} to POST /v2/track (1 attempt): injected failure (${status})`,
    });
    expect(emulator.calls).toHaveLength(1);
  });

  it('gives up after maxRetries with a typed error', async () => {
    const { emulator, connect } = connectToEmulator({ maxRetries: 2 });
    emulator.faults.failNext(10, 503);
    const { error } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).message).toBe(
      'Connect answered 503 to POST /v2/track (3 attempts): injected failure (503)',
    );
    expect(emulator.calls).toHaveLength(3);
  });

  it('reports 429 as RateLimitError with retryAfterMs once retries run out', async () => {
    const { emulator, connect } = connectToEmulator({ maxRetries: 0 });
    emulator.faults.failNext(1, 429, { retryAfter: 30 });
    const { error } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(30_000);
  });

  it('starts no retry after maxElapsed', async () => {
    const { emulator, connect } = connectToEmulator({
      retry: { initialDelay: 1_000, maxElapsed: 2_500 },
    });
    emulator.faults.failNext(10, 500);
    const { error } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(error).toBeInstanceOf(ServerError);
    // Attempts at 0, 500 and 1,500 ms; the next would start at 3,500 ms, past the limit.
    expect(emulator.calls.map((c) => c.time - emulator.calls[0]!.time)).toStrictEqual([
      0, 500, 1_500,
    ]);
  });

  it('fails a network error that outlasts the retries as ConnectionError', async () => {
    const { emulator, connect } = connectToEmulator({ maxRetries: 1 });
    emulator.faults.dropNext(2);
    const { error } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toMatch(
      /^could not reach Connect at api.outbound.io for POST \/v2\/track \(2 attempts\): /,
    );
  });

  it('treats a custom fetch that throws instead of rejecting as a network error', async () => {
    let calls = 0;
    const connect = new ConnectClient({
      apiKey: API_KEY,
      maxRetries: 1,
      retry: { initialDelay: 100 },
      fetch: () => {
        calls++;
        throw new TypeError('socket hang up');
      },
    });
    const { error } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toBe(
      'could not reach Connect at api.outbound.io for POST /v2/track (2 attempts): socket hang up',
    );
    expect(calls).toBe(2);
    // Nothing is left armed: the attempt's timeout was cleared with it.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails a timeout that outlasts the retries as TimeoutError', async () => {
    const { emulator, connect } = connectToEmulator({ maxRetries: 0, timeout: 500 });
    emulator.faults.delay(10_000, 1);
    const { error } = await settle(connect.track({ userId: 'u', event: 'e' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe(
      'Connect did not answer POST /v2/track within 500 ms (1 attempt)',
    );
  });

  it('splits a batch refused with 400 until the bad message stands alone', async () => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.refuse((message) => (message as { event?: string }).event === 'poison');
    const calls = Array.from({ length: 100 }, (_, i) =>
      connect.track({ userId: `u${i}`, event: i === 37 ? 'poison' : `e${i}` }),
    );
    const outcomes = await Promise.allSettled(calls);
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [[i, o.reason]] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0]?.[0]).toBe(37);
    expect(failed[0]?.[1]).toBeInstanceOf(BadRequestError);
    expect(emulator.events).toHaveLength(99);
    expect(emulator.events.map((e) => e.event)).toStrictEqual(
      Array.from({ length: 100 }, (_, i) => `e${i}`).filter((e) => e !== 'e37'),
    );
    // Item 37 travels 0–99 → 0–49 → 25–49 → 25–37 → 32–37 → 35–37 → alone.
    expect(
      emulator.calls
        .filter((c) => c.status === 400)
        .map((c) => (Array.isArray(c.body) ? c.body.length : 1)),
    ).toStrictEqual([100, 50, 25, 13, 6, 3, 1]);
    expect(await connect.close()).toStrictEqual({ delivered: 99, failed: 1, dropped: 0 });
  });
});
