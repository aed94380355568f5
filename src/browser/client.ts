import {
  isRetryableAnswer,
  type ResolvedRetryPolicy,
  type RetryPolicy,
  retryAfterOf,
  retryDelay,
  sleep,
} from '../delivery/retry-policy';
import { ConnectionError, QueueFullError, type ValidationError } from '../errors';
import { ANONYMOUS_ID_PATTERN, newAnonymousId } from '../leaf/anonymous-id';
import { codePointLength, isId, isPlainObject, isUsableString } from '../leaf/values';
import { jsonSafeCopy } from '../mappers/json-copy';
import { invalid as invalidInput } from '../schemas/parse';
import { VERSION } from '../version';
import { EndpointError, type EndpointErrorBody } from './errors';
import { defaultStorage, type KeyValueStorage, safeStorage } from './storage';

/** A small client for pages: ids, context, batching and delivery to your own endpoint. */

/** Options of {@link createBrowserClient}. */
export interface BrowserClientOptions {
  /** Your endpoint running `createConnectProxy`, e.g. `/api/connect`; batches go to `{endpoint}/batch`. */
  endpoint: string;
  /** Where the anonymous and user ids are kept. Default `localStorage`, or memory where it is blocked. */
  storage?: KeyValueStorage;
  /** How long a call may wait for others to share its request, in ms. Default 500. */
  flushInterval?: number;
  /** Calls per request. Default 50. */
  maxBatchSize?: number;
  /** Calls queued or in flight at most; a call beyond it is dropped (a `drop` event). Default 1,000. */
  maxQueueSize?: number;
  /** Retries of a failed request (network errors, 408, 429, 5xx but a Connect refusal behind a 502). Default 3. */
  maxRetries?: number;
  /**
   * The rest of the retry policy (the server client's): default initial delay 500 ms, max delay
   * 10 s, max `Retry-After` 30 s, max elapsed 60 s. `Retry-After` is a minimum: the backoff still
   * applies when it asks for less (`Retry-After: 0`), and no wait is under 100 ms.
   */
  retry?: Omit<RetryPolicy, 'maxRetries'>;
  /**
   * How long a request may go unanswered, in ms; then it is aborted and, like a network error,
   * retried. Default 30,000. The proxy may still deliver what it got: keep its client's
   * `retry.maxElapsed` under this (or give the proxy `waitUntil`).
   */
  timeout?: number;
  /** Headers for every request, such as a CSRF token. Default none. */
  headers?: Record<string, string>;
  /** Whether requests carry cookies. Default `'same-origin'`; `'include'` for an endpoint on another origin of your site. */
  credentials?: RequestCredentials;
  /** Called when a request finally failed: the same payload as the `error` event. Default none. */
  onError?: (event: BrowserClientEvents['error']) => void;
  /** The fetch to use. Default the page's. */
  fetch?: typeof fetch;
}

/** A Segment-style message as the page sends it to the proxy. */
export interface BrowserMessage {
  type: 'identify' | 'track' | 'alias';
  messageId: string;
  timestamp: string;
  anonymousId: string;
  userId?: string | number;
  previousId?: string | number;
  event?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context: Record<string, unknown>;
}

/** What the browser client reports. */
export interface BrowserClientEvents {
  /**
   * A request finally failed (after any retries): the endpoint's answer (`EndpointError`, with
   * `status` and the proxy's JSON `error`) or no answer (`ConnectionError`), and its messages.
   */
  error: {
    error: EndpointError | ConnectionError;
    status: number | undefined;
    messages: readonly BrowserMessage[];
  };
  /** A call was dropped without being sent: the queue was full (`maxQueueSize`). */
  drop: { reason: 'queue_full'; error: QueueFullError; message: BrowserMessage };
}

/** How the messages a {@link BrowserClient.flush} waited for ended. */
export interface BrowserFlushReport {
  /** Accepted by the endpoint. */
  delivered: number;
  /** Refused, or failed after the retries. */
  failed: number;
  /** Dropped since the previous flush (the queue was full). */
  dropped: number;
}

