/** A loopback app: a page using the browser client, and the proxy (with the emulator behind it) at /api/connect. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ConnectClient } from '../../src/index';
import { toNodeListener } from '../../src/node/proxy';
import { createConnectProxy } from '../../src/proxy/index';
import { type ConnectEmulator, createConnectEmulator } from '../../src/testing/index';

export interface PageApp {
  url: string;
  emulator: ConnectEmulator;
  close(): Promise<void>;
}

/** `bindWindow`: how long a new anonymous id may be bound (short here, so a test can outwait it). */
export async function startPageApp(options: { bindWindow?: number } = {}): Promise<PageApp> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const emulator = createConnectEmulator();
  const client = new ConnectClient({
    apiKey: 'server-only-key-0123456789abcdef',
    fetch: emulator.fetch,
    flushInterval: 5,
  });
  // The app's sign-in: a `session` cookie naming the user (a stand-in for a real session).
  const proxy = toNodeListener(
    createConnectProxy({
      client,
      currentUser: (request) =>
        /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1],
      secret: 'page-app-secret-0123456789abcdef-0123456789',
      bindWindow: options.bindWindow ?? 1_000,
    }),
  );
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/connect/')) return proxy(req, res);
    const login = /^\/login\?user=([\w-]+)$/.exec(req.url ?? '');
    if (login)
      return res
        .writeHead(204, { 'set-cookie': `session=${login[1]}; Path=/; HttpOnly; SameSite=Lax` })
        .end();
    if (req.url === '/logout')
      return res.writeHead(204, { 'set-cookie': 'session=; Path=/; Max-Age=0' }).end();
    if (req.url === '/app.js')
      return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (req.url === '/' || req.url?.startsWith('/?') || req.url === '/other') {
      return res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><html><head><title>app</title><script type="module" src="/app.js"></script></head><body>app</body></html>',
        );
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    emulator,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
