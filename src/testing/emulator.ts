import { connectApi } from './api';
import type { RecordedCall } from './calls';
import { controlPlane } from './controls';
import type { ConnectEmulatorFaults } from './faults';
import type { Feed } from './feed';
import { debuggerPage } from './page/page';
import { type PlainRequest, type PlainResponse, plainRequestOf, responseOf } from './plain-http';
import type { EmulatorSnapshot } from './snapshot';
import { EmulatorState } from './state';
import type { EmulatedEvent, EmulatedUser } from './store';
import type { EmulatedWrite } from './write-log';

/** Options of {@link createConnectEmulator}. */
export interface ConnectEmulatorOptions {
  /** Keys accepted in `X-Outbound-Key`. Default: any non-empty key. */
  apiKeys?: readonly string[];
  /**
   * Refuse what Connect documents as invalid but may have stored anyway: a timezone that is not
   * an IANA name, a push token that is not a string. Default `true`.
   */
  strict?: boolean;
  /** The clock, in epoch milliseconds, for recorded times and the 24-hour events window. Default `Date.now`. */
  now?: () => number;
  /**
   * Largest request body accepted, in bytes; a larger one is answered 413, as a server with a
   * body limit does. Default: no limit.
   */
  maxBodyBytes?: number;
}

/**
 * A faithful, in-memory Connect behind one fetch handler. Use its `fetch` as a client's `fetch`,
 * mount it with msw (`zendesk-connect/testing/msw`) or serve it on loopback
 * (`zendesk-connect/testing/node`).
 */
export interface ConnectEmulator {
  /**
   * Answers a request as Connect would. Shaped like `globalThis.fetch`, so it can stand in for it
   * (a client's `fetch` option) or serve as a `(Request) => Promise<Response>` handler.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** The same handler without `Request`/`Response` objects, for adapters that can skip them. */
  handle(request: PlainRequest): Promise<PlainResponse>;
  /** Users by id (ids are strings, as Connect stores them). */
  readonly users: ReadonlyMap<string, EmulatedUser>;
  /** Every event received, in order. */
  readonly events: readonly EmulatedEvent[];
  /** Every API request received, in order. */
  readonly calls: readonly RecordedCall[];
  /** Every message applied (a single body or a batch item), in the order applied. */
  readonly writes: readonly EmulatedWrite[];
  /**
   * The writes that touched a user, in the order applied: those under `id` and, when `id` is a
   * stored user, under every id merged into it.
   */
  writesOf(id: string | number): EmulatedWrite[];
  /** Fault injection. */
  readonly faults: ConnectEmulatorFaults;
  /** Users and the last 24 hours of events, as `GET /_emulator/state` answers. */
  snapshot(): EmulatorSnapshot;
  /** Forgets users, events, calls, writes and faults. */
  reset(): void;
}

/**
 * Creates a Connect emulator: every endpoint of the wire contract, Connect's validation and
 * error bodies, upsert and alias-merge semantics, recorded calls, fault injection and a live
 * debugger page at `GET /` (requests and refusals, users, events, fault controls). Besides
 * `emulator.faults`, tests in another process can drive it over HTTP:
 * `POST /_emulator/reset`, `/_emulator/faults/fail` (`{ count, status, retryAfter }`),
 * `/_emulator/faults/drop` (`{ count }`), `/_emulator/faults/delay` (`{ ms, count }`),
 * `/_emulator/faults/clear`; `GET /_emulator/state` answers the users and recent events.
 *
 * @example
 * ```ts
 * import { createConnectEmulator } from 'zendesk-connect/testing';
 *
 * const emulator = createConnectEmulator({ apiKeys: ['test-key'] });
 * const response = await emulator.fetch(
 *   new Request('https://api.outbound.io/v2/track', {
 *     method: 'POST',
 *     headers: { 'X-Outbound-Key': 'test-key', 'Content-Type': 'application/json' },
 *     body: JSON.stringify({ user_id: 'u1', event: 'Signed Up' }),
 *   }),
 * );
 * response.status;           // 200
 * emulator.events[0]?.event; // 'Signed Up'
 * ```
 */
export function createConnectEmulator(options: ConnectEmulatorOptions = {}): ConnectEmulator {
  if (
    options.maxBodyBytes !== undefined &&
    !(Number.isInteger(options.maxBodyBytes) && options.maxBodyBytes > 0)
  ) {
    throw new RangeError(
      `createConnectEmulator: maxBodyBytes must be a whole number above 0, not ${String(options.maxBodyBytes)}`,
    );
  }
  const state = new EmulatorState(options.now ?? Date.now);
  const api = connectApi(state, {
    apiKeys: options.apiKeys,
    strict: options.strict ?? true,
    maxBodyBytes: options.maxBodyBytes,
  });

  async function handle(request: PlainRequest): Promise<PlainResponse> {
    const path = request.path.replace(/\/+$/, '') || '/';
    if (request.method === 'GET' && path === '/') return debuggerPage();
    if (path.startsWith('/_emulator/')) return controlPlane(state, request, path);
    return api(request, path);
  }

  const emulator: ConnectEmulator = {
    fetch: async (input, init) => {
      const request =
        input instanceof Request && init === undefined ? input : new Request(input, init);
      return responseOf(await handle(plainRequestOf(request)));
    },
    handle,
    get users() {
      return state.store.users;
    },
    get events() {
      return state.store.events;
    },
    get calls() {
      return state.calls.calls;
    },
    get writes() {
      return state.log.writes;
    },
    writesOf: (id) => state.writesOf(id),
    faults: state.faults,
    snapshot: () => state.snapshot(),
    reset: () => state.reset(),
  };
  feeds.set(emulator, state.feed);
  return emulator;
}

const feeds = new WeakMap<ConnectEmulator, Feed>();

/** The live feed of an emulator made here (internal: the CLI logs each request from it). */
export function feedOf(emulator: ConnectEmulator): Feed | undefined {
  return feeds.get(emulator);
}
