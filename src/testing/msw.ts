import { HttpResponse, http, type RequestHandler } from 'msw';
import type { ConnectEmulator } from './emulator';
import { EmulatedConnectionDrop } from './faults';

/** Options of {@link connectHandlers}. */
export interface ConnectHandlersOptions {
  /** The Connect base URL the handlers intercept. Default `https://api.outbound.io`. */
  baseUrl?: string;
}

/**
 * msw request handlers that answer every request under `baseUrl` with the emulator. A dropped
 * connection becomes msw's network error.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createConnectEmulator } from 'zendesk-connect/testing';
 * import { connectHandlers } from 'zendesk-connect/testing/msw';
 *
 * const emulator = createConnectEmulator();
 * const server = setupServer(...connectHandlers(emulator));
 * server.listen();
 * ```
 */
export function connectHandlers(
  emulator: ConnectEmulator,
  options: ConnectHandlersOptions = {},
): RequestHandler[] {
  const baseUrl = (options.baseUrl ?? 'https://api.outbound.io').replace(/\/+$/, '');
  const answer = async ({ request }: { request: Request }) => {
    try {
      return await emulator.fetch(request);
    } catch (error) {
      if (error instanceof EmulatedConnectionDrop) return HttpResponse.error();
      throw error;
    }
  };
  return [http.all(baseUrl, answer), http.all(`${baseUrl}/*`, answer)];
}
