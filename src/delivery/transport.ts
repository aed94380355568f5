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

/** Sends requests to Connect; never throws, never leaks the key into an error. */
export class Transport {
  private readonly ky: KyInstance;

  constructor(private readonly options: TransportOptions) {
    this.ky = ky.create({
      prefixUrl: options.baseUrl,
      fetch: options.fetch as typeof fetch,
      timeout: options.timeout,
      signal: options.signal,
      headers: {
        'X-Outbound-Key': options.apiKey,
        'X-Outbound-Client': `zendesk-connect/${VERSION}`,
      },
      retry: {
        limit: options.retry.maxRetries,
        methods: ['post'],
        statusCodes: RETRY_STATUSES,
        afterStatusCodes: RETRY_STATUSES,
        maxRetryAfter: options.retry.maxRetryAfter,
        backoffLimit: options.retry.maxDelay,
        delay: (attempt) => options.retry.initialDelay * 2 ** (attempt - 1),
        jitter: true,
        retryOnTimeout: true,
      },
    });
  }

  /** POSTs `body` as JSON to `path` (`/v2/…`), with one `X-Outbound-GUID` for every attempt. */
  async send(path: string, body: unknown): Promise<SendResult> {
    const requestId = crypto.randomUUID();
    const { emitter, retry } = this.options;
    const started = Date.now();
    let attempts = 1;
    let attemptStarted = 0;
    try {
      await this.ky.post(path.replace(/^\//, ''), {
        json: body,
        headers: { 'X-Outbound-GUID': requestId },
        retry: {
          shouldRetry: ({ error }) =>
            error.name === 'AbortError' || Date.now() - started >= retry.maxElapsed
              ? false
              : undefined,
        },
        // Hooks only when someone listens: an afterResponse hook makes ky clone every response.
        hooks: {
          beforeRequest:
            emitter.has('request') || emitter.has('response')
              ? [
                  () => {
                    attemptStarted = Date.now();
                    emitter.emit('request', {
                      path,
                      requestId,
                      attempt: attempts,
                      messageCount: Array.isArray(body) ? body.length : 1,
                    });
                  },
                ]
              : [],
          afterResponse: emitter.has('response')
            ? [
                (_request, _options, response) => {
                  emitter.emit('response', {
                    path,
                    requestId,
                    attempt: attempts,
                    status: response.status,
                    durationMs: Date.now() - attemptStarted,
                  });
                },
              ]
            : [],
          beforeRetry: [
            ({ error, retryCount }) => {
              // The backoff may have carried us past the limit: no attempt starts after it.
              if (Date.now() - started >= retry.maxElapsed) throw error;
              attempts++;
              if (emitter.has('retry')) {
                emitter.emit('retry', {
                  path,
                  requestId,
                  retryCount,
                  error: this.describeQuickly(error, path, attempts - 1),
                });
              }
            },
          ],
        },
      });
      return { ok: true, attempts };
    } catch (error) {
      return { ok: false, attempts, error: await this.describe(error, path, attempts, requestId) };
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
