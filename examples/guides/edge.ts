/** docs/edge.md's snippets, type-checked: a Cloudflare Worker and a Vercel Edge route. */

/** The part of Cloudflare's `ExecutionContext` used here (from @cloudflare/workers-types). */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

// #region worker
// Cloudflare Worker
import { ConnectClient } from 'zendesk-connect';

export default {
  async fetch(_request: Request, env: { CONNECT_API_KEY: string }, ctx: ExecutionContext) {
    const connect = new ConnectClient({
      apiKey: env.CONNECT_API_KEY,
      waitUntil: (p) => ctx.waitUntil(p),
    });
    connect.track({ userId: 'u1', event: 'Worker Hit' }); // no await needed
    return new Response('ok');
  },
};

// #endregion

// #region vercel
// Vercel Edge (Next.js route with runtime = 'edge')
import { waitUntil } from '@vercel/functions';

const connect = new ConnectClient({ apiKey: process.env.CONNECT_API_KEY!, waitUntil });

// #endregion

export { connect };
