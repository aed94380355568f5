/** When a failed attempt is tried again, and after how long. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isRetryableAnswer,
  RETRY_STATUSES,
  retryAfterOf,
  retryDelay,
  sleep,
} from '../../src/delivery/retry-policy';

const POLICY = {
  maxRetries: 5,
  initialDelay: 500,
  maxDelay: 30_000,
  maxRetryAfter: 60_000,
  maxElapsed: 120_000,
};

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('isRetryableAnswer', () => {
  it('retries the listed statuses unless the answer says never', () => {
    expect(RETRY_STATUSES).toStrictEqual([408, 429, 500, 502, 503, 504]);
    for (const status of RETRY_STATUSES) {
      expect(isRetryableAnswer(status)).toBe(true);
      expect(isRetryableAnswer(status, true)).toBe(true);
      expect(isRetryableAnswer(status, 'false')).toBe(true);
      expect(isRetryableAnswer(status, false)).toBe(false);
    }
    for (const status of [200, 400, 401, 403, 404, 413, 501, 505]) {
      expect(isRetryableAnswer(status)).toBe(false);
      expect(isRetryableAnswer(status, true)).toBe(false);
    }
  });
});

describe('retryDelay', () => {
  it('is full jitter over initialDelay doubled per retry, capped at maxDelay', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(retryDelay(POLICY, 1, undefined)).toBe(250);
    expect(retryDelay(POLICY, 2, undefined)).toBe(500);
    expect(retryDelay(POLICY, 3, undefined)).toBe(1000);
    expect(retryDelay(POLICY, 8, undefined)).toBe(30_000);
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    expect(retryDelay(POLICY, 1, undefined)).toBeCloseTo(499.5);
    expect(retryDelay({ ...POLICY, maxDelay: 400 }, 1, undefined)).toBe(400);
  });

  it('is Retry-After when Connect sent one (even 0), capped at maxRetryAfter', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(retryDelay(POLICY, 1, 0)).toBe(0);
    expect(retryDelay(POLICY, 3, 45_000)).toBe(45_000);
    expect(retryDelay(POLICY, 1, 90_000)).toBe(60_000);
  });
});

describe('retryAfterOf', () => {
  it('reads seconds, never negative', () => {
    expect(retryAfterOf('3')).toBe(3000);
    expect(retryAfterOf(' 1.5 ')).toBe(1500);
    expect(retryAfterOf('0')).toBe(0);
    expect(retryAfterOf('-5')).toBe(0);
  });

  it('reads an HTTP date as the time until it, never negative', () => {
    vi.useFakeTimers({ now: Date.UTC(2015, 9, 21, 7, 28, 0) });
    expect(retryAfterOf('Wed, 21 Oct 2015 07:28:30 GMT')).toBe(30_000);
    expect(retryAfterOf('Wed, 21 Oct 2015 07:27:00 GMT')).toBe(0);
  });

  it('is undefined for no header, a blank one or one that is neither', () => {
    expect(retryAfterOf(null)).toBeUndefined();
    expect(retryAfterOf('')).toBeUndefined();
    expect(retryAfterOf('  ')).toBeUndefined();
    expect(retryAfterOf('soon')).toBeUndefined();
  });
});

describe('sleep', () => {
  it('resolves after ms and releases its close listener', async () => {
    vi.useFakeTimers();
    const release = vi.fn();
    let resolved = false;
    const done = sleep(1000, () => release).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(resolved).toBe(false);
    expect(release).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(resolved).toBe(true);
    expect(release).toHaveBeenCalledOnce();
  });

  it('rejects at once when the client closes, and never resolves after', async () => {
    vi.useFakeTimers();
    let cancel: () => void = () => {};
    const outcome = sleep(1000, (onCancel) => {
      cancel = onCancel;
      return () => {};
    }).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await vi.advanceTimersByTimeAsync(10);
    cancel();
    expect(await outcome).toBe('the client was closed');
    expect(vi.getTimerCount()).toBe(0);
  });
});
