/**
 * The SDK's one error hierarchy. Every error it throws or rejects with is a {@link ConnectError},
 * told apart by class (`instanceof`) and by its `code` string.
 *
 * `instanceof` is answered by a brand registered with `Symbol.for`, so it holds even when two
 * copies of the package end up in one bundle (a CJS and an ESM copy, or two versions).
 *
 * @module
 */

const KINDS = Symbol.for('zendesk-connect.error-kinds');

type Branded = { [KINDS]?: readonly string[] };

/** Statuses worth another attempt; every other error status is final. */
export const RETRY_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

/** One problem found in a call's input: the dotted path of the field and a sentence naming it. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `traits.phone` or `properties.items.0.price`. */
  path: string;
  /** A sentence that names the call and the field, e.g. "track: `event` must be …". */
  message: string;
}

/** An error as JSON: what the proxy answers pages with, and what a log line can carry. */
export interface ConnectErrorJson {
  name: string;
  code: string;
  message: string;
  /** The HTTP status Connect answered, for API errors. */
  status?: number;
  /** Whether trying again later may succeed. */
  retryable: boolean;
}

/**
 * Base class of every error the SDK raises.
 *
 * @example
 * ```ts
 * try {
 *   await connect.track({ userId: 'u1', event: 'Signed Up' });
 * } catch (error) {
 *   if (error instanceof ConnectError) console.error(error.code, error.message);
 * }
 * ```
 */
