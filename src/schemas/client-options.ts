import * as z from 'zod/mini';
import { MappingOptionsSchema } from './mapping-options';

const fn = <T>(problem = 'must be a function') =>
  z.custom<T>((value) => typeof value === 'function', { error: problem });
/** Timers hold at most 2^31 - 1 ms; a longer wait would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
const positiveMs = z
  .number({ error: 'must be a number of milliseconds' })
  .check(
    z.int(),
    z.positive({ error: 'must be above 0' }),
    z.lte(MAX_TIMER_MS, { error: `must be at most ${MAX_TIMER_MS} ms` }),
  );
/** A whole number from `min` to `max`. */
const wholeNumber = (min: number, max = Number.POSITIVE_INFINITY, maxError?: string) =>
  z
    .number()
    .check(
      z.int(),
      z.gte(min),
      ...(max === Number.POSITIVE_INFINITY
        ? []
        : [z.lte(max, maxError === undefined ? undefined : { error: maxError })]),
    );

/** Schema of {@link RetryPolicy}. */
export const RetryPolicySchema = z.object({
  /** Retries after the first attempt. Default 5. */
  maxRetries: z.optional(wholeNumber(0, 20)),
  /** Delay before the first retry, doubled on each one (with full jitter). Default 500 ms. */
  initialDelay: z.optional(positiveMs),
  /** Longest wait between two attempts. Default 30 s. */
  maxDelay: z.optional(positiveMs),
  /** Longest `Retry-After` honoured; a longer one is cut to this. Default 60 s. */
  maxRetryAfter: z.optional(positiveMs),
  /** No retry starts after this much time since the first attempt. Default 120 s. */
  maxElapsed: z.optional(positiveMs),
});

/**
 * How a failed request is retried: on network errors, timeouts, 408, 429, 500, 502, 503 and
 * 504, with exponential backoff and full jitter, honouring `Retry-After` (seconds or an HTTP
 * date) up to `maxRetryAfter`. 400, 401, 403, 404, 413 and 422 are never retried.
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = { maxRetries: 3, initialDelay: 200, maxElapsed: 10_000 };
 * new ConnectClient({ apiKey, retry });
 * ```
 */
export type RetryPolicy = z.input<typeof RetryPolicySchema>;

/**
 * A console-like logger; every method is optional, so `console` itself fits.
 *
 * @example
 * ```ts
 * new ConnectClient({ apiKey, logger: console });
 * ```
 */
export interface ConnectLogger {
  /** Retries. */
  debug?(message: string, details?: Record<string, unknown>): void;
  /** Not used yet; here so any console-like logger fits. */
  info?(message: string, details?: Record<string, unknown>): void;
  /** Mapping warnings and dropped calls. */
  warn?(message: string, details?: Record<string, unknown>): void;
  /** Calls that finally failed, and event listeners that threw. */
  error?(message: string, details?: Record<string, unknown>): void;
}

/** A call as `beforeSend` sees it: its type and its Segment-style message. */
export type OutgoingCall =
  | { type: 'identify'; message: Record<string, unknown> }
  | { type: 'track'; message: Record<string, unknown> }
  | { type: 'alias'; message: Record<string, unknown> }
  | { type: 'group'; message: Record<string, unknown> }
  | { type: 'registerPushToken'; message: Record<string, unknown> }
  | { type: 'disablePushToken'; message: Record<string, unknown> }
  | { type: 'subscribe'; message: Record<string, unknown> }
  | { type: 'unsubscribe'; message: Record<string, unknown> };

/** Schema of {@link ConnectClientOptions}. */
export const ConnectClientOptionsSchema = z.extend(z.omit(MappingOptionsSchema, { now: true }), {
  /** The private key of the Connect environment, sent as `X-Outbound-Key`. */
  apiKey: z
    .string({ error: 'is required: the private key of your Connect environment' })
    // A refinement, not a length check: see PushTokenBodySchema in ./wire.
    .check(z.refine((key) => key.length > 0, { error: 'must not be empty' })),
  /** Connect's base URL. Default `https://api.outbound.io`; https unless the host is loopback. */
  baseUrl: z.optional(z.string()),
  /**
   * The fetch to use. Default `globalThis.fetch`. It is called with a URL string and a
   * `RequestInit` (method, headers, a string body and an abort signal).
   */
  fetch: z.optional(fn<(url: string, init: RequestInit) => Promise<Response>>()),
  /** Milliseconds one attempt may take. Default 10 s. */
  timeout: z.optional(positiveMs),
  /** Shorthand for `retry.maxRetries`. */
  maxRetries: z.optional(wholeNumber(0, 20)),
  /** The retry policy. */
  retry: z.optional(RetryPolicySchema),
  /** Messages per request, 1–100 (Connect's limit). Default 100. */
  maxBatchSize: z.optional(wholeNumber(1, 100, 'must be at most 100, Connect’s batch limit')),
  /**
   * Most bytes of JSON in one request; batches are cut by count and by bytes. Default 500 KiB
   * (512,000 bytes).
   */
  maxBatchBytes: z.optional(wholeNumber(1024)),
  /**
   * Most bytes of JSON in one message; a larger call throws `ValidationError` naming its
   * largest field. Default 32 KiB (32,768 bytes, Segment's own limit); at most `maxBatchBytes`.
   */
  maxMessageBytes: z.optional(wholeNumber(1)),
  /**
   * How many ids joined by aliases the client remembers as one user, so a later call under
   * either id waits for the earlier calls under both. The least recently aliased, idle ones are
   * forgotten first. Default 10,000.
   */
  aliasMemory: z.optional(wholeNumber(0)),
  /** How long a message may wait for others to share its request, in ms, at most 60,000. Default 10. */
  flushInterval: z.optional(wholeNumber(0, 60_000)),
  /** Messages the client holds (waiting or in flight) before refusing more. Default 10,000. */
  maxQueueSize: z.optional(wholeNumber(1)),
  /** Requests in flight at once. Default 4. */
  maxConcurrentRequests: z.optional(wholeNumber(1, 64)),
  /** Keeps an edge runtime alive until delivery: a Worker's `ctx.waitUntil`, Vercel's `waitUntil`. */
  waitUntil: z.optional(fn<(promise: Promise<unknown>) => void>()),
  /** Sees every call before it is mapped; returns it (changed or not), or `null` to drop it. */
  beforeSend: z.optional(fn<(call: OutgoingCall) => OutgoingCall | null | undefined | false>()),
  /** Where the client logs warnings, retries and failures. Default: nowhere. */
  logger: z.optional(
    z.custom<ConnectLogger>((value) => typeof value === 'object' && value !== null, {
      error: 'must be an object with debug/info/warn/error methods',
    }),
  ),
  /** Allow the private key in a browser. Default `false`: pages use the browser door and the proxy. */
  dangerouslyAllowBrowser: z.optional(z.boolean()),
});

/**
 * Options of `ConnectClient`. Only `apiKey` is required.
 *
 * @example
 * ```ts
 * const options: ConnectClientOptions = {
 *   apiKey: env.CONNECT_API_KEY, // the secret, from wherever your runtime keeps it
 *   defaultCountry: 'US',
 *   maxRetries: 3,
 *   flushInterval: 25,
 * };
 * ```
 */
export type ConnectClientOptions = z.input<typeof ConnectClientOptionsSchema>;
