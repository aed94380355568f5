import { corsHeaders } from '../leaf/cors';

/** CORS for the emulator when a browser test talks to it directly. */

/** The emulator's CORS: any origin (Connect itself never answered browsers; tests do). */
export function emulatorCors(origin: string | null, requestedHeaders: string | null) {
  return corsHeaders({
    origin: origin ?? '*',
    methods: 'GET, POST, OPTIONS',
    requestedHeaders: requestedHeaders ?? '*',
  });
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
    const cors = emulatorCors(
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
