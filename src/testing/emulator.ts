import * as z from 'zod/mini';
import {
  ConnectEventSchema,
  ConnectUserSchema,
  DisableAllTokensBodySchema,
  LenientConnectUserSchema,
  PushTokenBodySchema,
  SubscribeAllBodySchema,
  SubscribeCampaignsBodySchema,
} from '../schemas/wire';
import { connectErrorResponse, describeWireIssues, wireIssueMessage } from './connect-errors';
import { control } from './controls';
import { type EmulatorSnapshot, renderEventsPage, snapshotOf } from './events-page';
import { ConnectEmulatorFaults, type FailOptions, type Fault } from './faults';
import {
  jsonResponse,
  type PlainRequest,
  type PlainResponse,
  plainRequestOf,
  responseOf,
} from './plain-http';
import { type EmulatedEvent, type EmulatedUser, EmulatorStore, type PushPlatform } from './store';
import { type EmulatedWrite, WriteLog } from './write-log';

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

/** One request the emulator received, as recorded. */
export interface RecordedCall {
  method: string;
  path: string;
  /** Request headers, lower-case names; `x-outbound-key` is masked. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** The status answered; `0` when the connection was dropped. */
  status: number;
  /** Epoch milliseconds when it arrived. */
  time: number;
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
 * The error a dropped connection rejects with: a `TypeError`, like `fetch`'s network errors. The
 * loopback server destroys the socket when it sees one.
 *
 * @example
 * ```ts
 * emulator.faults.dropNext(1);
 * await emulator.fetch(request).catch((error) => error instanceof EmulatedConnectionDrop); // true
 * ```
 */
export class EmulatedConnectionDrop extends TypeError {
  constructor() {
    super('fetch failed: the Connect emulator dropped the connection');
    this.name = 'EmulatedConnectionDrop';
    Object.defineProperty(this, DROP_BRAND, { value: true });
  }

  /** True for a drop from any copy of the package (each CJS door bundles its own). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && DROP_BRAND in value;
  }
}

const DROP_BRAND = Symbol.for('zendesk-connect.emulated-connection-drop');

const MAX_BATCH = 100;
const PLATFORMS: readonly PushPlatform[] = ['apns', 'fcm', 'gcm'];
const DisableBodySchema = z.union([DisableAllTokensBodySchema, PushTokenBodySchema]);

type Handler = (body: unknown, path: string, requestId: string | undefined) => PlainResponse;

const OK: PlainResponse = { status: 200, headers: {}, body: '' };
const encoder = new TextEncoder();

/**
 * Creates a Connect emulator: every endpoint of the wire contract, Connect's validation and
 * error bodies, upsert and alias-merge semantics, recorded calls, fault injection and an events
 * page at `GET /`. Besides `emulator.faults`, tests in another process can drive it over HTTP:
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
  const now = options.now ?? Date.now;
  const strict = options.strict ?? true;
  const apiKeys = options.apiKeys ? new Set(options.apiKeys) : undefined;
  const store = new EmulatorStore();
  const faults = new ConnectEmulatorFaults();
  const calls: RecordedCall[] = [];
  const log = new WriteLog();
  /** The user a body reached once applied, following aliases. */
  const reached = (body: unknown) => store.resolve((body as { user_id: string | number }).user_id);
  const userSchema = strict ? ConnectUserSchema : LenientConnectUserSchema;

  const validate = <S extends z.ZodMiniType>(schema: S, body: unknown, index?: number) => {
    // Without params zod stays on its fast path; the safe wording is only needed for errors.
    const fast = safeParseOrUndefined(schema, body);
    if (fast?.success) return { ok: true as const, data: fast.data as z.output<S> };
    const result = schema.safeParse(body, { error: wireIssueMessage });
    return result.success
      ? { ok: true as const, data: result.data as z.output<S> }
      : { ok: false as const, message: describeWireIssues(result.error.issues, index) };
  };

  const single =
    <S extends z.ZodMiniType>(
      schema: S,
      apply: (data: z.output<S>, path: string) => void,
    ): Handler =>
    (body, path, requestId) => {
      const result = validate(schema, body);
      if (!result.ok) return connectErrorResponse(400, result.message);
      if (faults.refuses(body, { path, index: undefined })) {
        return connectErrorResponse(400, 'the message was refused');
      }
      apply(result.data, path);
      log.record(path, result.data, requestId, now(), reached(result.data));
      return OK;
    };

  const batch =
    <S extends z.ZodMiniType>(schema: S, apply: (data: z.output<S>) => void): Handler =>
    (body, path, requestId) => {
      if (!Array.isArray(body)) return connectErrorResponse(400, 'body must be a JSON array');
      if (body.length > MAX_BATCH) {
        return connectErrorResponse(
          400,
          `body holds ${body.length} items; a batch holds at most ${MAX_BATCH}`,
        );
      }
      const problems: string[] = [];
      const items: z.output<S>[] = [];
      body.forEach((item, index) => {
        const result = validate(schema, item, index);
        if (!result.ok) problems.push(result.message);
        else if (faults.refuses(item, { path, index })) problems.push(`[${index}] was refused`);
        else items.push(result.data);
      });
      if (problems.length > 0) return connectErrorResponse(400, problems.join('; '));
      for (const item of items) {
        apply(item);
        log.record(path, item, requestId, now(), reached(item));
      }
      return OK;
    };

