/**
 * A loopback app for analytics.js: its page, the bundled @segment/analytics-next, a sign-in,
 * and the proxy at /api/connect (one emulator per write key), every request it got logged.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ConnectClient } from '../../src/index';
import { toNodeListener } from '../../src/node/proxy';
import { ANALYTICS_JS_ANONYMOUS_ID_PATTERN, createConnectProxy } from '../../src/proxy/index';
import { type ConnectEmulator, createConnectEmulator } from '../../src/testing/index';
import { capturing, type Received } from '../support/tracking-api';

export interface AnalyticsJsApp {
  url: string;
  /** One emulator per write key. */
  emulators: Record<string, ConnectEmulator>;
  /** What the proxy received. */
  log: Received[];
  /** Every path the server was asked for. */
  served: string[];
  close(): Promise<void>;
}

let bundled: Promise<string> | undefined;

/** analytics-next bundled for the page once per test file (esbuild, as an app would). */
function bundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [fileURLToPath(new URL('./analytics-js-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    target: 'es2022',
    logLevel: 'error',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundled;
}

export async function startAnalyticsJsApp(
  keys: readonly string[] = ['wk-production'],
): Promise<AnalyticsJsApp> {
  const script = await bundle();
  const emulators = Object.fromEntries(keys.map((key) => [key, createConnectEmulator()]));
  const log: Received[] = [];
  const served: string[] = [];
  const proxy = toNodeListener(
    capturing(
      createConnectProxy({
        writeKeys: Object.fromEntries(
          keys.map((key) => [
            key,
            new ConnectClient({
              apiKey: `${key}-connect-key`,
              fetch: emulators[key]?.fetch,
              flushInterval: 5,
            }),
          ]),
        ),
        // The app's sign-in: a `session` cookie naming the user (a stand-in for a real session).
        currentUser: (request) =>
          /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1],
        secret: 'analytics-js-secret-0123456789abcdef-0123',
        anonymousIdPattern: ANALYTICS_JS_ANONYMOUS_ID_PATTERN,
      }),
      log,
    ),
  );
  const server = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url?.startsWith('/api/connect/')) return proxy(req, res);
    const login = /^\/login\?user=([\w-]+)$/.exec(req.url ?? '');
    if (login)
      return res
        .writeHead(204, { 'set-cookie': `session=${login[1]}; Path=/; HttpOnly; SameSite=Lax` })
        .end();
    if (req.url === '/ajs.js')
      return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (req.url === '/' || req.url?.startsWith('/?')) {
      return res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><html><head><title>app</title><script type="module" src="/ajs.js"></script></head><body>app</body></html>',
        );
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    emulators: emulators as Record<string, ConnectEmulator>,
    log,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
