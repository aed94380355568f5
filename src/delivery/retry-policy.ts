/** When a failed attempt is tried again, and after how long. */

import { RETRY_STATUSES } from '../errors';

export { RETRY_STATUSES };

/**
 * Whether an answer is worth another attempt: a status in {@link RETRY_STATUSES}, unless the
 * answer itself says it will never succeed (the proxy's JSON error carries `retryable: false` for
 * a Connect refusal behind its 502). The browser client's rule, on the server client's list.
 *
 * @example
 * ```ts
 * isRetryableAnswer(503);        // true
 * isRetryableAnswer(502, false); // false: the proxy says Connect refused it
 * isRetryableAnswer(403);        // false
 * ```
 */
export function isRetryableAnswer(status: number, retryable?: unknown): boolean {
  return RETRY_STATUSES.includes(status) && retryable !== false;
}

/**
 * How a failed request is retried: on network errors, timeouts, 408, 429, 500, 502, 503 and
 * 504, with exponential backoff and full jitter, honouring `Retry-After` (seconds or an HTTP
 * date) up to `maxRetryAfter`. Other statuses are never retried.
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = { maxRetries: 3, initialDelay: 200, maxElapsed: 10_000 };
 * new ConnectClient({ apiKey, retry });
 * ```
 */
export interface RetryPolicy {
  /** Retries after the first attempt, 0–20. Default 5. */
  maxRetries?: number | undefined;
  /** Milliseconds before the first retry, doubled on each one (with full jitter). Default 500. */
  initialDelay?: number | undefined;
  /** Longest wait between two attempts, in ms. Default 30,000. */
  maxDelay?: number | undefined;
  /** Longest `Retry-After` honoured, in ms; a longer one is cut to this. Default 60,000. */
  maxRetryAfter?: number | undefined;
  /** No retry starts after this many ms since the first attempt. Default 120,000. */
  maxElapsed?: number | undefined;
}

/** The retry policy with every default filled in. */
export interface ResolvedRetryPolicy {
  maxRetries: number;
  initialDelay: number;
  maxDelay: number;
  maxRetryAfter: number;
  maxElapsed: number;
}

/**
 * The wait before retry number `retry` (1-based): full jitter over an exponential backoff capped
 * at `maxDelay`; or, when Connect sent `Retry-After`, exactly that, capped at `maxRetryAfter`.
 */
export function retryDelay(
  policy: ResolvedRetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfter);
  return Math.min(policy.maxDelay, Math.random() * policy.initialDelay * 2 ** (retry - 1));
}

/**
 * `Retry-After` in milliseconds: seconds or an HTTP date (never negative).
 *
 * @example
 * ```ts
 * retryAfterOf('3');                             // 3000
 * retryAfterOf('Wed, 21 Oct 2015 07:28:00 GMT'); // 0 (in the past)
 * retryAfterOf(null);                            // undefined
 * ```
 */
export function retryAfterOf(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Waits `ms`, or rejects as soon as the client closes. `onClose` registers the cancellation and
 * returns its release (one shared listener on the client's signal, not one per wait: an
 * `AbortSignal` warns past ten listeners).
 */
export function sleep(ms: number, onClose: (cancel: () => void) => () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const release = onClose(() => {
      clearTimeout(timer);
      reject(new Error('the client was closed'));
    });
    timer = setTimeout(() => {
      release();
      resolve();
    }, ms);
  });
}
