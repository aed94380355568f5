import type { ConnectClient, PreparedCall } from '../client';
import { ConnectError, type ConnectErrorJson, ValidationError } from '../errors';
import { corsHeaders } from '../leaf/cors';
import { type Id, isId, isPlainObject } from '../leaf/values';
import { type OutgoingCall, SEGMENT_CALLS } from '../mappers/calls';
import { invalid } from '../schemas/parse';
import type { BindingCookieOptions } from './binding';
import { BodyError, parseJsonWithin, readLimitedText } from './body';
import {
  createAliasMemory,
  type IdentityContext,
  isNewAnonymousId,
  type ProxyCallType,
  type ProxyRefusalReason,
  type ProxyWrite,
  refusalOf,
  writesOf,
} from './identity';
import { resolveProxyOptions } from './options';
import {
  corrected,
  millisecondsOf,
  PATHS,
  pageAsTrack,
  type Route,
  routeOf,
  writeKeyOf,
} from './segment';

export type { BindingCookieOptions, ProxyCallType, ProxyRefusalReason, ProxyWrite };

/**
 * The types the proxy forwards; `page` and `screen` (which Connect has no use for) are skipped,
 * or forwarded as tracks with `pageEventName`.
 */
const FORWARDED: readonly string[] = SEGMENT_CALLS;
const PAGES = new Set(['page', 'screen']);
const CALL = 'createConnectProxy';
/** How many aliases (anonymous id → user) one proxy remembers, the oldest forgotten first. */
const ALIAS_MEMORY = 10_000;

/** A Segment-style message as the proxy received it. */
export type ProxyMessage = Record<string, unknown> & { type: ProxyCallType };

/** The signed-in user's id, or `null`/`undefined` for a visitor. */
export type CurrentUser = Id | null | undefined;

/** What `authorize` is asked about: one message of a request that passed the identity rules. */
export interface AuthorizeContext<Context = unknown> {
  /** The request. */
  request: Request;
  /** The handler's second argument (Express's `req` through `toNodeListener`), if any. */
  context: Context | undefined;
  /** The message. */
  message: ProxyMessage;
  /** The message's index in the batch (0 for a single call). */
  index: number;
  /** The Connect user ids the message writes, each already allowed by the identity rules. */
  writes: readonly ProxyWrite[];
  /** The signed-in user, as `currentUser` returned it (`undefined` for a visitor). */
  user: Id | undefined;
}

