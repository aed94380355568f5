/**
 * A Next.js App Router route: save as `app/api/connect/[...path]/route.ts`. The page posts to
 * `/api/connect/batch` with `zendesk-connect/browser`; the key stays on the server.
 */
import { ConnectClient } from '../src/index';
import { createConnectProxy } from '../src/proxy/index';

/** Your session lookup: the signed-in user's id, or undefined for a visitor. */
declare function sessionUserId(request: Request): Promise<string | undefined>;

const client = new ConnectClient({ apiKey: process.env.CONNECT_API_KEY ?? '' });

export const POST = createConnectProxy({
  client,
  // A visitor may send anonymous calls; a signed-in user only their own.
  authorize: async ({ request, message }) =>
    message.userId == null || message.userId === (await sessionUserId(request)),
  allowedOrigins: ['https://app.example.com'],
});
export const OPTIONS = POST;