export class ConnectError extends Error {
  /** Stable brand name of this class, used by the cross-copy `instanceof`. */
  static readonly kind: string = 'ConnectError';
  /** This class's `code`. */
  static readonly code: string = 'connect_error';
  /** Whether errors of this class may go away on a later try. */
  static readonly retryable: boolean = false;
  /** Machine-readable kind of failure, such as `validation_error` or `rate_limited`. */
  readonly code: string;
  declare readonly [KINDS]: readonly string[];

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? (new.target as typeof ConnectError).code;
    const kinds: string[] = [];
    for (let ctor = new.target as unknown; hasKind(ctor); ctor = Object.getPrototypeOf(ctor)) {
      if (Object.hasOwn(ctor, 'kind')) kinds.push(ctor.kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
    this.name = kinds[0] ?? 'ConnectError';
  }

  /** Whether trying again later may succeed. */
  get retryable(): boolean {
    return (this.constructor as typeof ConnectError).retryable;
  }

  /** The error as JSON, without its stack or cause. */
  toJSON(): ConnectErrorJson {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }

  /** True for any error of this class, whichever copy of the package created it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as Branded)[KINDS];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `instanceof` was asked about.
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

function hasKind(value: unknown): value is { kind: string } {
  return typeof value === 'function' && typeof (value as { kind?: unknown }).kind === 'string';
}

/**
 * Bad input: thrown synchronously by the call that received it, before anything is queued or sent.
 *
 * @example
 * ```ts
 * try {
 *   mapTrack({ userId: 'u1', event: '' });
 * } catch (error) {
 *   if (error instanceof ValidationError) console.log(error.issues[0]?.path); // 'event'
 * }
 * ```
 */
export class ValidationError extends ConnectError {
  static override readonly kind: string = 'ValidationError';
  static override readonly code: string = 'validation_error';
  /** Every problem found, each naming its field. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options: { cause?: unknown } = {}) {
    super(issues.map((issue) => issue.message).join('; ') || 'invalid input', options);
    this.issues = issues;
  }
}

/** What a failed Connect response carried, for {@link ConnectApiError}. */
export interface ConnectApiErrorDetails {
  /** HTTP status of the final response. */
  status: number;
  /** Response body as text (Connect's error JSON, or raw text). */
  body: string;
  /** Connect's `error.Code`, when the body had one. */
  connectCode?: number;
  /** Connect's `error.Message`, when the body had one. */
  connectMessage?: string;
  /** The request's `X-Outbound-GUID`. */
  requestId?: string;
  /** The wait Connect asked for (`Retry-After`), in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * Connect answered with an error status (or a redirect, code `redirected`). Subclasses name the
 * usual kinds; `status`, `body` and Connect's own `error.Code` / `error.Message` are kept.
 *
 * @example
 * ```ts
 * connect.on('error', ({ error }) => {
 *   if (error instanceof ConnectApiError) console.error(error.status, error.connectMessage);
 * });
 * ```
 */
export class ConnectApiError extends ConnectError {
  static override readonly kind: string = 'ConnectApiError';
  static override readonly code: string = 'api_error';
  /** HTTP status of the final response. */
  readonly status: number;
  /** Response body as text. */
  readonly body: string;
  /** Connect's `error.Code`, when present. */
  readonly connectCode: number | undefined;
  /** Connect's `error.Message`, when present. */
  readonly connectMessage: string | undefined;
  /** The `X-Outbound-GUID` of the failed request. */
  readonly requestId: string | undefined;
  /** The wait Connect asked for, from `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ConnectApiErrorDetails, code?: string) {
    super(message, code === undefined ? { cause: details.cause } : { code, cause: details.cause });
    this.status = details.status;
    this.body = details.body;
    this.connectCode = details.connectCode;
    this.connectMessage = details.connectMessage;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
  }

  override get retryable(): boolean {
    return RETRY_STATUSES.includes(this.status);
  }

  override toJSON(): ConnectErrorJson {
    return { ...super.toJSON(), status: this.status };
  }

  /**
   * The error for Connect's answer `status` with body `text`, of the class the status names,
   * with Connect's `{"error":{"Message","Code"}}` read when the body is that.
   *
   * @example
   * ```ts
   * ConnectApiError.fromResponse('POST /v2/track (1 attempt)', { status: 400, body: '{"error":{"Message":"event is required","Code":400}}' });
   * // BadRequestError: Connect answered 400 to POST /v2/track (1 attempt): event is required
   * ```
   */
  static fromResponse(request: string, details: ConnectApiErrorDetails): ConnectApiError {
    const connect = connectErrorBody(details.body);
    const full: ConnectApiErrorDetails = { ...details, ...connect };
    const message = `Connect answered ${details.status} to ${request}${connect.connectMessage ? `: ${connect.connectMessage}` : ''}`;
    const kind = API_ERRORS.find(([matches]) => matches(details.status))?.[1] ?? ConnectApiError;
    return new kind(message, full);
  }
}

/** Connect's `{"error":{"Message","Code"}}`, when the body is that. */
function connectErrorBody(
  text: string,
): Pick<ConnectApiErrorDetails, 'connectCode' | 'connectMessage'> {
  try {
    const error = (JSON.parse(text) as { error?: { Message?: unknown; Code?: unknown } }).error;
    return {
      ...(typeof error?.Code === 'number' ? { connectCode: error.Code } : {}),
      ...(typeof error?.Message === 'string' ? { connectMessage: error.Message } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Connect refused the payload (HTTP 400): a field missing or invalid. Never retried; a batch is
 * split until the bad message stands alone.
 */
export class BadRequestError extends ConnectApiError {
  static override readonly kind: string = 'BadRequestError';
  static override readonly code: string = 'bad_request';
}

/** Connect refused a message alone as too large (HTTP 413); a batch is split first. Never retried. */
export class PayloadTooLargeError extends ConnectApiError {
  static override readonly kind: string = 'PayloadTooLargeError';
  static override readonly code: string = 'payload_too_large';
}

/** The API key was refused (HTTP 401 or 403). Never retried. */
export class AuthenticationError extends ConnectApiError {
  static override readonly kind: string = 'AuthenticationError';
  static override readonly code: string = 'authentication_error';
}

/** Connect asked the client to slow down (HTTP 429) and the retries ran out; `retryAfterMs` says for how long. */
export class RateLimitError extends ConnectApiError {
  static override readonly kind: string = 'RateLimitError';
  static override readonly code: string = 'rate_limited';
}

/** Connect failed (HTTP 5xx) and the retries ran out. */
export class ServerError extends ConnectApiError {
  static override readonly kind: string = 'ServerError';
  static override readonly code: string = 'server_error';
}

/** Which class each status gets. */
const API_ERRORS: ReadonlyArray<readonly [(status: number) => boolean, typeof ConnectApiError]> = [
  [(status) => status === 400, BadRequestError],
  [(status) => status === 413, PayloadTooLargeError],
  [(status) => status === 401 || status === 403, AuthenticationError],
  [(status) => status === 429, RateLimitError],
  [(status) => status >= 500, ServerError],
];

/** The request never got a response (DNS, refused or reset connection) and the retries ran out. */
export class ConnectionError extends ConnectError {
  static override readonly kind: string = 'ConnectionError';
  static override readonly code: string = 'connection_error';
  static override readonly retryable: boolean = true;
}

/**
 * A request took longer than the client's `timeout` and the retries ran out. Connect may still
 * have applied it: the `X-Outbound-GUID` lets a server tell a repeat apart.
 */
export class TimeoutError extends ConnectError {
  static override readonly kind: string = 'TimeoutError';
  static override readonly code: string = 'timeout';
  static override readonly retryable: boolean = true;
}

/** The `beforeSend` hook threw: the call throws this at once (the hook's error is its `cause`); nothing is queued. */
export class BeforeSendError extends ConnectError {
  static override readonly kind: string = 'BeforeSendError';
  static override readonly code: string = 'before_send_failed';
}

/** The client's queue was full (`maxQueueSize`): the call was dropped and nothing was sent. */
export class QueueFullError extends ConnectError {
  static override readonly kind: string = 'QueueFullError';
  static override readonly code: string = 'queue_full';
  static override readonly retryable: boolean = true;
}

/**
 * The client was closed: later calls are refused, and calls still queued when `close()` ran out of
 * time end with this error.
 */
export class ClientClosedError extends ConnectError {
  static override readonly kind: string = 'ClientClosedError';
  static override readonly code: string = 'client_closed';
  static override readonly retryable: boolean = true;
}