/** Options of {@link createConnectProxy}. */
export interface ConnectProxyOptions<Context = unknown> {
  /**
   * The server-side client that maps and forwards every request, whatever write key it names.
   * Give it or `writeKeys`. Default: none.
   */
  client?: ConnectClient;
  /**
   * One client per write key, as Segment had one source per environment (production,
   * development…): a request goes to the client of the write key it names (HTTP Basic's user
   * name, as analytics.js and Segment's libraries send it, or the body's `writeKey`); one naming
   * no key or another is refused with 401 `unknown_write_key`. A write key is public (it is in the
   * page): it picks an environment, it does not authenticate. Give it or `client`. Default: none.
   */
  writeKeys?: Readonly<Record<string, ConnectClient>>;
  /**
   * Forward `page` and `screen` calls as tracks named this (their `name` and `category` added to
   * the properties). Default: skipped, as Connect has no use for page views.
   */
  pageEventName?: string;
  /**
   * Required. The signed-in user's id for this request (from your session), or `null`/`undefined`
   * for a visitor; may be async. A message may write a user id only when it is this one
   * (compared as strings, as Connect does: `5` and `"5"` are one id). A site without sign-in
   * passes `() => null`. `context` is the handler's second argument, if any (Express's `req`
   * through `toNodeListener`).
   */
  currentUser: (
    request: Request,
    context: Context | undefined,
  ) => CurrentUser | Promise<CurrentUser>;
  /**
   * Required: a random string of at least 32 characters kept on the server (`openssl rand -hex
   * 32`), or `false` to opt out. With it the proxy binds each anonymous id to the browser that
   * first used it (an HttpOnly, signed, SameSite cookie), refuses the id from any other browser,
   * and, once the id was aliased into a user, refuses it unless that user is signed in. A missing
   * value (`undefined`: an unset environment variable) throws at creation, so
   * `secret: process.env.CONNECT_PROXY_SECRET` is safe as written. `false` runs without binding:
   * an anonymous id is then a bearer token, writable by whoever learns it.
   */
  secret: string | false | undefined;
  /**
   * With a `secret`: how long after its creation (read from the id, a UUID v7) an anonymous id
   * may still be bound by the first browser that sends it, in ms. An id that carries no time
   * (analytics.js's UUID v4s) is bound by the first browser that sends it, at any age. Default
   * 10 minutes.
   */
  bindWindow?: number;
  /** With a `secret`: the binding cookie's name, `SameSite` and `Secure`. Default: see {@link BindingCookieOptions}. */
  cookie?: BindingCookieOptions;
  /**
   * The form an anonymous id must have. Default: the browser client's, a lower-case UUID v7
   * (so it can never be one of your user ids, unless those are UUID v7s too). For analytics.js,
   * whose ids are UUID v4s: `ANALYTICS_JS_ANONYMOUS_ID_PATTERN` (this module's), if your user ids
   * are not UUID v4s.
   */
  anonymousIdPattern?: RegExp;
  /**
   * Runs for each message after the identity rules allowed it, and can only refuse more (e.g. a
   * group the user is not a member of). Any refusal refuses the whole request (403). Default: allow.
   */
  authorize?: (context: AuthorizeContext<Context>) => boolean | Promise<boolean>;
  /** Origins allowed to call from a browser (CORS). Default: only the proxy's own origin. */
  allowedOrigins?: readonly string[];
  /** Largest body accepted, in bytes. Default 512 KiB. */
  maxBodyBytes?: number;
  /** Deepest JSON nesting accepted. Default 32. */
  maxDepth?: number;
  /** Most messages in one batch. Default 500. */
  maxMessages?: number;
  /**
   * The share of the client's queue (`maxQueueSize`) that visitors' requests may fill, from 0 to
   * 1. A visitor's request that would queue past it, or anyone's that would queue past the whole
   * queue, is refused at once with 503 `busy` and `Retry-After`, nothing of it queued; so anyone
   * on the internet cannot crowd out signed-in users. Default 0.5.
   */
  visitorQueueShare?: number;
  /** Seconds in the `Retry-After` of a 503 `busy` and of a retryable 502. Default 30. */
  retryAfter?: number;
  /** Answer 202 at once and let the runtime finish delivery (a Worker's `ctx.waitUntil`). Default: answer when Connect did. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** One problem with a message, by index. */
export interface ProxyIssue {
  /** The message's index in the batch. */
  index: number;
  /** Dotted path of the field. */
  path: string;
  /** A sentence naming the call and the field. */
  message: string;
}

/**
 * A fetch handler (`(request, context?) => Promise<Response>`) for the endpoint pages post to:
 * the browser client, and analytics.js or Segment's server libraries pointed at it. It speaks
 * Segment's tracking API: batches at `…/batch` (`…/b`, `…/v1/batch`, `…/v1/import`) and single
 * calls at `…/identify`, `…/track`, `…/alias`, `…/group`, `…/page`, `…/screen` (or their first
 * letters, or `…/v1/…`), JSON whatever the `Content-Type` (analytics.js sends `text/plain`), the
 * write key as HTTP Basic's user name or the body's `writeKey` (with `writeKeys`, it picks the
 * client; an unknown one is 401), and `sentAt`: each `timestamp` is corrected by Segment's rule,
 * `receivedAt - (sentAt - timestamp)`, so a page's wrong clock does not move its events. Page and
 * screen calls are skipped, or forwarded as tracks with `pageEventName`.
 *
 * A page is untrusted, so the proxy guards identities: each message writes one or two Connect
 * user ids (`userId`, else `anonymousId`; an alias also `previousId`), and it is forwarded only
 * when the request may write every one: a user id only when it is `currentUser(request)`; an
 * anonymous id only in the anonymous form (`anonymousIdPattern`; and, with `secret`, only from
 * the browser it is bound to); so an alias only from an anonymous id to the signed-in user. An
 * anonymous id once aliased into a user is that user's: written only while that user is signed
 * in (the binding cookie records it, and each proxy remembers the last 10,000 aliases it
 * forwarded). `authorize` can refuse more. Any refusal refuses the whole request: 403 `{ error:
 * { code: 'forbidden', reason, index, field, message } }`, and nothing of it is forwarded.
 *
 * Before that it refuses a body over `maxBodyBytes` (413); one that is not JSON, too deep or not
 * valid calls (400, with the issues and message indexes); an unknown write key (401); an origin
 * not allowed (403). Then it maps and forwards through its client and answers 200 once Connect
 * accepted every message, 502 naming the failed ones (each with `retryable`), or 202 at once
 * when `waitUntil` is given.
 *
 * @throws {ValidationError} naming the option: `currentUser` missing; `secret` missing or shorter
 * than 32 characters (only `secret: false` runs without it); neither or both of `client` and
 * `writeKeys`; any other option out of its range.
 * @example
 * ```ts
 * // app/api/connect/[...path]/route.ts (Next.js)
 * import { ConnectClient } from 'zendesk-connect';
 * import { createConnectProxy } from 'zendesk-connect/proxy';
 *
 * export const POST = createConnectProxy({
 *   client: new ConnectClient({ apiKey: env.CONNECT_API_KEY }), // a server-side secret
 *   currentUser: async (request) => (await getSession(request))?.userId, // null for a visitor
 *   secret: env.CONNECT_PROXY_SECRET, // binds anonymous ids to their browser
 * });
 * ```
 */
export function createConnectProxy<Context = unknown>(
  options: ConnectProxyOptions<Context>,
): (request: Request, context?: NoInfer<Context>) => Promise<Response> {
  const settings = resolveProxyOptions(options);
  const { isAnonymousForm, binder, retryAfter } = settings;
  const aliases = createAliasMemory(ALIAS_MEMORY);

  return async (request, context) => {
    const receivedAt = Date.now();
    const url = new URL(request.url);
    const origin = request.headers.get('origin');
    const cors: Record<string, string> = {};
    if (origin !== null) {
      const ok = settings.allowedOrigins
        ? settings.allowedOrigins.has(origin)
        : origin === url.origin;
      if (!ok)
        return failure(
          403,
          'origin_not_allowed',
          `the origin ${origin} may not call this endpoint`,
          {},
        );
      // What the page asks for is allowed: analytics.js sends Authorization (its write key)
      // and, when it retries, X-Retry-Count.
      Object.assign(
        cors,
        corsHeaders({
          origin,
          methods: 'POST, OPTIONS',
          requestedHeaders: request.headers.get('access-control-request-headers'),
          credentials: true,
        }),
      );
    }
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    if (request.method !== 'POST') {
      return failure(405, 'method_not_allowed', `${request.method} is not allowed; use POST`, {
        ...cors,
        allow: 'POST, OPTIONS',
      });
    }
    const route = routeOf(url.pathname);
    if (route === undefined) return failure(404, 'not_found', `the paths are ${PATHS}`, cors);

    let body: unknown;
    try {
      // Whatever its Content-Type: analytics.js sends JSON as text/plain (no CORS preflight).
      body = parseJsonWithin(
        await readLimitedText(request, settings.maxBodyBytes),
        settings.maxDepth,
      );
    } catch (error) {
      if (error instanceof BodyError) return failure(error.status, error.code, error.message, cors);
      throw error;
    }

    const read = readMessages(body, route, settings.maxMessages);
    if ('problem' in read) return failure(400, 'invalid_request', read.problem, cors);
    const named = writeKeyOf(request.headers.get('authorization'), body, read.messages);
    if ('problem' in named) return failure(400, 'invalid_request', named.problem, cors);
    const client = settings.clientFor(named.key);
    if (!client) {
      return failure(
        401,
        'unknown_write_key',
        named.key === undefined
          ? 'the request names no write key (HTTP Basic user name, or writeKey)'
          : 'the write key is not one of this endpoint',
        cors,
      );
    }
    const batchSentAt = isPlainObject(body) && route === 'batch' ? body.sentAt : undefined;
    const issues: ProxyIssue[] = [];
    const calls: { message: ProxyMessage; index: number; prepared: PreparedCall }[] = [];
    read.messages.forEach((received, index) => {
      let message = received;
      if (typeof message.type === 'string' && PAGES.has(message.type)) {
        if (settings.pageEventName === undefined) return; // skipped
        message = pageAsTrack(message, settings.pageEventName);
      }
      const type = message.type;
      if (typeof type !== 'string' || !FORWARDED.includes(type)) {
        issues.push({
          index,
          path: 'type',
          message: 'must be identify, track, alias, group, page or screen',
        });
        return;
      }
      const sentAt = message.sentAt ?? batchSentAt;
      if (sentAt != null) {
        const sent = millisecondsOf(sentAt);
        if (sent === undefined) {
          issues.push({
            index,
            path: 'sentAt',
            message: 'must be when the request was sent, an ISO-8601 date-time',
          });
          return;
        }
        message = corrected(message, sent, receivedAt);
      }
      try {
        // Checked, mapped and serialized once; sent below only if every message may go.
        const prepared = client.prepare({ type, message } as OutgoingCall);
        calls.push({ message: message as ProxyMessage, index, prepared });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const issue of error.issues)
          issues.push({ index, path: issue.path, message: issue.message });
      }
    });
    if (issues.length > 0) {
      return failure(
        400,
        'invalid_messages',
        `${issues.length} problem(s) in the messages; nothing was forwarded`,
        cors,
        { issues },
      );
    }

    const signedIn = await settings.currentUser(request, context);
    if (signedIn != null && !isId(signedIn)) {
      throw invalid(
        CALL,
        'currentUser',
        "must return the signed-in user's id (a non-empty string or a finite number), or null/undefined for a visitor",
      );
    }
    const user = signedIn ?? undefined;
    const now = Date.now();
    const written = calls.map(({ message }) => writesOf(message.type, message));
    const binding = binder
      ? await binder.open(request, anonymousIdsOf(calls, written, isAnonymousForm), user)
      : undefined;
    const identity: IdentityContext = {
      user,
      isAnonymousForm,
      aliasedInto: (id) => aliases.get(id),
      ...(binding
        ? {
            binding: {
              holds: (id: string) => binding.holds(id),
              isNew: (id: string) => isNewAnonymousId(id, now, settings.bindWindow),
              claim: (id: string) => binding.claim(id),
            },
          }
        : {}),
    };
    const checked = calls.map(({ message, index }, i) => {
      const writes = written[i] ?? [];
      return {
        message,
        index,
        writes,
        refusal: refusalOf(message.type, message, writes, identity),
      };
    });
    for (const { message, index, writes, refusal } of checked) {
      let why = refusal;
      if (
        !why &&
        settings.authorize &&
        !(await settings.authorize({ request, context, message, index, writes, user }))
      ) {
        why = { reason: 'authorize', field: '', problem: 'authorize refused it' };
      }
      if (why) {
        return failure(
          403,
          'forbidden',
          `message ${index} (${message.type}): ${why.problem}; nothing was forwarded`,
          cors,
          {
            reason: why.reason,
            index,
            field: why.field,
            ...(why.reason === 'anonymous_id_not_bound' || why.reason === 'anonymous_id_aliased'
              ? { now }
              : {}),
          },
        );
      }
    }
    // One queue serves everyone: refuse at once what would fill it past the share of this
    // request's kind, rather than queue half of it and fail the rest (queue_full). From here to
    // the forwarding nothing awaits, so concurrent requests are checked one after the other.
    const { queued, maxQueueSize } = client.queueLoad;
    const room =
      user === undefined ? Math.floor(maxQueueSize * settings.visitorQueueShare) : maxQueueSize;
    if (calls.length > 0 && queued + calls.length > room) {
      return failure(
        503,
        'busy',
        'the server is busy delivering to Connect; nothing was forwarded, try again later',
        { ...cors, 'retry-after': retryAfter },
        { retryable: true },
      );
    }
    // Every message may be sent. An alias makes its anonymous id the signed-in user's for good:
    // remember it here and in the browser's binding, so no one else may write that id again.
    for (const { message, writes } of checked) {
      if (message.type !== 'alias' || user === undefined) continue;
      for (const { id, kind } of writes) {
        if (kind !== 'anonymous') continue;
        aliases.remember(String(id), String(user));
        binding?.alias(id as string);
      }
    }
    // Queued in the same turn as the load check above: no other request can slip in between.
    const deliveries = calls.map(({ prepared }) => client.send(prepared));
    const headers = { ...cors };
    const cookie = await binding?.cookie();
    if (cookie !== undefined) headers['set-cookie'] = cookie;
    const skipped = read.messages.length - calls.length;
    if (settings.waitUntil) {
      settings.waitUntil(Promise.allSettled(deliveries));
      return Response.json({ accepted: calls.length, skipped }, { status: 202, headers });
    }
    const outcomes = await Promise.allSettled(deliveries);
    const failed = outcomes.flatMap((outcome, i) => {
      if (outcome.status !== 'rejected') return [];
      const index = calls[i]?.index ?? i;
      const { name, message, ...short } = describe(outcome.reason);
      // A visitor (anyone) learns what failed, not Connect's words (which may name users or
      // internals): the code, the status and whether to retry.
      return [user === undefined ? { index, ...short } : { index, name, ...short, message }];
    });
    if (failed.length > 0) {
      const retryable = failed.some((f) => f.retryable);
      return failure(
        502,
        'delivery_failed',
        `${failed.length} of ${calls.length} message(s) could not be delivered to Connect`,
        // Its client already retried: a page trying again at once would only stack its retries
        // on those, so it is told to wait.
        retryable ? { ...headers, 'retry-after': retryAfter } : headers,
        { failed, retryable },
      );
    }
    return Response.json({ accepted: calls.length, skipped }, { status: 200, headers });
  };
}

