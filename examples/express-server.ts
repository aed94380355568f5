/**
 * An Express 5 server with the proxy at /api/connect. Run it against the emulator:
 * `CONNECT_BASE_URL=http://127.0.0.1:4010 CONNECT_API_KEY=dev CONNECT_PROXY_SECRET=$(openssl rand -hex 32) npx tsx examples/express-server.ts`.
 */
import express from 'express';
import { ConnectClient } from 'zendesk-connect';
import { createConnectProxy } from 'zendesk-connect/proxy';
import { toNodeListener } from 'zendesk-connect/proxy/node';

/** What your session middleware (passport, express-session…) leaves on the request. */
export type SignedInRequest = express.Request & { user?: { id: string } };

/** Options of {@link createApp}. */
export interface AppOptions {
  /** 32+ random characters binding anonymous ids to their browser; `undefined` throws at start-up. */
  secret: string | undefined;
  /** Your session middleware: sets `req.user` for a signed-in user. */
  authenticate: express.RequestHandler;
}

/**
 * The app, for a server or a test. The proxy reads the raw body, so it is mounted before body
 * parsers. Express 5 wants `app.use(path, …)` or a named wildcard (`'/api/connect/*splat'`):
 * a bare `'/api/connect/*'` throws at start-up.
 */
export function createApp(client: ConnectClient, options: AppOptions): express.Express {
  const app = express();
  // Behind nginx or a load balancer that ends TLS: believe its X-Forwarded-Proto/-Host, so the
  // page's https origin is this server's own (the proxy reads Express's req.protocol/req.host).
  app.set('trust proxy', 'loopback');
  app.use(options.authenticate);
  app.use(
    '/api/connect',
    toNodeListener(
      createConnectProxy<SignedInRequest>({
        client,
        currentUser: (_request, req) => req?.user?.id,
        secret: options.secret,
      }),
    ),
  );
  app.get('/health', (_request, response) => {
    response.json({ ok: true });
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = new ConnectClient({
    apiKey: process.env.CONNECT_API_KEY ?? '',
    ...(process.env.CONNECT_BASE_URL ? { baseUrl: process.env.CONNECT_BASE_URL } : {}),
  });
  const app = createApp(client, {
    secret: process.env.CONNECT_PROXY_SECRET, // unset: throws at start-up
    // Replace with your session middleware. Until then everyone is a visitor, who can write only
    // anonymous ids.
    authenticate: (_request, _response, next) => next(),
  });
  const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    console.log(`listening on http://127.0.0.1:${port}`);
  });
  process.once('SIGTERM', () => {
    server.close();
    void client.close();
  });
}
