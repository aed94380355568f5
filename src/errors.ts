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

/** One problem found in a call's input: the dotted path of the field and a sentence naming it. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `traits.phone` or `properties.items.0.price`. */
  path: string;
  /** A sentence that names the call and the field, e.g. "track: `event` must be …". */
  message: string;
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
  /** Machine-readable kind of failure, such as `validation_error` or `rate_limited`. */
  readonly code: string;
  declare readonly [KINDS]: readonly string[];

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'connect_error';
    const kinds: string[] = [];
    for (let ctor = new.target as unknown; hasKind(ctor); ctor = Object.getPrototypeOf(ctor)) {
      if (Object.hasOwn(ctor, 'kind')) kinds.push(ctor.kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
    this.name = kinds[0] ?? 'ConnectError';
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
  /** Every problem found, each naming its field. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options: { cause?: unknown } = {}) {
    super(issues.map((issue) => issue.message).join('; ') || 'invalid input', {
      ...options,
      code: 'validation_error',
    });
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
  cause?: unknown;
}

/**
 * Connect answered with an error status. Subclasses name the usual kinds; `status`, `body` and
 * Connect's own `error.Code` / `error.Message` are kept.
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

  constructor(message: string, details: ConnectApiErrorDetails, code = 'api_error') {
    super(message, { code, cause: details.cause });
    this.status = details.status;
    this.body = details.body;
    this.connectCode = details.connectCode;
    this.connectMessage = details.connectMessage;
    this.requestId = details.requestId;
  }
}

/**
 * Connect refused the payload (HTTP 400): a field missing or invalid. Never retried.
 *
 * @example
 * ```ts
 * if (error instanceof BadRequestError) console.error(error.connectMessage);
 * ```
 */
export class BadRequestError extends ConnectApiError {
  static override readonly kind: string = 'BadRequestError';
  constructor(message: string, details: ConnectApiErrorDetails) {
    super(message, details, 'bad_request');
  }
}

/**
 * Connect refused the request as too large (HTTP 413). A batch is split in halves and sent
 * again; a message refused alone fails with this. Never retried as it was.
 *
 * @example
 * ```ts
 * if (error instanceof PayloadTooLargeError) console.error('too large for Connect:', error.status);
 * ```
 */
export class PayloadTooLargeError extends ConnectApiError {
  static override readonly kind: string = 'PayloadTooLargeError';
  constructor(message: string, details: ConnectApiErrorDetails) {
    super(message, details, 'payload_too_large');
  }
}

/**
 * The API key was refused (HTTP 401 or 403). Never retried.
 *
 * @example
 * ```ts
 * if (error instanceof AuthenticationError) alertOps('Connect key rejected');
 * ```
 */
export class AuthenticationError extends ConnectApiError {
  static override readonly kind: string = 'AuthenticationError';
  constructor(message: string, details: ConnectApiErrorDetails) {
    super(message, details, 'authentication_error');
  }
}

/**
 * Connect asked the client to slow down (HTTP 429) and the retries ran out.
 *
 * @example
 * ```ts
 * if (error instanceof RateLimitError) console.warn('retry after', error.retryAfterMs);
 * ```
 */
export class RateLimitError extends ConnectApiError {
  static override readonly kind: string = 'RateLimitError';
  /** The wait Connect asked for, from `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, details: ConnectApiErrorDetails & { retryAfterMs?: number }) {
    super(message, details, 'rate_limited');
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Connect failed (HTTP 5xx) and the retries ran out.
 *
 * @example
 * ```ts
 * if (error instanceof ServerError) console.error('Connect is down:', error.status);
 * ```
 */
export class ServerError extends ConnectApiError {
  static override readonly kind: string = 'ServerError';
  constructor(message: string, details: ConnectApiErrorDetails) {
    super(message, details, 'server_error');
  }
}

/**
 * The request never got a response (DNS, refused or reset connection) and the retries ran out.
 *
 * @example
 * ```ts
 * if (error instanceof ConnectionError) console.error('network:', error.cause);
 * ```
 */
export class ConnectionError extends ConnectError {
  static override readonly kind: string = 'ConnectionError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: 'connection_error' });
  }
}

/**
 * A request took longer than the client's `timeout` and the retries ran out. Connect may still
 * have applied it: the `X-Outbound-GUID` lets a server tell a repeat apart.
 *
 * @example
 * ```ts
 * if (error instanceof TimeoutError) console.warn('maybe delivered:', error.message);
 * ```
 */
export class TimeoutError extends ConnectError {
  static override readonly kind: string = 'TimeoutError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: 'timeout' });
  }
}

/**
 * The `beforeSend` hook threw: the call throws this at once (the hook's error is its `cause`),
 * and nothing is queued.
 *
 * @example
 * ```ts
 * try {
 *   connect.track({ userId: 'u1', event: 'Signed Up' });
 * } catch (error) {
 *   if (error instanceof BeforeSendError) console.error('beforeSend broke:', error.cause);
 * }
 * ```
 */
export class BeforeSendError extends ConnectError {
  static override readonly kind: string = 'BeforeSendError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: 'before_send_failed' });
  }
}

/**
 * The client's queue was full (`maxQueueSize`): the call was dropped and nothing was sent.
 *
 * @example
 * ```ts
 * connect.track(call).catch((error) => {
 *   if (error instanceof QueueFullError) metrics.increment('connect.dropped');
 * });
 * ```
 */
export class QueueFullError extends ConnectError {
  static override readonly kind: string = 'QueueFullError';
  constructor(message: string) {
    super(message, { code: 'queue_full' });
  }
}

/**
 * The client was closed: later calls are refused, and calls still queued when `close()` ran out of
 * time end with this error.
 *
 * @example
 * ```ts
 * await connect.close();
 * await connect.track(call).catch((error) => error instanceof ClientClosedError); // true
 * ```
 */
export class ClientClosedError extends ConnectError {
  static override readonly kind: string = 'ClientClosedError';
  constructor(message: string) {
    super(message, { code: 'client_closed' });
  }
}
