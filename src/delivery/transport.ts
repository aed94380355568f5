import ky, { HTTPError, type KyInstance, TimeoutError as KyTimeoutError } from 'ky';
import {
  AuthenticationError,
  BadRequestError,
  ClientClosedError,
  ConnectApiError,
  type ConnectApiErrorDetails,
  type ConnectError,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../errors';
import { VERSION } from '../version';
import type { Emitter } from './events';

/** Sends one request to Connect with ky: headers, timeout, retries, typed errors. */

/** Statuses worth another attempt; every other error status is final. */
export const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];

/** The retry policy with every default filled in. */
export interface ResolvedRetryPolicy {
  maxRetries: number;
  initialDelay: number;
  maxDelay: number;
  maxRetryAfter: number;
  maxElapsed: number;
}

/** What {@link Transport} needs. */
export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  fetch: (input: Request, init?: RequestInit) => Promise<Response>;
  timeout: number;
  retry: ResolvedRetryPolicy;
  /** Aborts every request: the client's `close()` deadline. */
  signal: AbortSignal;
  emitter: Emitter;
}

/** How a request ended: accepted, or failed with a typed error; with the attempts it took. */
export type SendResult =
  | { ok: true; attempts: number }
  | { ok: false; attempts: number; error: ConnectError };

/** One request on its way: what the shared ky hooks need to know about it, by its GUID. */
interface Flight {
  path: string;
  messageCount: number;
  started: number;
  attempts: number;
}

/** Sends requests to Connect; never throws, never leaks the key into an error. */
export class Transport {
  private readonly ky: KyInstance;
  private readonly flights = new Map<string, Flight>();

  constructor(private readonly options: TransportOptions) {
    const { emitter, retry } = options;
    const flightOf = (request: Request | undefined) =>
      request ? this.flights.get(request.headers.get('x-outbound-guid') ?? '') : undefined;
    // Request and response events come from a thin wrapper around fetch rather than ky hooks:
    // per-call hooks cost a deep merge on every request, and an afterResponse hook clones every
    // response.
    const observedFetch = async (request: Request, init?: RequestInit): Promise<Response> => {
      const flight = flightOf(request);
      const requestId = request.headers.get('x-outbound-guid') ?? '';
      if (flight && emitter.has('request')) {
        emitter.emit('request', {
          path: flight.path,
          requestId,
          attempt: flight.attempts,
          messageCount: flight.messageCount,
        });
      }
      const attemptStarted = Date.now();
      const response = await options.fetch(request, init);
      if (flight && emitter.has('response')) {
        emitter.emit('response', {
          path: flight.path,
          requestId,
          attempt: flight.attempts,
          status: response.status,
          durationMs: Date.now() - attemptStarted,
        });
      }
      return response;
    };
    this.ky = ky.create({
      prefixUrl: options.baseUrl,
      fetch: observedFetch as typeof fetch,
      timeout: options.timeout,
      signal: options.signal,
      headers: {
        'X-Outbound-Key': options.apiKey,
        'X-Outbound-Client': `zendesk-connect/${VERSION}`,
      },
      retry: {
        limit: retry.maxRetries,
        methods: ['post'],
        statusCodes: RETRY_STATUSES,
        afterStatusCodes: RETRY_STATUSES,
        maxRetryAfter: retry.maxRetryAfter,
        backoffLimit: retry.maxDelay,
        delay: (attempt) => retry.initialDelay * 2 ** (attempt - 1),
        jitter: true,
        retryOnTimeout: true,
        shouldRetry: ({ error }) => {
          if (error.name === 'AbortError' || options.signal.aborted) return false;
          const flight = flightOf((error as { request?: Request }).request);
          return flight && Date.now() - flight.started >= retry.maxElapsed ? false : undefined;
        },
      },
      hooks: {
        beforeRetry: [
          ({ request, error, retryCount }) => {
            const flight = flightOf(request);
            if (!flight) return;
            // The backoff may have carried us past the limit: no attempt starts after it.
            if (Date.now() - flight.started >= retry.maxElapsed) throw error;
            flight.attempts++;
            if (emitter.has('retry')) {
              const requestId = request.headers.get('x-outbound-guid') ?? '';
              emitter.emit('retry', {
                path: flight.path,
                requestId,
                retryCount,
                error: this.describeQuickly(error, flight.path, flight.attempts - 1),
              });
            }
          },
        ],
      },
    });
  }