/** The anonymous ids (in the anonymous form) the messages write or carry: what the binding is asked about. */
function anonymousIdsOf(
  calls: readonly { message: ProxyMessage }[],
  written: readonly (readonly ProxyWrite[])[],
  isAnonymousForm: (id: Id) => boolean,
): string[] {
  const ids = new Set<string>();
  calls.forEach(({ message }, i) => {
    for (const { id, kind } of written[i] ?? [])
      if (kind === 'anonymous' && isAnonymousForm(id)) ids.add(id as string);
    const carried = message.anonymousId;
    if (typeof carried === 'string' && isAnonymousForm(carried)) ids.add(carried);
  });
  return [...ids];
}

function readMessages(
  body: unknown,
  route: Route,
  maxMessages: number,
): { messages: Record<string, unknown>[] } | { problem: string } {
  if (route === 'batch') {
    if (!isPlainObject(body) || !Array.isArray(body.batch))
      return { problem: 'the body must be {"batch": [ …messages ]}' };
    if (body.batch.length > maxMessages)
      return { problem: `the batch holds ${body.batch.length} messages; at most ${maxMessages}` };
    const index = body.batch.findIndex((message) => !isPlainObject(message));
    if (index >= 0) return { problem: `batch[${index}] must be an object` };
    return { messages: body.batch as Record<string, unknown>[] };
  }
  if (!isPlainObject(body)) return { problem: 'the body must be a JSON object' };
  if (body.type !== undefined && body.type !== route)
    return { problem: `the body's type is ${String(body.type)}, but the path is …/${route}` };
  return { messages: [{ ...body, type: route }] };
}

/**
 * A failed delivery for the 502 body. `retryable` says whether sending it again later may
 * succeed (Connect was down or slow, after the server client's own retries), or never will
 * (Connect refused it: 400, or the key was refused: 401/403).
 */
function describe(error: unknown): ConnectErrorJson {
  if (error instanceof ConnectError) return error.toJSON();
  // Not the SDK's (a bug): not worth another try until it is fixed.
  return {
    name: 'Error',
    code: 'error',
    message: String((error as Error)?.message ?? error),
    retryable: false,
  };
}

function failure(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
  extra: Record<string, unknown> = {},
): Response {
  return Response.json({ error: { code, message, ...extra } }, { status, headers });
}
