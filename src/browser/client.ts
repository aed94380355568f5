import { ANONYMOUS_ID_PATTERN, newAnonymousId } from '../anonymous-id';
import { ValidationError } from '../errors';
import { isId, isPlainObject, isUsableString } from '../mappers/values';
import { VERSION } from '../version';
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
  /** Retries of a failed request (network errors, 408, 429, 5xx). Default 3. */
  maxRetries?: number;
  /** Headers for every request, such as a CSRF token. */
  headers?: Record<string, string>;
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

/** The page client returned by {@link createBrowserClient}. */
export interface BrowserClient {
  /** Identifies the user (or, without `userId`, the anonymous visitor) with traits. */
  identify(message: {
    userId?: string | number;
    traits?: Record<string, unknown>;
    context?: Record<string, unknown>;
  }): Promise<void>;
  /** The analytics.js form: `identify(userId, traits)`. */
  identify(userId: string | number, traits?: Record<string, unknown>): Promise<void>;
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
  /** Signs out: forgets the user id and starts a new anonymous id. */
  reset(): void;
  /** Sends everything queued; resolves when the endpoint answered. */
  flush(): Promise<void>;
  /** The current anonymous id. */
  anonymousId(): string;
  /** The current user id, once identified. */
  userId(): string | number | undefined;
}

const ANONYMOUS_KEY = 'zendesk_connect.anonymous_id';
const USER_KEY = 'zendesk_connect.user_id';
/** Browsers refuse keepalive requests once 64 KiB of them are in flight; leave headroom. */
const KEEPALIVE_BUDGET = 60_000;

