import * as z from 'zod/mini';
import type { ResolvedRetryPolicy, RetryPolicy } from './delivery/retry-policy';
import type { FetchLike } from './delivery/transport';
import { didYouMean } from './leaf/did-you-mean';
import type { CountryCode } from './leaf/phone-country';
import type { OutgoingCall } from './mappers/calls';
import { lazy } from './schemas/lazy';
import type { MappingOptions } from './schemas/mapping-options';
import { mappingOptionsSchema } from './schemas/mapping-options';
import { invalid, parseOrThrow } from './schemas/parse';

/** `ConnectClient`'s options: what each means and its default, checked and resolved in one place. */

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

/**
 * Options of `ConnectClient`. Only `apiKey` is required.
 *
 * @example
 * ```ts
 * const options: ConnectClientOptions = {
 *   apiKey: env.CONNECT_API_KEY, // the secret, from wherever your runtime keeps it
 *   defaultCountry: 'US',
 *   maxRetries: 3,
 * };
 * ```
 */
export interface ConnectClientOptions {
  /** The private key of the Connect environment, sent as `X-Outbound-Key`. Required. */
  apiKey: string;
  /** Connect's base URL; https unless the host is loopback. Default `https://api.outbound.io`. */
  baseUrl?: string | undefined;
  /**
   * The fetch to use, called as `fetch(url, init)`; it must honour `init.redirect`. Default
   * `globalThis.fetch`.
   */
  fetch?: FetchLike | undefined;
  /** Milliseconds one attempt may take. Default 10,000. */
  timeout?: number | undefined;
  /** Shorthand for `retry.maxRetries`. Default 5. */
  maxRetries?: number | undefined;
  /** The retry policy. Defaults: see {@link RetryPolicy}. */
  retry?: RetryPolicy | undefined;
  /** Messages per request, 1–100 (Connect's limit). Default 100. */
  maxBatchSize?: number | undefined;
  /** Most bytes of JSON in one request, at least 1,024. Default 512,000 (500 KiB). */
  maxBatchBytes?: number | undefined;
  /**
   * Most bytes of JSON in one message, at most `maxBatchBytes`; a larger call throws
   * `ValidationError` naming its largest field. Default 32,768 (32 KiB, Segment's own limit).
   */
  maxMessageBytes?: number | undefined;
  /**
   * How many ids joined by aliases are remembered as one user, so a later call under either id
   * waits for the earlier calls under both; the oldest idle ones are forgotten first. Default 10,000.
   */
  aliasMemory?: number | undefined;
  /** How long a message may wait for others to share its request, in ms, at most 60,000. Default 10. */
  flushInterval?: number | undefined;
  /** Messages the client holds (waiting or in flight) before refusing more. Default 10,000. */
  maxQueueSize?: number | undefined;
  /** Requests in flight at once, 1–64. Default 4. */
  maxConcurrentRequests?: number | undefined;
  /** Keeps an edge runtime alive until delivery: a Worker's `ctx.waitUntil`, Vercel's `waitUntil`. Default none. */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  /** Sees every call before it is mapped; returns it (changed or not), or `null` to drop it. Default none. */
  beforeSend?: ((call: OutgoingCall) => OutgoingCall | null | undefined | false) | undefined;
  /**
   * Where the client logs warnings, retries and failures. Default: when a message finally fails
   * and nothing listens (no `error` listener), one `console.warn` per kind of failure a minute,
   * naming the fix; `false` silences even that.
   */
  logger?: ConnectLogger | false | undefined;
  /**
   * Validate and map every call but send nothing: each call resolves at once, unsent (counted as
   * dropped, reason `disabled`). For tests and local runs. Default `true`.
   */
  enabled?: boolean | undefined;
  /**
   * Allow a plain `http://` `baseUrl` on a host other than loopback (a service in a private
   * network, `http://connect-emulator:4010` in docker-compose): the key then crosses the network
   * in clear text. Default `false`.
   */
  allowInsecureHttp?: boolean | undefined;
  /** Allow the private key in a browser. Default `false`: pages use the browser door and the proxy. */
  dangerouslyAllowBrowser?: boolean | undefined;
  /** Where Android tokens go: `'fcm'` or legacy `'gcm'`. Default `'fcm'`. */
  androidPushField?: 'fcm' | 'gcm' | undefined;
  /** The country national phone numbers are read in, such as `'US'`. Default none. */
  defaultCountry?: CountryCode | undefined;
  /** A phone number that is not valid is sent as given (`'keep'`), left in attributes (`'drop'`) or refused (`'reject'`). Default `'keep'`. */
  onInvalidPhone?: 'keep' | 'drop' | 'reject' | undefined;
}