/**
 * The page client returned by {@link createBrowserClient}. Bad input throws `ValidationError`
 * synchronously, naming the field, like `ConnectClient`; nothing is queued. That includes what the
 * proxy would refuse as invalid, by its default limits: an event over 200 characters, a message
 * over 32 KiB of JSON or nested deeper than 30 levels, an alias to the same id. The promise a call
 * returns resolves when the endpoint accepted it and rejects when it finally failed; it is marked
 * handled, so ignoring it never causes an unhandled rejection. Failures are also `error` events.
 */
export interface BrowserClient {
  /**
   * Identifies the user (or, without `userId`, the anonymous visitor) with traits. An object
   * whose keys are only `userId`, `traits` and `context` is this message form; any other object
   * is analytics.js's traits form, `identify({ email })`.
   */
  identify(message: {
    userId?: string | number;
    traits?: Record<string, unknown>;
    context?: Record<string, unknown>;
  }): Promise<void>;
  /** The analytics.js forms: `identify(userId, traits)` and `identify(traits)`. */
  identify(
    userIdOrTraits: string | number | Record<string, unknown>,
    traits?: Record<string, unknown>,
  ): Promise<void>;
  /** Records an event. */
  track(event: string, properties?: Record<string, unknown>): Promise<void>;
  /** The message form: `track({ event, properties, context })`. */
  track(message: {
    event: string;
    properties?: Record<string, unknown>;
    context?: Record<string, unknown>;
  }): Promise<void>;
  /** Joins the anonymous id (or `previousId`) to `userId`, and remembers `userId`. */
  alias(userId: string | number, previousId?: string | number): Promise<void>;
  /**
   * Signs out: forgets the user id and starts a new anonymous id, in every tab. Call
   * `await flush()` first, while your session still names the user: a signed-in call sent after
   * the session ended is refused (`not_signed_in`).
   */
  reset(): void;
  /** Sends everything queued; resolves, never rejects, when every call made before it settled. */
  flush(): Promise<BrowserFlushReport>;
  /** Listens to `error` or `drop`; returns the function that stops listening. */
  on<E extends keyof BrowserClientEvents>(
    event: E,
    listener: (payload: BrowserClientEvents[E]) => void,
  ): () => void;
  /** The current anonymous id (a UUID v7). */
  anonymousId(): string;
  /** The current user id, once identified. */
  userId(): string | number | undefined;
}

const ANONYMOUS_KEY = 'zendesk_connect.anonymous_id';
const USER_KEY = 'zendesk_connect.user_id';
/** Browsers refuse keepalive requests once 64 KiB of them are in flight; leave headroom. */
const KEEPALIVE_BUDGET = 60_000;
const MESSAGE_KEYS = new Set(['userId', 'traits', 'context']);
/** The proxy's defaults: a message of at most 32 KiB of JSON (its client's `maxMessageBytes`)… */
const MAX_MESSAGE_BYTES = 32 * 1024;
/** …nested at most 32 levels in a request (`maxDepth`), of which `{ "batch": [` takes two. */
const MAX_MESSAGE_DEPTH = 30;
/** A request's body at most: the proxy's default `maxBodyBytes` is 512 KiB. */
const MAX_REQUEST_BYTES = 500 * 1024;
/** The shortest wait between two attempts, in ms. */
const MIN_RETRY_DELAY = 100;

interface Pending {
  message: BrowserMessage;
  bytes: number;
  settle(outcome: 'delivered' | 'failed', error?: unknown): void;
  outcome: Promise<'delivered' | 'failed'>;
}