interface Pending {
  message: BrowserMessage;
  bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Creates the page client. It holds no Connect key: it posts Segment-style batches
 * (`{ batch: [...], sentAt }`) to your endpoint, which forwards them with `createConnectProxy`.
 * Each call is stamped (`messageId`, `timestamp`, `context.timezone`, `context.library`) when it
 * is made. Queued calls are sent with `keepalive` when the page is hidden or unloaded.
 *
 * @example
 * ```ts
 * import { createBrowserClient } from 'zendesk-connect/browser';
 *
 * const connect = createBrowserClient({ endpoint: '/api/connect' });
 * connect.identify({ userId: '019mr8mf4r', traits: { name: 'Michael Bolton', email: 'mbolton@example.com' } });
 * connect.track('Signed Up', { plan: 'Startup', source: 'Analytics Academy' });
 * connect.alias('019mr8mf4r');
 * connect.reset(); // on sign-out
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
  const maxRetries = options.maxRetries ?? 3;
  const send =
    options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const encoder = new TextEncoder();
  let queue: Pending[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const anonymousId = () => {
    let id = storage.getItem(ANONYMOUS_KEY);
    // An id in another form (an older version's random UUID) is one the proxy refuses: replaced.
    if (!id || !ANONYMOUS_ID_PATTERN.test(id)) {
      id = newAnonymousId(Date.now());
      storage.setItem(ANONYMOUS_KEY, id);
    }
    return id;
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
  const rememberUser = (id: string | number) => storage.setItem(USER_KEY, JSON.stringify(id));

  function enqueue(
    type: BrowserMessage['type'],
    fields: Partial<BrowserMessage>,
    context: unknown,
  ): Promise<void> {
    const message: BrowserMessage = {
      type,
      messageId: crypto.randomUUID(),
      timestamp: new Date().toISOString(),
      anonymousId: anonymousId(),
      ...fields,
      context: {
        ...(isPlainObject(context) ? context : {}),
        timezone: timezone(),
        library: { name: 'zendesk-connect/browser', version: VERSION },
      },
    };
    const current = userId();
    if (message.userId === undefined && current !== undefined) message.userId = current;
    const delivery = new Promise<void>((resolve, reject) => {
      queue.push({
        message,
        bytes: encoder.encode(JSON.stringify(message)).length,
        resolve,
        reject,
      });
    });
    delivery.catch(() => {});
    if (queue.length >= maxBatchSize) void flush();
    else timer ??= setTimeout(() => void flush(), flushInterval);
    return delivery;
  }

  async function post(batch: Pending[], keepalive: boolean): Promise<void> {
    const body = JSON.stringify({
      batch: batch.map((p) => p.message),
      sentAt: new Date().toISOString(),
    });
    let failure: unknown;
    for (let attempt = 0; attempt <= (keepalive ? 0 : maxRetries); attempt++) {
      try {
        const response = await send(endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...options.headers },
          body,
          keepalive,
          credentials: 'same-origin',
        });
        if (response.ok) {
          for (const pending of batch) pending.resolve();
          return;
        }
        failure = new Error(
          `${endpoint} answered ${response.status}: ${await response.text().catch(() => '')}`,
        );
        if (!(response.status === 408 || response.status === 429 || response.status >= 500)) break;
        await sleep(retryDelay(attempt, response.headers.get('retry-after')));
      } catch (error) {
        failure = error;
        await sleep(retryDelay(attempt, null));
      }
    }
    for (const pending of batch) pending.reject(failure);
  }

  function take(keepalive: boolean): Pending[][] {
    const chunks: Pending[][] = [];
    let chunk: Pending[] = [];
    let bytes = 0;
    for (const pending of queue) {
      const full =
        chunk.length >= maxBatchSize || (keepalive && bytes + pending.bytes > KEEPALIVE_BUDGET);
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

  async function flush(keepalive = false): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    let budget = KEEPALIVE_BUDGET;
    await Promise.all(
      take(keepalive).map((chunk) => {
        const size = chunk.reduce((sum, pending) => sum + pending.bytes, 0);
        const alive = keepalive && size <= budget;
        if (alive) budget -= size;
        return post(chunk, alive);
      }),
    );
  }

  const onHide = () => {
    if (queue.length > 0) void flush(true);
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
      const message = isPlainObject(first) ? first : { userId: first, traits };
      const id = message.userId ?? undefined;
      if (id !== undefined && !isId(id))
        return Promise.reject(invalid('userId', 'must be a non-empty string or a finite number'));
      if (message.traits != null && !isPlainObject(message.traits))
        return Promise.reject(invalid('traits', 'must be a plain object'));
      if (id !== undefined) rememberUser(id);
      return enqueue(
        'identify',
        { ...(id !== undefined ? { userId: id } : {}), traits: message.traits ?? {} },
        message.context,
      );
    },
    track(first: unknown, properties?: Record<string, unknown>) {
      const message = isPlainObject(first) ? first : { event: first, properties };
      if (!isUsableString(message.event))
        return Promise.reject(invalid('event', 'must be a non-empty string'));
      if (message.properties != null && !isPlainObject(message.properties)) {
        return Promise.reject(invalid('properties', 'must be a plain object'));
      }
      return enqueue(
        'track',
        { event: message.event, properties: message.properties ?? {} },
        message.context,
      );
    },
    alias(newId: string | number, previousId?: string | number) {
      if (!isId(newId))
        return Promise.reject(invalid('userId', 'must be a non-empty string or a finite number'));
      const previous = previousId ?? anonymousId();
      rememberUser(newId);
      return enqueue('alias', { userId: newId, previousId: previous }, undefined);
    },
    reset() {
      storage.removeItem(USER_KEY);
      storage.removeItem(ANONYMOUS_KEY);
    },
    flush: () => flush(false),
    anonymousId,
    userId,
  } as BrowserClient;
}

function invalid(path: string, problem: string): ValidationError {
  return new ValidationError([{ path, message: `browser: \`${path}\` ${problem}` }]);
}

function timezone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function retryDelay(attempt: number, retryAfter: string | null): number {
  const seconds = Number(retryAfter);
  if (retryAfter !== null && Number.isFinite(seconds)) return Math.min(seconds * 1000, 30_000);
  return Math.random() * 500 * 2 ** attempt;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