/** The defaults, each written once. */
export const CLIENT_DEFAULTS = {
  baseUrl: 'https://api.outbound.io',
  timeout: 10_000,
  retry: {
    maxRetries: 5,
    initialDelay: 500,
    maxDelay: 30_000,
    maxRetryAfter: 60_000,
    maxElapsed: 120_000,
  },
  maxBatchSize: 100,
  maxBatchBytes: 500 * 1024,
  maxMessageBytes: 32 * 1024,
  aliasMemory: 10_000,
  flushInterval: 10,
  maxQueueSize: 10_000,
  maxConcurrentRequests: 4,
  /** `close()`'s deadline. */
  closeTimeout: 10_000,
} as const;

/** The longest wait a timer can hold: longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** {@link ConnectClientOptions} checked, with every default filled in. */
export interface ResolvedClientOptions {
  apiKey: string;
  /** Without a trailing slash. */
  baseUrl: string;
  fetch: FetchLike;
  timeout: number;
  retry: ResolvedRetryPolicy;
  maxBatchSize: number;
  maxBatchBytes: number;
  maxMessageBytes: number;
  aliasMemory: number;
  flushInterval: number;
  maxQueueSize: number;
  maxConcurrentRequests: number;
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  beforeSend: ((call: OutgoingCall) => OutgoingCall | null | undefined | false) | undefined;
  logger: ConnectLogger | false | undefined;
  enabled: boolean;
  mapping: MappingOptions;
}

/** Where the client runs: what `resolveClientOptions` reads besides the options. */
export interface ClientEnvironment {
  /** The runtime's fetch, if it has one. */
  fetch: FetchLike | undefined;
  /** True in a page (a window with a document), where a private key would be public. */
  isBrowser: boolean;
}

/** The options' schema, built on first use (./schemas/lazy). */
const connectClientOptionsSchema = lazy(() => {
  const fn = <T>(problem = 'must be a function') =>
    z.custom<T>((value) => typeof value === 'function', { error: problem });
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

  const RetryPolicySchema = z.object({
    maxRetries: z.optional(wholeNumber(0, 20)),
    initialDelay: z.optional(positiveMs),
    maxDelay: z.optional(positiveMs),
    maxRetryAfter: z.optional(positiveMs),
    maxElapsed: z.optional(positiveMs),
  });

  return z.extend(z.omit(mappingOptionsSchema(), { now: true }), {
    apiKey: z
      .string({ error: 'is required: the private key of your Connect environment' })
      // A refinement, not a length check: see PushTokenBodySchema in ./schemas/wire.
      .check(z.refine((key) => key.length > 0, { error: 'must not be empty' })),
    baseUrl: z.optional(z.string()),
    fetch: z.optional(fn<FetchLike>()),
    timeout: z.optional(positiveMs),
    maxRetries: z.optional(wholeNumber(0, 20)),
    retry: z.optional(RetryPolicySchema),
    maxBatchSize: z.optional(wholeNumber(1, 100, 'must be at most 100, Connect’s batch limit')),
    maxBatchBytes: z.optional(wholeNumber(1024)),
    maxMessageBytes: z.optional(wholeNumber(1)),
    aliasMemory: z.optional(wholeNumber(0)),
    flushInterval: z.optional(wholeNumber(0, 60_000)),
    maxQueueSize: z.optional(wholeNumber(1)),
    maxConcurrentRequests: z.optional(wholeNumber(1, 64)),
    waitUntil: z.optional(fn<(promise: Promise<unknown>) => void>()),
    beforeSend: z.optional(fn<(call: OutgoingCall) => OutgoingCall | null | undefined | false>()),
    logger: z.optional(
      z.custom<ConnectLogger | false>(
        (value) => value === false || (typeof value === 'object' && value !== null),
        { error: 'must be an object with debug/info/warn/error methods, or false' },
      ),
    ),
    dangerouslyAllowBrowser: z.optional(z.boolean()),
    enabled: z.optional(z.boolean()),
    allowInsecureHttp: z.optional(z.boolean()),
  });
});

const optionNames = lazy(() => Object.keys(connectClientOptionsSchema().shape));

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks `ConnectClient`'s options and fills in the defaults; throws `ValidationError` naming
 * the option (never echoing the key). Pure: the runtime's fetch and whether it is a page come in
 * `environment`.
 *
 * @example
 * ```ts
 * resolveClientOptions({ apiKey: 'k' }, { fetch: globalThis.fetch, isBrowser: false }).maxBatchSize; // 100
 * ```
 */
