/** CORS response headers, written once for every door that answers pages (the proxy, the emulator). */

/** Who is asking, and what the door allows. */
export interface CorsRequest {
  /** The allowed origin to answer (the request's `Origin`), or `*` for any. */
  origin: string;
  /** The methods the door takes, e.g. `POST, OPTIONS`. */
  methods: string;
  /** What the preflight asked for (`Access-Control-Request-Headers`); allowed as asked. */
  requestedHeaders: string | null;
  /** Let the page send and receive cookies (the proxy's binding cookie). Default `false`. */
  credentials?: boolean;
}

/**
 * The headers that let `origin` call and read the answer, preflights included.
 *
 * @example
 * ```ts
 * corsHeaders({ origin: 'https://app.example.com', methods: 'POST, OPTIONS', requestedHeaders: 'content-type' });
 * ```
 */
export function corsHeaders(request: CorsRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': request.origin,
    'access-control-allow-methods': request.methods,
    'access-control-allow-headers': request.requestedHeaders ?? 'content-type',
    'access-control-max-age': '600',
    // Without it a page cannot read Retry-After, and its client retries blind.
    'access-control-expose-headers': 'Retry-After',
    vary: 'Origin',
  };
  if (request.credentials) headers['access-control-allow-credentials'] = 'true';
  return headers;
}
