/**
 * A Next.js App Router route: save as `app/api/connect/[...path]/route.ts`. The page posts to
 * `/api/connect/batch` with `zendesk-connect/browser`; the key stays on the server, and a page
 * can write only its signed-in user and its own anonymous ids.
 */
import { ConnectClient } from 'zendesk-connect';
import { createConnectProxy } from 'zendesk-connect/proxy';

/** Your session lookup (Auth.js, Clerk, iron-session…): the signed-in user's id, or null for a visitor. */
declare function sessionUserId(request: Request): Promise<string | null>;

const client = new ConnectClient({ apiKey: process.env.CONNECT_API_KEY ?? '' });

export const POST = createConnectProxy({
  client,
  currentUser: (request) => sessionUserId(request),
  // Required: 32+ random characters (`openssl rand -hex 32`) binding anonymous ids to their
  // browser. An unset variable throws here, at start-up, instead of running unbound.
  secret: process.env.CONNECT_PROXY_SECRET,
});