/**
 * Creates the page client. It holds no Connect key: it posts Segment-style batches
 * (`{ batch: [...], sentAt }`) to your endpoint, which forwards them with `createConnectProxy`.
 * Each call is stamped (`messageId`, `timestamp`, `context.timezone` unless you give one,
 * `context.library`) when it is made. Queued calls are sent with `keepalive` when the page is
 * hidden or unloaded. Failures reach the page: `onError`, the `error` and `drop` events, and
 * `flush()`'s report.
 *
 * @throws {ValidationError} when `endpoint` is missing.
 * @example
 * ```ts
 * import { createBrowserClient } from 'zendesk-connect/browser';
 *
 * const connect = createBrowserClient({
 *   endpoint: '/api/connect',
 *   onError: ({ error }) => console.warn('analytics:', error.message),
 * });
 * connect.identify({ email: 'mbolton@example.com' }); // a visitor's traits
 * connect.track('Signed Up', { plan: 'Startup', source: 'Analytics Academy' });
 * connect.identify('019mr8mf4r', { name: 'Michael Bolton' }); // once signed in
 * connect.alias('019mr8mf4r');
 * const { delivered, failed, dropped } = await connect.flush();
 * await connect.flush(); // at sign-out, while the session still names the user,
 * connect.reset(); // then forget the user
 * ```
 */
