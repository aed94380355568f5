/**
 * A Cloudflare Worker serving the proxy: it answers 202 at once and lets the runtime finish
 * delivery with `ctx.waitUntil`. Bind the key as a secret: `wrangler secret put CONNECT_API_KEY`.
 */
import { ConnectClient } from '../src/index';
import { createConnectProxy } from '../src/proxy/index';

/** The part of Cloudflare's `ExecutionContext` used here. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

interface Env {
  CONNECT_API_KEY: string;
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
      allowedOrigins: ['https://app.example.com'],
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
    return proxy(request);
  },
};
