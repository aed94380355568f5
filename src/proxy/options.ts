/** The proxy's options, checked and given their defaults in one place. */

import type { ConnectClient } from '../client';
import { ANONYMOUS_ID_PATTERN } from '../leaf/anonymous-id';
import { codePointLength, type Id, isPlainObject, isUsableString } from '../leaf/values';
import { invalid } from '../schemas/parse';
import { type Binder, createBinder } from './binding';
import type { ConnectProxyOptions } from './proxy';

const CALL = 'createConnectProxy';

/** Every default of {@link ConnectProxyOptions}, once. */
export const PROXY_DEFAULTS = {
  bindWindow: 10 * 60_000,
  maxBodyBytes: 512 * 1024,
  maxDepth: 32,
  maxMessages: 500,
  visitorQueueShare: 0.5,
  retryAfter: 30,
} as const;

/** The options as the handler uses them. */
export interface ResolvedProxyOptions<Context> {
  /**
   * The client of a write key (`undefined` when `writeKeys` has none for it); with one `client`,
   * that client whatever the key.
   */
  clientFor(writeKey: string | undefined): ConnectClient | undefined;
  /** True with `writeKeys`: a request must name one of them. */
  keyed: boolean;
  currentUser: ConnectProxyOptions<Context>['currentUser'];
  authorize: ConnectProxyOptions<Context>['authorize'];
  waitUntil: ConnectProxyOptions<Context>['waitUntil'];
  binder: Binder | undefined;
  bindWindow: number;
  isAnonymousForm(id: Id): boolean;
  allowedOrigins: ReadonlySet<string> | undefined;
  maxBodyBytes: number;
  maxDepth: number;
  maxMessages: number;
  visitorQueueShare: number;
  /** `Retry-After`'s value. */
  retryAfter: string;
  pageEventName: string | undefined;
}

/** Checks `options` and fills in the defaults; throws `ValidationError` naming the option. */
export function resolveProxyOptions<Context>(
  options: ConnectProxyOptions<Context>,
): ResolvedProxyOptions<Context> {
  if (typeof options?.currentUser !== 'function') {
    throw invalid(
      CALL,
      'currentUser',
      "must be a function returning the signed-in user's id for a request, or null for a visitor (a site without sign-in passes () => null)",
    );
  }
  if (options.secret === undefined) {
    throw invalid(
      CALL,
      'secret',
      'is missing (undefined: is its environment variable set?): pass a random string of at least 32 characters, or secret: false to run without binding anonymous ids to their browser',
    );
  }
  if (
    options.secret !== false &&
    !(typeof options.secret === 'string' && options.secret.length >= 32)
  ) {
    throw invalid(
      CALL,
      'secret',
      'must be a random string of at least 32 characters, or false to opt out',
    );
  }
  const clientFor = clientsOf(options);
  const visitorQueueShare = options.visitorQueueShare ?? PROXY_DEFAULTS.visitorQueueShare;
  if (!(visitorQueueShare >= 0 && visitorQueueShare <= 1))
    throw invalid(CALL, 'visitorQueueShare', 'must be a number from 0 to 1');
  const retryAfter = options.retryAfter ?? PROXY_DEFAULTS.retryAfter;
  if (!(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600))
    throw invalid(CALL, 'retryAfter', 'must be a whole number of seconds from 1 to 3600');
  const { pageEventName } = options;
  if (
    pageEventName !== undefined &&
    !(isUsableString(pageEventName) && codePointLength(pageEventName) <= 200)
  ) {
    throw invalid(
      CALL,
      'pageEventName',
      'must be an event name (a non-blank string of at most 200 characters), or undefined to skip page and screen calls',
    );
  }
  const pattern = options.anonymousIdPattern
    ? // Without g and y: test() would then move lastIndex and fail every other call.
      new RegExp(
        options.anonymousIdPattern.source,
        options.anonymousIdPattern.flags.replace(/[gy]/g, ''),
      )
    : ANONYMOUS_ID_PATTERN;
  return {
    ...clientFor,
    currentUser: options.currentUser,
    authorize: options.authorize,
    waitUntil: options.waitUntil,
    binder: options.secret === false ? undefined : createBinder(options.secret, options.cookie),
    bindWindow: options.bindWindow ?? PROXY_DEFAULTS.bindWindow,
    isAnonymousForm: (id) => typeof id === 'string' && pattern.test(id),
    allowedOrigins: options.allowedOrigins ? new Set(options.allowedOrigins) : undefined,
    maxBodyBytes: options.maxBodyBytes ?? PROXY_DEFAULTS.maxBodyBytes,
    maxDepth: options.maxDepth ?? PROXY_DEFAULTS.maxDepth,
    maxMessages: options.maxMessages ?? PROXY_DEFAULTS.maxMessages,
    visitorQueueShare,
    retryAfter: String(retryAfter),
    pageEventName,
  };
}

/** `client`, or `writeKeys`: exactly one. */
function clientsOf(
  options: ConnectProxyOptions<never>,
): Pick<ResolvedProxyOptions<never>, 'clientFor' | 'keyed'> {
  const { client, writeKeys } = options as Pick<ConnectProxyOptions, 'client' | 'writeKeys'>;
  if (writeKeys === undefined) {
    if (!isClient(client)) {
      throw invalid(
        CALL,
        'client',
        'must be a ConnectClient (the server-side client that forwards), or give writeKeys: { [writeKey]: ConnectClient }',
      );
    }
    return { clientFor: () => client, keyed: false };
  }
  if (client !== undefined) {
    throw invalid(
      CALL,
      'writeKeys',
      'cannot be given with client: give client (any write key) or writeKeys (one client per write key)',
    );
  }
  if (!isPlainObject(writeKeys) || Object.keys(writeKeys).length === 0) {
    throw invalid(
      CALL,
      'writeKeys',
      'must be an object with at least one write key: { [writeKey]: ConnectClient }',
    );
  }
  const clients = new Map<string, ConnectClient>();
  for (const [key, value] of Object.entries(writeKeys)) {
    if (key.trim() === '') throw invalid(CALL, 'writeKeys', 'must not hold a blank write key');
    if (!isClient(value)) throw invalid(CALL, `writeKeys.${key}`, 'must be a ConnectClient');
    clients.set(key, value);
  }
  return {
    clientFor: (key) => (key === undefined ? undefined : clients.get(key)),
    keyed: true,
  };
}

/** A `ConnectClient`, by its shape (importing the class would put the whole client in the proxy's bundle). */
function isClient(value: unknown): value is ConnectClient {
  const client = value as Partial<ConnectClient> | null | undefined;
  return (
    typeof client?.prepare === 'function' &&
    typeof client.send === 'function' &&
    typeof client.queueLoad === 'object'
  );
}