export function createBrowserClient(options: BrowserClientOptions): BrowserClient {
  if (!isUsableString(options?.endpoint)) {
    throw invalid('endpoint', 'must be the URL of your Connect proxy, such as /api/connect');
  }
  const endpoint = `${options.endpoint.replace(/\/+$/, '')}/batch`;
  const storage = safeStorage(options.storage ?? defaultStorage());
  const flushInterval = options.flushInterval ?? 500;
  const maxBatchSize = options.maxBatchSize ?? 50;
  const maxQueueSize = options.maxQueueSize ?? 1_000;
  const policy: ResolvedRetryPolicy = {
    maxRetries: options.maxRetries ?? 3,
    initialDelay: options.retry?.initialDelay ?? 500,
    maxDelay: options.retry?.maxDelay ?? 10_000,
    maxRetryAfter: options.retry?.maxRetryAfter ?? 30_000,
    maxElapsed: options.retry?.maxElapsed ?? 60_000,
  };
  const timeout = options.timeout ?? 30_000;
  const send =
    options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const listeners = {
    error: new Set<(payload: never) => void>(),
    drop: new Set<(payload: never) => void>(),
  };
  let queue: Pending[] = [];
  /** Queued or in flight: what a flush waits for. */
  const unsettled = new Set<Pending>();
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of keepalive requests in flight: the browser's budget is per page. */
  let keepaliveInFlight = 0;
  /** Wakes each batch waiting out a retry (when the page hides). */
  const sleepers = new Set<() => void>();
  /** The endpoint's clock minus the page's, learned from a refusal, for new anonymous ids. */
  let clockOffset = 0;

  function emit<E extends keyof BrowserClientEvents>(event: E, payload: BrowserClientEvents[E]) {
    for (const listener of [...listeners[event]]) {
      try {
        (listener as (payload: BrowserClientEvents[E]) => void)(payload);
      } catch (error) {
        // A broken listener cannot break delivery; the page still sees its error.
        (globalThis as { reportError?: (error: unknown) => void }).reportError?.(error);
      }
    }
  }
  function on<E extends keyof BrowserClientEvents>(
    event: E,
    listener: (payload: BrowserClientEvents[E]) => void,
  ): () => void {
    const set = listeners[event] as Set<typeof listener>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }
  if (options.onError) on('error', options.onError);

  const renewAnonymousId = () => {
    const id = newAnonymousId(Date.now() + clockOffset);
    storage.setItem(ANONYMOUS_KEY, id);
    return id;
  };
  // Read from storage every time: another tab may have changed it (a sign-out).
  const anonymousId = () => {
    const id = storage.getItem(ANONYMOUS_KEY);
    // An id in another form (an older version's random UUID) is one the proxy refuses: replaced.
    return id && ANONYMOUS_ID_PATTERN.test(id) ? id : renewAnonymousId();
  };
  const userId = (): string | number | undefined => {
    const stored = storage.getItem(USER_KEY);
    if (stored === null) return undefined;
    try {
      const parsed = JSON.parse(stored) as unknown;
      return isId(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  };
  const rememberUser = (id: string | number) => {
    const previous = userId();
    // Another user on this browser (the page missed reset() at sign-out): the anonymous id is
    // the previous user's history, so the new user starts a new one and never aliases it.
    if (previous !== undefined && String(previous) !== String(id)) renewAnonymousId();
    storage.setItem(USER_KEY, JSON.stringify(id));
  };

  /**
   * The message for a call, stamped now, and checked against what the proxy refuses as invalid
   * (its default limits): throws `ValidationError` naming the field, so one bad call never
   * reaches a batch it would refuse whole.
   */
  function stamp(
    type: BrowserMessage['type'],
    fields: Partial<BrowserMessage>,
    context: Record<string, unknown> | undefined,
  ): BrowserMessage {
    const message: BrowserMessage = {
      type,
      messageId: crypto.randomUUID(),
      timestamp: new Date().toISOString(),
      anonymousId: anonymousId(),
      ...fields,
      context: {
        ...context,
        timezone: context?.timezone ?? timezone(),
        library: { name: 'zendesk-connect/browser', version: VERSION },
      },
    };
    const current = userId();
    if (message.userId === undefined && current !== undefined) message.userId = current;
    const json = JSON.stringify(message);
    const bytes = new TextEncoder().encode(json).length;
    if (bytes > MAX_MESSAGE_BYTES) {
      throw invalid(
        largestField(message),
        `makes the message ${bytes} bytes of JSON, over the proxy's 32 KiB`,
      );
    }
    if (depthOf(json) > MAX_MESSAGE_DEPTH) {
      throw invalid(
        largestField(message),
        `nests deeper than the proxy allows (${MAX_MESSAGE_DEPTH} levels in a message)`,
      );
    }
    return message;
  }

  function enqueue(message: BrowserMessage): Promise<void> {
    const bytes = sizeOf(message);
    const type = message.type;
    let settle!: Pending['settle'];
    const delivery = new Promise<void>((resolve, reject) => {
      settle = (outcome, error) => (outcome === 'delivered' ? resolve() : reject(error));
    });
    delivery.catch(() => {});
    if (unsettled.size >= maxQueueSize) {
      const error = new QueueFullError(
        `browser: ${type} dropped: ${maxQueueSize} calls are already queued (maxQueueSize)`,
      );
      dropped++;
      settle('failed', error);
      emit('drop', { reason: 'queue_full', error, message });
      return delivery;
    }
    const pending: Pending = {
      message,
      bytes,
      settle,
      outcome: delivery.then(
        () => 'delivered' as const,
        () => 'failed' as const,
      ),
    };
    queue.push(pending);
    unsettled.add(pending);
    void pending.outcome.then(() => unsettled.delete(pending));
    if (queue.length >= maxBatchSize) void sendQueued(false);
    else timer ??= setTimeout(() => void sendQueued(false), flushInterval);
    return delivery;
  }

  function fail(
    batch: readonly Pending[],
    error: EndpointError | ConnectionError,
    status?: number,
  ) {
    if (batch.length === 0) return;
    for (const pending of batch) pending.settle('failed', error);
    emit('error', { error, status, messages: batch.map((p) => p.message) });
  }

  async function post(batch: Pending[], keepalive: boolean): Promise<void> {
    const started = Date.now();
    let pending = batch;
    let attempt = 0;
    /** The page is going away: send with keepalive (when it fits), and never wait to retry. */
    let hiding = keepalive;
    /** The anonymous id this request moved away from (at most one). */
    const moved = new Set<string>();
    for (;;) {
      let error: EndpointError | ConnectionError;
      let status: number | undefined;
      let retryAfterMs: number | undefined;
      let retry = pending;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeout);
      const payload = JSON.stringify({
        batch: pending.map((p) => p.message),
        sentAt: new Date().toISOString(),
      });
      // The browser's keepalive budget is for all keepalive requests in flight on the page.
      const bytes = hiding ? new TextEncoder().encode(payload).length : 0;
      const alive = hiding && keepaliveInFlight + bytes <= KEEPALIVE_BUDGET;
      if (alive) keepaliveInFlight += bytes;
      try {
        const response = await send(endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...options.headers },
          body: payload,
          keepalive: alive,
          credentials: options.credentials ?? 'same-origin',
          signal: controller.signal,
        });
        if (response.ok) {
          for (const p of pending) p.settle('delivered');
          return;
        }
        status = response.status;
        const text = await response.text().catch(() => '');
        const body = errorBodyOf(text);
        const retryable = isRetryableAnswer(status, body?.retryable);
        error = new EndpointError(
          `browser: ${endpoint} answered ${status}: ${body?.message ?? text}`,
          {
            status,
            error: body,
            retryable,
          },
        );
        retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
        const failed = Array.isArray(body?.failed)
          ? (body.failed as { index?: unknown; retryable?: unknown }[])
          : undefined;
        if (failed) {
          // A 502 naming the messages Connect did not take: the others were delivered; of the
          // failed ones, only those Connect did not refuse may be sent again.
          const byIndex = new Map(failed.map((f) => [f.index, f.retryable !== false]));
          for (const [i, p] of pending.entries()) if (!byIndex.has(i)) p.settle('delivered');
          const again = pending.filter((_, i) => byIndex.get(i) === true);
          const refused = pending.filter((_, i) => byIndex.get(i) === false);
          retry = retryable ? again : [];
          fail(retryable ? refused : [...refused, ...again], error, status);
        } else if (!retryable) {
          // A refusal (400, 403) naming messages: the others are fine, and are sent again at
          // once, without them. One whose anonymous id is refused as not this browser's moves
          // to a new id first, with the other messages under it.
          if (body && moveAnonymousId(body, pending, moved)) continue;
          const named = namedIndexes(body, pending.length);
          const refused = pending.filter((_, i) => named.has(i));
          if (refused.length > 0 && refused.length < pending.length) {
            fail(refused, error, status);
            pending = pending.filter((_, i) => !named.has(i));
            continue;
          }
          retry = [];
          fail(pending, error, status);
        }
      } catch (thrown) {
        error = timedOut
          ? new ConnectionError(
              `browser: ${endpoint} did not answer within ${timeout} ms (timeout)`,
              { cause: thrown },
            )
          : new ConnectionError(`browser: ${endpoint} could not be reached`, { cause: thrown });
      } finally {
        clearTimeout(timer);
        if (alive) keepaliveInFlight -= bytes;
      }
      if (retry.length === 0) return;
      attempt++;
      // Retry-After is a minimum: a 0 (or any short one) never means back-to-back attempts.
      const delay = Math.max(
        MIN_RETRY_DELAY,
        retryDelay(policy, attempt, undefined),
        retryAfterMs === undefined ? 0 : retryDelay(policy, attempt, retryAfterMs),
      );
      if (
        hiding ||
        attempt > policy.maxRetries ||
        Date.now() + delay - started >= policy.maxElapsed
      ) {
        fail(retry, error, status); // no wait after the last attempt
        return;
      }
      pending = retry;
      try {
        // Woken early (it rejects) when the page hides: then one last attempt, at once.
        await sleep(delay, (wake) => {
          sleepers.add(wake);
          return () => sleepers.delete(wake);
        });
      } catch {
        hiding = true;
      }
    }
  }

  /**
   * The proxy refused an anonymous id as not this browser's (its cookie was lost, the id was made
   * long before its first use, maybe by a clock that is off) or as aliased into another user (a
   * sign-out without `reset()`). When the refused id is still the current one, start a new one
   * on the endpoint's clock and move every unsent message under the old one (this batch and the
   * queue) to it; true when it did, so the batch can be sent again. An older id is not moved: its
   * messages belong to an earlier visitor of this browser.
   */
  function moveAnonymousId(
    body: EndpointErrorBody,
    batch: readonly Pending[],
    moved: Set<string>,
  ): boolean {
    if (body.reason !== 'anonymous_id_not_bound' && body.reason !== 'anonymous_id_aliased')
      return false;
    if (typeof body.now === 'number') clockOffset = body.now - Date.now();
    const message = typeof body.index === 'number' ? batch[body.index]?.message : undefined;
    const field = body.field;
    const refused =
      message && (field === 'anonymousId' || field === 'previousId') ? message[field] : undefined;
    // Once per request: a proxy that refuses the new id too gets no loop out of the page.
    if (typeof refused !== 'string' || moved.size > 0) return false;
    if (refused !== storage.getItem(ANONYMOUS_KEY)) return false;
    moved.add(refused);
    const next = renewAnonymousId();
    for (const { message: m } of [...batch, ...queue]) {
      if (m.anonymousId === refused) m.anonymousId = next;
      if (m.previousId === refused) m.previousId = next;
    }
    return true;
  }

  function take(keepalive: boolean): Pending[][] {
    const chunks: Pending[][] = [];
    let chunk: Pending[] = [];
    let bytes = 0;
    for (const pending of queue) {
      const full =
        chunk.length >= maxBatchSize ||
        bytes + pending.bytes > (keepalive ? KEEPALIVE_BUDGET : MAX_REQUEST_BYTES);
      if (full && chunk.length > 0) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(pending);
      bytes += pending.bytes;
    }
    if (chunk.length > 0) chunks.push(chunk);
    queue = [];
    return chunks;
  }

  function sendQueued(keepalive: boolean): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    return Promise.all(take(keepalive).map((chunk) => post(chunk, keepalive))).then(
      () => undefined,
    );
  }

  async function flush(): Promise<BrowserFlushReport> {
    const waited = [...unsettled];
    const report: BrowserFlushReport = { delivered: 0, failed: 0, dropped };
    dropped = 0;
    void sendQueued(false);
    for (const outcome of await Promise.all(waited.map((p) => p.outcome))) report[outcome]++;
    return report;
  }

  const onHide = () => {
    // What is queued, and what waits out a retry: sent now, with keepalive where it fits.
    for (const wake of [...sleepers]) {
      sleepers.delete(wake);
      wake();
    }
    if (queue.length > 0) void sendQueued(true);
  };
  const page = globalThis as {
    addEventListener?: typeof addEventListener;
    document?: { visibilityState?: string };
  };
  page.addEventListener?.('pagehide', onHide);
  page.addEventListener?.('visibilitychange', () => {
    if (page.document?.visibilityState === 'hidden') onHide();
  });

  return {
    identify(first: unknown, traits?: Record<string, unknown>) {
      const message = !isPlainObject(first)
        ? { userId: first, traits }
        : Object.keys(first).every((key) => MESSAGE_KEYS.has(key))
          ? first
          : { traits: first }; // analytics.js: identify(traits)
      const id = message.userId ?? undefined;
      if (id !== undefined && !isId(id))
        throw invalid('userId', 'must be a non-empty string or a finite number');
      const fields = copyObjects({ traits: message.traits, context: message.context });
      const stamped = stamp(
        'identify',
        { ...(id !== undefined ? { userId: id } : {}), traits: fields.traits ?? {} },
        fields.context,
      );
      if (id !== undefined) {
        rememberUser(id);
        stamped.anonymousId = anonymousId(); // a new one when another user signed in here
      }
      return enqueue(stamped);
    },
    track(first: unknown, properties?: Record<string, unknown>) {
      const message = isPlainObject(first) ? first : { event: first, properties };
      if (!isUsableString(message.event) || codePointLength(message.event) > 200)
        throw invalid('event', 'must be a non-empty string of at most 200 characters');
      const fields = copyObjects({ properties: message.properties, context: message.context });
      return enqueue(
        stamp(
          'track',
          { event: message.event, properties: fields.properties ?? {} },
          fields.context,
        ),
      );
    },
    alias(newId: string | number, previousId?: string | number) {
      if (!isId(newId)) throw invalid('userId', 'must be a non-empty string or a finite number');
      if (previousId != null && !isId(previousId))
        throw invalid('previousId', 'must be a non-empty string or a finite number');
      if (previousId != null && String(previousId) === String(newId))
        throw invalid('previousId', 'must differ from `userId`');
      const stamped = stamp(
        'alias',
        { userId: newId, previousId: previousId ?? anonymousId() },
        undefined,
      );
      rememberUser(newId);
      stamped.anonymousId = anonymousId(); // a new one when another user signed in here
      stamped.previousId = previousId ?? stamped.anonymousId;
      return enqueue(stamped);
    },
    reset() {
      storage.removeItem(USER_KEY);
      renewAnonymousId();
    },
    flush,
    on,
    anonymousId,
    userId,
  } as BrowserClient;
}