  /** POSTs `body` as JSON to `path` (`/v2/…`), with one `X-Outbound-GUID` for every attempt. */
  async send(path: string, body: unknown): Promise<SendResult> {
    const requestId = crypto.randomUUID();
    const flight: Flight = {
      path,
      messageCount: Array.isArray(body) ? body.length : 1,
      started: Date.now(),
      attempts: 1,
    };
    this.flights.set(requestId, flight);
    try {
      await this.ky.post(path.replace(/^\//, ''), {
        json: body,
        headers: { 'X-Outbound-GUID': requestId },
      });
      return { ok: true, attempts: flight.attempts };
    } catch (error) {
      return {
        ok: false,
        attempts: flight.attempts,
        error: await this.describe(error, path, flight.attempts, requestId),
      };
    } finally {
      this.flights.delete(requestId);
    }
  }

  /** A typed error for a failed request, with Connect's error body when it sent one. */
  private async describe(
    error: unknown,
    path: string,
    attempts: number,
    requestId: string,
  ): Promise<ConnectError> {
    if (error instanceof HTTPError) {
      let text = '';
      try {
        text = await error.response.text();
      } catch {
        // The body was unreadable; the status still tells the story.
      }
      return apiError(error.response, text, path, attempts, requestId);
    }
    return this.describeQuickly(error, path, attempts);
  }

  /** A typed error without reading a response body (for retry events). */
  private describeQuickly(error: unknown, path: string, attempts: number): ConnectError {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    if (error instanceof HTTPError) return apiError(error.response, '', path, attempts, undefined);
    if (error instanceof KyTimeoutError) {
      return new TimeoutError(
        `Connect did not answer POST ${path} within ${this.options.timeout} ms (${tries})`,
      );
    }
    if (this.options.signal.aborted || (error as { name?: unknown })?.name === 'AbortError') {
      return new ClientClosedError(`the client was closed before Connect answered POST ${path}`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new ConnectionError(`could not reach Connect for POST ${path} (${tries}): ${reason}`, {
      cause: error instanceof Error ? sanitizedCause(error) : undefined,
    });
  }
}

function apiError(
  response: Response,
  text: string,
  path: string,
  attempts: number,
  requestId: string | undefined,
): ConnectApiError {
  const status = response.status;
  const details: ConnectApiErrorDetails = { status, body: text };
  if (requestId !== undefined) details.requestId = requestId;
  const parsed = connectErrorBody(text);
  if (parsed.code !== undefined) details.connectCode = parsed.code;
  if (parsed.message !== undefined) details.connectMessage = parsed.message;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const message = `Connect answered ${status} to POST ${path} (${tries})${parsed.message ? `: ${parsed.message}` : ''}`;
  if (status === 400) return new BadRequestError(message, details);
  if (status === 401 || status === 403) return new AuthenticationError(message, details);
  if (status === 429) {
    const retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
    return new RateLimitError(
      message,
      retryAfterMs === undefined ? details : { ...details, retryAfterMs },
    );
  }
  if (status >= 500) return new ServerError(message, details);
  return new ConnectApiError(message, details);
}

/** Connect's `{"error":{"Message","Code"}}`, when the body is that. */
function connectErrorBody(text: string): { code?: number; message?: string } {
  try {
    const error = (JSON.parse(text) as { error?: { Message?: unknown; Code?: unknown } }).error;
    return {
      ...(typeof error?.Code === 'number' ? { code: error.Code } : {}),
      ...(typeof error?.Message === 'string' ? { message: error.Message } : {}),
    };
  } catch {
    return {};
  }
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
