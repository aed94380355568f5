/**
 * `zendesk-connect/proxy/node`: the proxy's fetch handler as a `node:http` / Express listener.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * A fetch handler, such as `createConnectProxy(…)`'s. It gets the Node request as its second
 * argument, so `currentUser(request, req)` can read what your middleware put there (`req.user`).
 */
export type FetchHandler<Req extends IncomingMessage = IncomingMessage> = (
  request: Request,
  // `| undefined` lets a handler whose second parameter is optional infer `Req`.
  req: Req | undefined,
) => Promise<Response>;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * For plain `node:http` behind a proxy that ends TLS (nginx, a load balancer): build the
   * request's URL from `X-Forwarded-Proto` and `X-Forwarded-Host` (their first value), so the
   * page's `https://` origin is the proxy's own. Only when every request comes through that
   * proxy: a client reaching Node directly could send them too. Express needs no option: its
   * `req.protocol` and `req.host` are used, which follow `app.set('trust proxy', …)`. Default
   * `false`: the socket's protocol and the `Host` header.
   */
  trustProxy?: boolean;
}

/**
 * Adapts a fetch handler to `node:http` and Express: `(req, res, next?) => void`. A body that
 * Express already parsed (`express.json()`) is passed on as JSON; otherwise the raw stream is.
 * The handler gets the Node request (Express's `req`) as its second argument.
 *
 * In Express 5 mount it with `app.use('/api/connect', …)` or the named wildcard
 * `'/api/connect/*splat'`: a bare `'/api/connect/*'` throws at start-up.
 *
 * The request's URL (which the proxy compares with the page's `Origin`, and which decides the
 * cookie's `Secure`) comes from Express's `req.protocol` and `req.host` when they exist (so
 * `app.set('trust proxy', …)` applies behind TLS termination), else from `X-Forwarded-Proto` /
 * `X-Forwarded-Host` with `trustProxy: true`, else from the socket and the `Host` header.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createConnectProxy } from 'zendesk-connect/proxy';
 * import { toNodeListener } from 'zendesk-connect/proxy/node';
 *
 * type SignedInRequest = express.Request & { user?: { id: string } };
 *
 * const app = express();
 * app.use(authenticate); // your session middleware, setting req.user
 * app.use(
 *   '/api/connect', // or app.all('/api/connect/*splat', …)
 *   toNodeListener(
 *     createConnectProxy<SignedInRequest>({
 *       client,
 *       currentUser: (_request, req) => req?.user?.id, // undefined for a visitor
 *       secret: process.env.CONNECT_PROXY_SECRET, // unset: throws at start-up
 *     }),
 *   ),
 * );
 * ```
 */
export function toNodeListener<Req extends IncomingMessage = IncomingMessage>(
  handler: FetchHandler<Req>,
  options: NodeListenerOptions = {},
): (req: Req & { body?: unknown }, res: ServerResponse, next?: (error?: unknown) => void) => void {
  return (req, res, next) => {
    respond(handler, req, res, options).catch((error: unknown) => {
      if (next) next(error);
      else if (!res.headersSent)
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"error":{"code":"internal_error","message":"the Connect proxy failed"}}');
      else res.destroy();
    });
  };
}

async function respond<Req extends IncomingMessage>(
  handler: FetchHandler<Req>,
  req: Req & { body?: unknown },
  res: ServerResponse,
  options: NodeListenerOptions,
): Promise<void> {
  const { protocol, host } = originOf(req, options);
  // Express strips the mount path from req.url; originalUrl keeps it.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const url = new URL(path, `${protocol}://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = req.method ?? 'GET';
  let body: BodyInit | null = null;
  if (method !== 'GET' && method !== 'HEAD') {
    if (req.body !== undefined) {
      body =
        typeof req.body === 'string' || req.body instanceof Uint8Array
          ? (req.body as BodyInit)
          : JSON.stringify(req.body);
      // What Express parsed it is inflated already.
      headers.delete('content-length');
      headers.delete('content-encoding');
    } else {
      body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
    }
  }
  const request = new Request(url, { method, headers, body, duplex: 'half' } as RequestInit & {
    duplex: 'half';
  });
  const response = await handler(request, req);
  const outgoing: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    outgoing[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outgoing['set-cookie'] = cookies; // never joined into one header
  const payload = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...outgoing, 'content-length': String(payload.length) });
  res.end(payload);
}

/** The protocol and host the client used: see {@link toNodeListener}. */
function originOf(
  req: IncomingMessage,
  options: NodeListenerOptions,
): { protocol: 'http' | 'https'; host: string } {
  const socket = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const hostHeader = req.headers.host || 'localhost';
  if (options.trustProxy) {
    const proto = firstOf(req.headers['x-forwarded-proto'])?.toLowerCase();
    const host = firstOf(req.headers['x-forwarded-host']);
    return {
      protocol: proto === 'https' || proto === 'http' ? proto : socket,
      host: host && isHost(host) ? host : hostHeader,
    };
  }
  // Express (4 and 5) defines these on its request; they follow its `trust proxy` setting.
  const express = req as { protocol?: unknown; host?: unknown };
  if (express.protocol === 'https' || express.protocol === 'http') {
    let host = typeof express.host === 'string' && isHost(express.host) ? express.host : hostHeader;
    // Express 4's req.host is the hostname alone: keep the Host header's port then.
    if (!host.includes(':') && hostHeader.startsWith(`${host}:`)) host = hostHeader;
    return { protocol: express.protocol, host };
  }
  return { protocol: socket, host: hostHeader };
}

function firstOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** A host[:port] that cannot change the URL's path (no slash, backslash, `@`, `?`, `#` or space). */
function isHost(value: string): boolean {
  return /^[^\s/\\@?#]+$/.test(value);
}
