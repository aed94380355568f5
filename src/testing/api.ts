import { keyChecker, maskedHeaders } from './auth';
import type { RecordedCall } from './calls';
import { connectErrorResponse } from './connect-errors';
import { answerUnder, EmulatedConnectionDrop } from './faults';
import type { PlainRequest, PlainResponse } from './plain-http';
import { connectRoutes } from './routes';
import type { EmulatorState } from './state';

/** Connect's API as the emulator answers it: each request recorded, then faults, limits, auth, the route. */

/** What the API needs beyond the state. */
export interface ApiOptions {
  apiKeys?: readonly string[] | undefined;
  strict: boolean;
  maxBodyBytes?: number | undefined;
}

const encoder = new TextEncoder();

/** The handler for every path outside the page and `/_emulator/`. */
export function connectApi(
  state: EmulatorState,
  options: ApiOptions,
): (request: PlainRequest, path: string) => Promise<PlainResponse> {
  const { calls, faults, now } = state;
  const routes = connectRoutes({
    store: state.store,
    log: state.log,
    faults,
    now,
    strict: options.strict,
  });
  const accepts = keyChecker(options.apiKeys);

  async function answer(request: PlainRequest, path: string, call: RecordedCall, n: number) {
    const route = routes.get(path);
    if (!route) return connectErrorResponse(404, `no such endpoint: ${path}`);
    if (request.method !== 'POST')
      return connectErrorResponse(405, `${request.method} is not allowed; use POST`, {
        Allow: 'POST',
      });
    const { delayMs, fault } = faults.next({
      method: request.method,
      path,
      sequence: calls.calls.length,
    });
    const text = await request.text();
    call.body = parseJson(text) ?? text;
    const response = answerUnder(fault, () => {
      if (options.maxBodyBytes !== undefined) {
        const bytes = encoder.encode(text).byteLength;
        if (bytes > options.maxBodyBytes)
          return connectErrorResponse(
            413,
            `the request body is ${bytes} bytes; this server takes at most ${options.maxBodyBytes}`,
          );
      }
      if (!accepts(request.header('x-outbound-key')))
        return connectErrorResponse(401, 'X-Outbound-Key is missing or not a valid key');
      const body = parseJson(text);
      if (body === undefined)
        return connectErrorResponse(500, 'the request body is not valid JSON');
      return route(body, path, request.header('x-outbound-guid') ?? undefined);
    });
    // The work is done before the wait, as on a slow server: a client that times out cannot
    // tell whether it was applied.
    if (delayMs > 0) {
      if (calls.calls[n] === call) state.published(n); // shown as waiting until answered
      await sleep(delayMs, request.signal);
    }
    return response;
  }

  return async (request, path) => {
    const call: RecordedCall = {
      method: request.method,
      path,
      headers: maskedHeaders(request.headers()),
      body: undefined,
      status: 0,
      time: now(),
    };
    const n = calls.open(call);
    let response: PlainResponse | 'drop' = 'drop';
    try {
      response = await answer(request, path, call, n);
    } finally {
      // Anything thrown (a body that could not be read) ends the request like a drop.
      if (calls.close(n, call, response)) state.published(n);
    }
    if (response === 'drop') throw new EmulatedConnectionDrop();
    return response;
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