  const routes = new Map<string, Handler>([
    ['/v2/identify', single(userSchema, (user) => store.identify(user, now()))],
    ['/v2/identify/batch', batch(userSchema, (user) => store.identify(user, now()))],
    ['/v2/track', single(ConnectEventSchema, (event) => store.track(event, now()))],
    ['/v2/track/batch', batch(ConnectEventSchema, (event) => store.track(event, now()))],
    [
      '/v2/unsubscribe/all',
      single(SubscribeAllBodySchema, (b) => store.setSubscription(b.user_id, false, 'all', now())),
    ],
    [
      '/v2/subscribe/all',
      single(SubscribeAllBodySchema, (b) => store.setSubscription(b.user_id, true, 'all', now())),
    ],
    [
      '/v2/unsubscribe/campaigns',
      single(SubscribeCampaignsBodySchema, (b) =>
        store.setSubscription(b.user_id, false, b.campaign_ids, now()),
      ),
    ],
    [
      '/v2/subscribe/campaigns',
      single(SubscribeCampaignsBodySchema, (b) =>
        store.setSubscription(b.user_id, true, b.campaign_ids, now()),
      ),
    ],
  ]);
  for (const platform of PLATFORMS) {
    routes.set(
      `/v2/${platform}/register`,
      single(PushTokenBodySchema, (b) => store.registerToken(platform, b.user_id, b.token, now())),
    );
    routes.set(
      `/v2/${platform}/disable`,
      single(DisableBodySchema, (b) =>
        store.disableToken(platform, b.user_id, 'all' in b ? 'all' : b.token, now()),
      ),
    );
  }

  const authorized = (request: PlainRequest) => {
    const key = request.header('x-outbound-key');
    if (!key) return false;
    return apiKeys ? apiKeys.has(key) : true;
  };

  async function handleApi(
    request: PlainRequest,
    path: string,
    call: RecordedCall,
  ): Promise<PlainResponse> {
    const route = routes.get(path);
    if (!route) return connectErrorResponse(404, `no such endpoint: ${path}`);
    if (request.method !== 'POST')
      return connectErrorResponse(405, `${request.method} is not allowed; use POST`, {
        Allow: 'POST',
      });
    const { delayMs, fault } = faults.next({
      method: request.method,
      path,
      sequence: calls.length,
    });
    const text = await request.text();
    call.body = parseJson(text) ?? text;
    const response = respond(fault, () => {
      if (options.maxBodyBytes !== undefined) {
        const bytes = encoder.encode(text).byteLength;
        if (bytes > options.maxBodyBytes)
          return connectErrorResponse(
            413,
            `the request body is ${bytes} bytes; this server takes at most ${options.maxBodyBytes}`,
          );
      }
      if (!authorized(request))
        return connectErrorResponse(401, 'X-Outbound-Key is missing or not a valid key');
      const body = parseJson(text);
      if (body === undefined)
        return connectErrorResponse(500, 'the request body is not valid JSON');
      return route(body, path, request.header('x-outbound-guid') ?? undefined);
    });
    // The work is done before the wait, as on a slow server: a client that times out cannot
    // tell whether it was applied.
    if (delayMs > 0) await sleep(delayMs, request.signal);
    if (response === 'drop') throw new EmulatedConnectionDrop();
    return response;
  }

  async function handle(request: PlainRequest): Promise<PlainResponse> {
    const path = request.path.replace(/\/+$/, '') || '/';
    if (request.method === 'GET' && path === '/') {
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: renderEventsPage(snapshotOf(store.users.values(), store.events, now())),
      };
    }
    if (request.method === 'GET' && path === '/_emulator/state') {
      return jsonResponse(200, snapshotOf(store.users.values(), store.events, now()));
    }
    if (request.method === 'POST' && path.startsWith('/_emulator/')) {
      return control({ faults, reset }, path, await request.text());
    }
    const call: RecordedCall = {
      method: request.method,
      path,
      headers: recordedHeaders(request.headers()),
      body: undefined,
      status: 0,
      time: now(),
    };
    calls.push(call);
    const response = await handleApi(request, path, call);
    call.status = response.status;
    return response;
  }

  function reset(): void {
    store.clear();
    calls.length = 0;
    log.clear();
    faults.clear();
  }

  function writesOf(id: string | number): EmulatedWrite[] {
    const ids = new Set([String(id), ...(store.users.get(String(id))?.previous_ids ?? [])]);
    return log.touching(ids);
  }

  return {
    fetch: async (input, init) => {
      const request =
        input instanceof Request && init === undefined ? input : new Request(input, init);
      return responseOf(await handle(plainRequestOf(request)));
    },
    handle,
    get users() {
      return store.users;
    },
    get events() {
      return store.events;
    },
    get calls() {
      return calls;
    },
    get writes() {
      return log.writes;
    },
    writesOf,
    faults,
    snapshot: () => snapshotOf(store.users.values(), store.events, now()),
    reset,
  };
}

function respond(fault: Fault | undefined, handle: () => PlainResponse): PlainResponse | 'drop' {
  if (fault?.kind === 'drop') return 'drop';
  if (fault?.kind === 'fail') {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    if (fault.body !== undefined) return { status: fault.status, headers, body: fault.body };
    return connectErrorResponse(fault.status, `injected failure (${fault.status})`, headers);
  }
  return handle();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function recordedHeaders(headers: Record<string, string>): Record<string, string> {
  const key = headers['x-outbound-key'];
  return key === undefined ? headers : { ...headers, 'x-outbound-key': maskKey(key) };
}

/**
 * Masks a key for the record: enough to tell keys apart, never the key.
 *
 * @example
 * ```ts
 * maskKey('a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'); // '****c5d6'
 * maskKey('short');                            // '****'
 * ```
 */
export function maskKey(key: string): string {
  return key.length >= 16 ? `****${key.slice(-4)}` : '****';
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

function safeParseOrUndefined<S extends z.ZodMiniType>(schema: S, value: unknown) {
  try {
    return schema.safeParse(value);
  } catch {
    return undefined; // zod's default wording threw on this value
  }
}
