import {
  ClientClosedError,
  ConnectApiError,
  type ConnectApiErrorDetails,
  type ConnectError,
  ConnectionError,
  TimeoutError,
} from '../errors';
import { VERSION } from '../version';
import type { Emitter } from './events';
import { type ResolvedRetryPolicy, retryAfterOf, retryDelay, sleep } from './retry-policy';
import { randomUuid } from './uuid';

/** Sends one request to Connect: headers, timeout, retries, typed errors. */

/**
 * The fetch the client calls: `globalThis.fetch` or anything shaped like it. It is always called
 * with a URL string and a `RequestInit` carrying the method, headers, a string body and an abort
 * signal.
 *
 * @example
 * ```ts
 * const logged: FetchLike = (url, init) => {
 *   console.debug('POST', url);
 *   return fetch(url, init);
 * };
 * const connect = new ConnectClient({ apiKey: env.CONNECT_API_KEY, fetch: logged });
 * ```
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** What {@link Transport} needs. */
export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  fetch: FetchLike;
  timeout: number;
  retry: ResolvedRetryPolicy;
  /** Aborts every request: the client's `close()` deadline. */
  signal: AbortSignal;
  emitter: Emitter;
  /**
   * Awaited before each attempt, outside its timeout: a shared limiter's wait (the Redis
   * workers'). A rejection ends the request as closed.
   */
  beforeAttempt?: () => Promise<void>;
}

/** How a request ended: accepted, or failed with a typed error; with the attempts it took. */
export type SendResult =
  | { ok: true; attempts: number }
  | { ok: false; attempts: number; error: ConnectError };

/** How one attempt failed, and whether another may follow. */
interface AttemptFailure {
  error: ConnectError;
  retryable: boolean;
  retryAfterMs?: number | undefined;
}

/** One request being tried, shared by its attempts. */
interface Flight {
  path: string;
  url: string;
  requestId: string;
  body: string;
  messageCount: number;
  messageIds: readonly string[] | (() => readonly string[]);
}

/** Why an attempt's race ended without a response. */
const TIMED_OUT = Symbol('timed out');
const CLOSED = Symbol('closed');

/**
 * Sends requests to Connect; never throws, never leaks the key into an error.
 *
 * Built on fetch rather than ky: ky builds three `Request`s per attempt and tees the body to
 * keep a copy for retries, which cost a third of the client's throughput in `bench/delivery`.
 * Here the body is a string, so every attempt simply sends it again.
 */
export class Transport {
  private readonly headers: Record<string, string>;
  /** What to cancel when the client closes: in-flight attempts and retry waits. */
  private readonly closers = new Set<() => void>();

  constructor(private readonly options: TransportOptions) {
    // One listener for every request: an AbortSignal warns past ten listeners, and up to 64
    // requests may be in flight.
    options.signal.addEventListener(
      'abort',
      () => {
        for (const close of [...this.closers]) close();
      },
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: a signal aborts once (this only lets the listener go)
      { once: true },
    );
    this.headers = {
      'Content-Type': 'application/json',
      'X-Outbound-Key': options.apiKey,
      'X-Outbound-Client': `zendesk-connect/${VERSION}`,
    };
  }