export function resolveClientOptions(
  options: ConnectClientOptions,
  environment: ClientEnvironment,
): ResolvedClientOptions {
  refuseUnknownOptions(options);
  const parsed = parseOrThrow(connectClientOptionsSchema(), options, 'ConnectClient');
  if (environment.isBrowser && !parsed.dangerouslyAllowBrowser) {
    throw invalid(
      'ConnectClient',
      'apiKey',
      'must not be used in a browser, where anyone can read it: use zendesk-connect/browser with zendesk-connect/proxy, or set dangerouslyAllowBrowser: true',
    );
  }
  const fetch = parsed.fetch ?? environment.fetch;
  if (!fetch) throw invalid('ConnectClient', 'fetch', 'is required where there is no global fetch');
  const maxBatchBytes = parsed.maxBatchBytes ?? CLIENT_DEFAULTS.maxBatchBytes;
  const maxMessageBytes =
    parsed.maxMessageBytes ?? Math.min(CLIENT_DEFAULTS.maxMessageBytes, maxBatchBytes);
  if (maxMessageBytes > maxBatchBytes) {
    throw invalid(
      'ConnectClient',
      'maxMessageBytes',
      `must be at most maxBatchBytes (${maxBatchBytes}): a message must fit in a request`,
    );
  }
  const retry = CLIENT_DEFAULTS.retry;
  const mapping: MappingOptions = {};
  if (parsed.androidPushField) mapping.androidPushField = parsed.androidPushField;
  if (parsed.defaultCountry) mapping.defaultCountry = parsed.defaultCountry;
  if (parsed.onInvalidPhone) mapping.onInvalidPhone = parsed.onInvalidPhone;
  return {
    apiKey: parsed.apiKey,
    baseUrl: checkedBaseUrl(parsed.baseUrl ?? CLIENT_DEFAULTS.baseUrl, parsed.allowInsecureHttp),
    fetch,
    timeout: parsed.timeout ?? CLIENT_DEFAULTS.timeout,
    retry: {
      maxRetries: parsed.retry?.maxRetries ?? parsed.maxRetries ?? retry.maxRetries,
      initialDelay: parsed.retry?.initialDelay ?? retry.initialDelay,
      maxDelay: parsed.retry?.maxDelay ?? retry.maxDelay,
      maxRetryAfter: parsed.retry?.maxRetryAfter ?? retry.maxRetryAfter,
      maxElapsed: parsed.retry?.maxElapsed ?? retry.maxElapsed,
    },
    maxBatchSize: parsed.maxBatchSize ?? CLIENT_DEFAULTS.maxBatchSize,
    maxBatchBytes,
    maxMessageBytes,
    aliasMemory: parsed.aliasMemory ?? CLIENT_DEFAULTS.aliasMemory,
    flushInterval: parsed.flushInterval ?? CLIENT_DEFAULTS.flushInterval,
    maxQueueSize: parsed.maxQueueSize ?? CLIENT_DEFAULTS.maxQueueSize,
    maxConcurrentRequests: parsed.maxConcurrentRequests ?? CLIENT_DEFAULTS.maxConcurrentRequests,
    waitUntil: parsed.waitUntil,
    beforeSend: parsed.beforeSend,
    logger: parsed.logger,
    enabled: parsed.enabled ?? true,
    mapping,
  };
}

/** A misspelled option would be silently ignored: refuse it, naming what was probably meant. */
function refuseUnknownOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) return; // the schema names that
  for (const name of Object.keys(options)) {
    if (optionNames().includes(name)) continue;
    const meant = didYouMean(name, optionNames());
    throw invalid(
      'ConnectClient',
      name,
      `is not an option${meant ? `; did you mean \`${meant}\`?` : ''} (the options are ${optionNames().join(', ')})`,
    );
  }
}

/** The base URL without a trailing slash; https unless the host is loopback or http is allowed. */
function checkedBaseUrl(value: string, allowInsecureHttp = false): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(
      'ConnectClient',
      'baseUrl',
      'must be an absolute URL such as https://api.outbound.io',
    );
  }
  const plainHttpAllowed = LOOPBACK.test(url.hostname) || allowInsecureHttp;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && plainHttpAllowed)) {
    throw invalid(
      'ConnectClient',
      'baseUrl',
      'must use https (plain http is allowed for loopback hosts such as 127.0.0.1, or with allowInsecureHttp: true)',
    );
  }
  return url.href.replace(/\/+$/, '');
}
