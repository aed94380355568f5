import * as z from 'zod';
import { MappingOptionsSchema } from './mapping-options';

const fn = <T>(problem = 'must be a function') =>
  z.custom<T>((value) => typeof value === 'function', { error: problem });
const positiveMs = z
  .number({ error: 'must be a number of milliseconds' })
  .int()
  .positive({ error: 'must be above 0' });

/** Schema of {@link RetryPolicy}. */
export const RetryPolicySchema = z.object({
  /** Retries after the first attempt. Default 5. */
  maxRetries: z.number().int().min(0).max(20).optional(),
  /** Delay before the first retry, doubled on each one (with full jitter). Default 500 ms. */
  initialDelay: positiveMs.optional(),
  /** Longest wait between two attempts. Default 30 s. */
  maxDelay: positiveMs.optional(),
  /** Longest `Retry-After` honoured; a longer one is cut to this. Default 60 s. */
  maxRetryAfter: positiveMs.optional(),
  /** No retry starts after this much time since the first attempt. Default 120 s. */
  maxElapsed: positiveMs.optional(),
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
export const ConnectClientOptionsSchema = MappingOptionsSchema.omit({ now: true }).extend({
  /** The private key of the Connect environment, sent as `X-Outbound-Key`. */
  apiKey: z
    .string({ error: 'is required: the private key of your Connect environment' })
    // A refinement, not .min(): see PushTokenBodySchema in ./wire.
    .refine((key) => key.length > 0, { error: 'must not be empty' }),
  /** Connect's base URL. Default `https://api.outbound.io`; https unless the host is loopback. */
  baseUrl: z.string().optional(),
  /**
   * The fetch to use. Default `globalThis.fetch`. It is called with a URL string and a
   * `RequestInit` (method, headers, a string body and an abort signal).
   */
  fetch: fn<(url: string, init: RequestInit) => Promise<Response>>().optional(),
  /** Milliseconds one attempt may take. Default 10 s. */
  timeout: positiveMs.optional(),
  /** Shorthand for `retry.maxRetries`. */
  maxRetries: z.number().int().min(0).max(20).optional(),
  /** The retry policy. */
  retry: RetryPolicySchema.optional(),
  /** Messages per request, 1–100 (Connect's limit). Default 100. */
  maxBatchSize: z
    .number()
    .int()
    .min(1)
    .max(100, { error: 'must be at most 100, Connect’s batch limit' })
    .optional(),
  /** How long a message may wait for others to share its request, in ms. Default 10. */
  flushInterval: z.number().int().min(0).optional(),
  /** Messages the client holds (waiting or in flight) before refusing more. Default 10,000. */
  maxQueueSize: z.number().int().min(1).optional(),
  /** Requests in flight at once. Default 4. */
  maxConcurrentRequests: z.number().int().min(1).max(64).optional(),
  /** Keeps an edge runtime alive until delivery: a Worker's `ctx.waitUntil`, Vercel's `waitUntil`. */
  waitUntil: fn<(promise: Promise<unknown>) => void>().optional(),
  /** Sees every call before it is mapped; returns it (changed or not), or `null` to drop it. */
  beforeSend: fn<(call: OutgoingCall) => OutgoingCall | null | undefined | false>().optional(),
  /** Where the client logs warnings, retries and failures. Default: nowhere. */
  logger: z
    .custom<ConnectLogger>((value) => typeof value === 'object' && value !== null, {
      error: 'must be an object with debug/info/warn/error methods',
    })
    .optional(),
  /** Allow the private key in a browser. Default `false`: pages use the browser door and the proxy. */
  dangerouslyAllowBrowser: z.boolean().optional(),
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
