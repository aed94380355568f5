import type { ConnectClient } from '../client';
import type { CallType } from '../delivery/events';
import { ConnectApiError, type ConnectError, ValidationError } from '../errors';
import { isPlainObject } from '../mappers/values';
import { BodyError, parseJsonWithin, readLimitedText } from './body';

/** The types the proxy forwards; `page` and `screen` (which Connect has no use for) are skipped. */
const FORWARDED: readonly ProxyCallType[] = ['identify', 'track', 'alias', 'group'];
const SKIPPED = new Set(['page', 'screen']);

/** The call types the proxy forwards to Connect. */
export type ProxyCallType = 'identify' | 'track' | 'alias' | 'group';

/** A Segment-style message as the proxy received it. */
export type ProxyMessage = Record<string, unknown> & { type: ProxyCallType };

/** What `authorize` is asked about: one message of a request. */
export interface AuthorizeContext {
  request: Request;
  message: ProxyMessage;
  /** The message's index in the batch (0 for a single call). */
  index: number;
}

/** Options of {@link createConnectProxy}. */
export interface ConnectProxyOptions {
  /** The server-side client that maps and forwards. */
  client: ConnectClient;
  /**
   * Decides whether this request may send this message, e.g. that `message.userId` is the
   * signed-in user. Any refusal refuses the whole request (403). Default: allow.
   */
  authorize?: (context: AuthorizeContext) => boolean | Promise<boolean>;
  /** Origins allowed to call from a browser (CORS). Default: only the proxy's own origin. */
  allowedOrigins?: readonly string[];
  /** Largest body accepted, in bytes. Default 512 KiB. */
  maxBodyBytes?: number;
  /** Deepest JSON nesting accepted. Default 32. */
  maxDepth?: number;
  /** Most messages in one batch. Default 500. */
  maxMessages?: number;
  /** Answer 202 at once and let the runtime finish delivery (a Worker's `ctx.waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** One problem with a message, by index. */
export interface ProxyIssue {
  index: number;
  path: string;
  message: string;
}

/**
 * A fetch handler (`(request: Request) => Promise<Response>`) for the endpoint the browser
 * client posts to. It accepts Segment's HTTP batch shape at `…/batch` and single calls at
 * `…/identify`, `…/track`, `…/alias` and `…/group`, so analytics.js-style senders and webhooks
 * work too. It refuses, forwarding nothing, a body over `maxBodyBytes` (413); one that is not
 * JSON, too deep or not valid calls (400, with the issues and message indexes); an origin not
 * allowed, or any message `authorize` refuses (403). Then it maps and forwards through its
 * client and answers 200 once Connect accepted every message (502 if delivery failed), or 202 at
 * once when `waitUntil` is given.
 *
 * @example
 * ```ts
 * // app/api/connect/[...path]/route.ts (Next.js)
 * import { ConnectClient } from 'zendesk-connect';
 * import { createConnectProxy } from 'zendesk-connect/proxy';
 *
 * export const POST = createConnectProxy({
 *   client: new ConnectClient({ apiKey: env.CONNECT_API_KEY }), // a server-side secret
 *   authorize: async ({ request, message }) => !message.userId || (await sessionUserId(request)) === message.userId,
 *   allowedOrigins: ['https://app.example.com'],
 * });
 * ```
 */
export function createConnectProxy(
  options: ConnectProxyOptions,
): (request: Request) => Promise<Response> {
  const maxBodyBytes = options.maxBodyBytes ?? 512 * 1024;
  const maxDepth = options.maxDepth ?? 32;
  const maxMessages = options.maxMessages ?? 500;
  const allowed = options.allowedOrigins ? new Set(options.allowedOrigins) : undefined;

  return async (request) => {
    const url = new URL(request.url);
    const origin = request.headers.get('origin');
    const cors: Record<string, string> = {};
    if (origin !== null) {
      const ok = allowed ? allowed.has(origin) : origin === url.origin;
      if (!ok)
        return failure(
          403,
          'origin_not_allowed',
          `the origin ${origin} may not call this endpoint`,
          {},
        );
      Object.assign(cors, { 'access-control-allow-origin': origin, vary: 'Origin' });
    }
    if (request.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers':
            request.headers.get('access-control-request-headers') ?? 'content-type',
          'access-control-max-age': '600',
        },
      });
    }
    if (request.method !== 'POST') {
      return failure(405, 'method_not_allowed', `${request.method} is not allowed; use POST`, {
        ...cors,
        allow: 'POST, OPTIONS',
      });
    }
    const route = url.pathname.replace(/\/+$/, '').split('/').pop() ?? '';
    if (route !== 'batch' && !(FORWARDED as readonly string[]).includes(route)) {
      return failure(
        404,
        'not_found',
        'the paths are …/batch, …/identify, …/track, …/alias and …/group',
        cors,
      );
    }

    let body: unknown;
    try {
      body = parseJsonWithin(await readLimitedText(request, maxBodyBytes), maxDepth);
    } catch (error) {
      if (error instanceof BodyError) return failure(error.status, error.code, error.message, cors);
      throw error;
    }

    const read = readMessages(body, route, maxMessages);
    if ('problem' in read) return failure(400, 'invalid_request', read.problem, cors);
    const issues: ProxyIssue[] = [];
    const calls: { message: ProxyMessage; index: number }[] = [];
    read.messages.forEach((message, index) => {
      const type = message.type;
      if (typeof type === 'string' && SKIPPED.has(type)) return;
      if (!(FORWARDED as readonly unknown[]).includes(type)) {
        issues.push({
          index,
          path: 'type',
          message: 'must be identify, track, alias or group (page and screen are skipped)',
        });
        return;
      }
      try {
        options.client.validate({ type: type as ProxyCallType, message });
        calls.push({ message: message as ProxyMessage, index });
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

    for (const { message, index } of calls) {
      if (options.authorize && !(await options.authorize({ request, message, index }))) {
        return failure(
          403,
          'forbidden',
          `message ${index} (${message.type}) is not allowed for this caller; nothing was forwarded`,
          cors,
          { index },
        );
      }
    }

    const deliveries = calls.map(({ message }) => {
      try {
        return forward(options.client, message.type, message);
      } catch (error) {
        return Promise.reject(error); // e.g. a beforeSend that broke the message
      }
    });
    const skipped = read.messages.length - calls.length;
    if (options.waitUntil) {
      options.waitUntil(Promise.allSettled(deliveries));
      return Response.json({ accepted: calls.length, skipped }, { status: 202, headers: cors });
    }
    const outcomes = await Promise.allSettled(deliveries);
    const failed = outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected'
        ? [{ index: calls[i]?.index ?? i, ...describe(outcome.reason) }]
        : [],
    );
    if (failed.length > 0) {
      return failure(
        502,
        'delivery_failed',
        `${failed.length} of ${calls.length} message(s) could not be delivered to Connect`,
        cors,
        { failed },
      );
    }
    return Response.json({ accepted: calls.length, skipped }, { status: 200, headers: cors });
  };
}

function readMessages(
  body: unknown,
  route: string,
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

function forward(client: ConnectClient, type: CallType, message: ProxyMessage) {
  switch (type) {
    case 'identify':
      return client.identify(message);
    case 'track':
      return client.track(message as never);
    case 'alias':
      return client.alias(message as never);
    default:
      return client.group(message as never);
  }
}

function describe(error: unknown): { code: string; message: string; status?: number } {
  if (error instanceof ConnectApiError)
    return { code: error.code, message: error.message, status: error.status };
  const known = error as ConnectError;
  return {
    code: typeof known?.code === 'string' ? known.code : 'error',
    message: String(known?.message ?? error),
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
