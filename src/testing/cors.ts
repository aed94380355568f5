/** CORS for the emulator when a browser test talks to it directly. */

/** The CORS headers that let `origin` (default any) call with the headers it asked for. */
export function corsHeaders(
  origin: string | null,
  requestedHeaders: string | null,
): Record<string, string> {
  return {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': requestedHeaders ?? '*',
    'access-control-max-age': '600',
    // Without this a page cannot read Retry-After, and its client retries blind.
    'access-control-expose-headers': 'Retry-After',
    vary: 'Origin',
  };
}

/**
 * Wraps a fetch handler so that it answers CORS preflights and lets any origin read its
 * responses. For tests only: Connect itself never answered browsers.
 *
 * @example
 * ```ts
 * const handler = withCors(createConnectEmulator().fetch);
 * ```
 */
export function withCors(
  handler: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const cors = corsHeaders(
      request.headers.get('origin'),
      request.headers.get('access-control-request-headers'),
    );
    if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
      return new Response(null, { status: 204, headers: cors });
    }
    const response = await handler(request);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(cors)) headers.set(name, value);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