/**
 * Each given field, which must be a plain object, copied now as JSON will carry it (the server
 * client's rule: a `Date` becomes its ISO string; `NaN`, `Infinity`, a `BigInt` or a cycle throws
 * `ValidationError` naming its path). A copy, so the page's later changes to its own objects are
 * neither sent nor able to break the batch.
 */
function copyObjects<K extends string>(
  fields: Record<K, unknown>,
): Partial<Record<K, Record<string, unknown>>> {
  const copied: Partial<Record<K, Record<string, unknown>>> = {};
  for (const key of Object.keys(fields) as K[]) {
    const value = fields[key];
    if (value == null) continue;
    if (!isPlainObject(value)) throw invalid(key, 'must be a plain object');
    copied[key] = jsonSafeCopy(value, key, 'browser') as Record<string, unknown>;
  }
  return copied;
}

/** The field of a message that weighs most: the one to name when it is too large or deep. */
function largestField(message: BrowserMessage): string {
  let largest = 'userId';
  let most = -1;
  for (const field of ['traits', 'properties', 'context', 'userId', 'previousId'] as const) {
    const value = message[field];
    const size = value === undefined ? -1 : JSON.stringify(value).length;
    if (size > most) {
      largest = field;
      most = size;
    }
  }
  return largest;
}

