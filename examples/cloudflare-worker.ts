/**
 * A Cloudflare Worker serving the proxy for a site without sign-in (a marketing site): pages write
 * only their own anonymous ids. It answers 202 at once and lets the runtime finish delivery with
 * `ctx.waitUntil`. Bind the secrets: `wrangler secret put CONNECT_API_KEY`, and
 * `wrangler secret put CONNECT_PROXY_SECRET` (32+ random characters).
 */
import { ConnectClient } from 'zendesk-connect';
import { createConnectProxy } from 'zendesk-connect/proxy';

/** The part of Cloudflare's `ExecutionContext` used here. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

interface Env {
  CONNECT_API_KEY: string;
  CONNECT_PROXY_SECRET: string;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/api/connect/'))
      return new Response('Not found', { status: 404 });
    const client = new ConnectClient({
      apiKey: env.CONNECT_API_KEY,
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
    const proxy = createConnectProxy({
      client,
      currentUser: () => null, // no sign-in on this site: everyone is a visitor
      secret: env.CONNECT_PROXY_SECRET,
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
    return proxy(request);
  },
};
