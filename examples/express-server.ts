/**
 * An Express server with the proxy at /api/connect. Run it against the emulator:
 * `CONNECT_BASE_URL=http://127.0.0.1:4010 CONNECT_API_KEY=dev npx tsx examples/express-server.ts`.
 */
import express from 'express';
import { ConnectClient } from '../src/index';
import { toNodeListener } from '../src/node/proxy';
import { createConnectProxy } from '../src/proxy/index';

/** The app, for a server or a test: the proxy takes the raw body, so mount it before body parsers. */
export function createApp(client: ConnectClient): express.Express {
  const app = express();
  app.use('/api/connect', toNodeListener(createConnectProxy({ client })));
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
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp(client).listen(port, () =>
    console.log(`listening on http://127.0.0.1:${port}`),
  );
  process.once('SIGTERM', () => {
    server.close();
    void client.close();
  });
}