/** How deep JSON text nests (strings skipped). */
function depthOf(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < json.length; index++) {
    const char = json[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') deepest = Math.max(deepest, ++depth);
    else if (char === '}' || char === ']') depth--;
  }
  return deepest;
}

function sizeOf(message: BrowserMessage): number {
  return new TextEncoder().encode(JSON.stringify(message)).length;
}

/** The message indexes a refusal names: a 403's `index`, a 400's `issues[].index`. */
function namedIndexes(body: EndpointErrorBody | undefined, count: number): Set<number> {
  const named = new Set<number>();
  const add = (index: unknown) => {
    if (Number.isInteger(index) && (index as number) >= 0 && (index as number) < count)
      named.add(index as number);
  };
  add(body?.index);
  if (Array.isArray(body?.issues))
    for (const issue of body.issues) add(isPlainObject(issue) ? issue.index : undefined);
  return named;
}

function errorBodyOf(text: string): EndpointErrorBody | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    const error = isPlainObject(parsed) ? parsed.error : undefined;
    return isPlainObject(error) && typeof error.code === 'string'
      ? (error as EndpointErrorBody)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A ValidationError from the browser client, naming the field. */
function invalid(path: string, problem: string): ValidationError {
  return invalidInput('browser', path, problem);
}

function timezone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