  /**
   * POSTs a JSON `body` of `messageCount` messages to `path` (`/v2/…`), with one
   * `X-Outbound-GUID` for every attempt: `requestId` when given (a request sent again after a
   * crash keeps its GUID), else a new UUID. `messageIds` name those messages in `request` events
   * (a function is asked only when something listens, once).
   */
  async send(
    path: string,
    body: string,
    messageCount: number,
    messageIds: readonly string[] | (() => readonly string[]) = [],
    requestId?: string,
  ): Promise<SendResult> {
    const { retry, emitter, signal } = this.options;
    const flight: Flight = {
      path,
      url: this.options.baseUrl + path,
      requestId: requestId ?? randomUuid(),
      body,
      messageCount,
      messageIds,
    };
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(flight, attempt);
      if (!failure) return { ok: true, attempts: attempt };
      if (!failure.retryable || attempt > retry.maxRetries) {
        return { ok: false, attempts: attempt, error: failure.error };
      }
      const delay = retryDelay(retry, attempt, failure.retryAfterMs);
      // No attempt starts past the limit, so there is no point waiting for one.
      if (Date.now() + delay - started >= retry.maxElapsed) {
        return { ok: false, attempts: attempt, error: failure.error };
      }
      if (emitter.has('retry')) {
        emitter.emit('retry', {
          path,
          requestId: flight.requestId,
          retryCount: attempt,
          delayMs: delay,
          error: failure.error,
        });
      }
      try {
        if (signal.aborted) throw signal.reason;
        await sleep(delay, this.onClose);
      } catch {
        return { ok: false, attempts: attempt, error: closedError(path) };
      }
    }
  }

  /** Registers `close` to run when the client closes; returns its release. */
  private readonly onClose = (close: () => void): (() => void) => {
    this.closers.add(close);
    return () => this.closers.delete(close);
  };

  /** One attempt: undefined when Connect accepted the request. */
  private async attempt(flight: Flight, attempt: number): Promise<AttemptFailure | undefined> {
    const { emitter, beforeAttempt } = this.options;
    const { path, requestId } = flight;
    if (beforeAttempt) {
      try {
        await beforeAttempt();
      } catch {
        return { error: closedError(path), retryable: false };
      }
    }
    if (emitter.has('request')) {
      emitter.emit('request', {
        path,
        requestId,
        attempt,
        messageCount: flight.messageCount,
        messageIds: idsOf(flight),
      });
    }
    const attemptStarted = Date.now();
    let response: Response;
    let text: string;
    try {
      ({ response, text } = await this.exchange(flight));
    } catch (error) {
      return { error: this.describeThrown(error, path, attempt), retryable: error !== CLOSED };
    }
    if (emitter.has('response')) {
      emitter.emit('response', {
        path,
        requestId,
        attempt,
        status: response.status,
        durationMs: Date.now() - attemptStarted,
      });
    }
    if (isRedirect(response)) {
      return { error: redirectError(response, flight, attempt), retryable: false };
    }
    if (response.ok) return undefined;
    const retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
    const details: ConnectApiErrorDetails = {
      status: response.status,
      body: text,
      requestId,
      retryAfterMs,
    };
    const error = ConnectApiError.fromResponse(`POST ${path} (${triesOf(attempt)})`, details);
    // A wait that is not retried is never read.
    return { error, retryable: error.retryable, retryAfterMs };
  }

  /**
   * The response and its body, within the timeout. Rejects with `TIMED_OUT`, `CLOSED` (the
   * client's signal aborted) or fetch's own error; a late fetch is aborted and ignored.
   */
  private exchange(flight: Flight): Promise<{ response: Response; text: string }> {
    const { signal, timeout } = this.options;
    if (signal.aborted) return Promise.reject(CLOSED);
    const controller = new AbortController();
    return new Promise((resolve, reject) => {
      const stop = (reason: symbol) => {
        done();
        controller.abort();
        reject(reason);
      };
      const release = this.onClose(() => stop(CLOSED));
      const timer = setTimeout(() => stop(TIMED_OUT), timeout);
      const done = () => {
        clearTimeout(timer);
        release();
      };
      let pending: Promise<Response>;
      try {
        pending = this.options.fetch(flight.url, {
          method: 'POST',
          headers: { ...this.headers, 'X-Outbound-GUID': flight.requestId },
          body: flight.body,
          // The key goes to baseUrl's origin and nowhere else; a redirect fails the request.
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (error) {
        // A custom fetch that throws instead of rejecting fails the attempt all the same.
        pending = Promise.reject(error);
      }
      pending
        .then(async (response) => {
          if (typeof (response as { status?: unknown } | undefined)?.status !== 'number') {
            throw new TypeError(
              'the fetch given to the client resolved with something that is not a Response',
            );
          }
          let text = '';
          try {
            text = await response.text();
          } catch {
            // The body broke off: the status still tells the story.
          }
          return { response, text };
        })
        .then(resolve, reject)
        .finally(done);
    });
  }

  /** A typed error for an attempt that got no response. */
  private describeThrown(error: unknown, path: string, attempts: number): ConnectError {
    const tries = triesOf(attempts);
    if (error === TIMED_OUT) {
      return new TimeoutError(
        `Connect did not answer POST ${path} within ${this.options.timeout} ms (${tries})`,
      );
    }
    if (error === CLOSED) return closedError(path);
    const reason = error instanceof Error ? error.message : String(error);
    // Node's fetch says only "fetch failed": the code (ECONNREFUSED, ENOTFOUND…) is on its cause.
    const detail = detailOf(error);
    const host = new URL(this.options.baseUrl).host;
    return new ConnectionError(
      `could not reach Connect at ${host} for POST ${path} (${tries}): ${reason}${detail && !reason.includes(detail) ? ` (${detail})` : ''}`,
      { cause: error instanceof Error ? sanitizedCause(error) : undefined },
    );
  }
}

/** The ids of a flight's messages, asked of its function once. */
function idsOf(flight: Flight): readonly string[] {
  if (typeof flight.messageIds === 'function') flight.messageIds = flight.messageIds();
  return flight.messageIds;
}

function closedError(path: string): ClientClosedError {
  return new ClientClosedError(`the client was closed before Connect answered POST ${path}`);
}

/**
 * A 3xx, or what a runtime shows of one: a browser answers `redirect: 'manual'` with an opaque
 * response of status 0; a custom fetch that followed anyway marks the response `redirected`.
 */
function isRedirect(response: Response): boolean {
  return (
    (response.status >= 300 && response.status < 400) ||
    response.type === 'opaqueredirect' ||
    response.redirected === true
  );
}

function redirectError(response: Response, flight: Flight, attempts: number): ConnectApiError {
  const { path, requestId } = flight;
  const tries = triesOf(attempts);
  const details = { status: response.status, body: '', requestId };
  if (response.redirected) {
    // The fetch given to the client followed it: the request, key and all, reached the target.
    return new ConnectApiError(
      `POST ${path} was redirected to ${hostOf(response.url, flight.url)} by the fetch given to the client (${tries}), so the key was sent there too: a custom fetch must honour init.redirect ('manual')`,
      details,
      'redirected',
    );
  }
  const location = response.headers.get('location');
  const answered = response.status ? `answered ${response.status}` : 'answered with a redirect';
  const where = location ? `, redirecting to ${hostOf(location, flight.url)}` : '';
  return new ConnectApiError(
    `Connect ${answered} to POST ${path} (${tries})${where}: redirects are not followed, so the key never leaves baseUrl's origin; set baseUrl to the final address`,
    details,
    'redirected',
  );
}

/** The host a URL names (resolved against `base`), or a short quote of it when it names none. */
function hostOf(url: string, base: string): string {
  try {
    const parsed = new URL(url, base);
    if (parsed.host) return parsed.host;
  } catch {
    // Not a URL: quoted below.
  }
  return JSON.stringify(url.slice(0, 60));
}

/** The network error without anything request-shaped hanging off it (the request holds the key). */
function sanitizedCause(error: Error): Error {
  const copy = new Error(error.message);
  copy.name = error.name;
  const inner = (error as { cause?: unknown }).cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    const cause = new Error(inner.message);
    cause.name = inner.name;
    if (typeof code === 'string') Object.assign(cause, { code });
    Object.assign(copy, { cause });
  }
  return copy;
}

/** What a network error's cause says: its system code (`ECONNREFUSED`), else its message. */
function detailOf(error: unknown): string | undefined {
  let message: string | undefined;
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (depth > 0 && current instanceof Error) message ??= current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}

function triesOf(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}
