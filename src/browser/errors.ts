import { ConnectError } from '../errors';

/** The JSON error your endpoint answered (`createConnectProxy`'s `{ error: { … } }`). */
export interface EndpointErrorBody {
  /** Machine-readable kind, such as `forbidden`, `invalid_messages` or `delivery_failed`. */
  code: string;
  /** A sentence naming the message and the field. */
  message: string;
  /** For a 403: why (`not_current_user`, `not_anonymous_id`, `anonymous_id_not_bound`…). */
  reason?: string;
  /** For a 403: the index of the refused message in the batch. */
  index?: number;
  /** For a 403: the field that named the id (`userId`, `anonymousId`, `previousId`, `traits.id`). */
  field?: string;
  /** For a 502: `false` when Connect refused it, so sending it again cannot succeed. */
  retryable?: boolean;
  [key: string]: unknown;
}

/**
 * Your endpoint answered with an error status (after any retries): `status`, and the proxy's
 * JSON `error` (`code`, `message`, and for a refusal `reason`, `index` and `field`).
 *
 * @example
 * ```ts
 * connect.on('error', ({ error }) => {
 *   if (error instanceof EndpointError && error.status === 403)
 *     console.warn(error.error?.reason, error.error?.field); // e.g. 'not_current_user', 'userId'
 * });
 * ```
 */
export class EndpointError extends ConnectError {
  static override readonly kind: string = 'EndpointError';
  /** The HTTP status of the last answer. */
  readonly status: number;
  /** The JSON error the endpoint answered, when it answered one. */
  readonly error: EndpointErrorBody | undefined;
  private readonly couldRetry: boolean;

  constructor(
    message: string,
    details: { status: number; error: EndpointErrorBody | undefined; retryable: boolean },
  ) {
    super(message, { code: details.error?.code ?? 'endpoint_error' });
    this.status = details.status;
    this.error = details.error;
    this.couldRetry = details.retryable;
  }

  /** Whether sending it again could have succeeded (a 408, 429 or 5xx that Connect did not refuse). */
  override get retryable(): boolean {
    return this.couldRetry;
  }
}
