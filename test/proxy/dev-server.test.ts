/**
 * docs/browser.md's dev-server advice, checked with a real Vite dev server in front of the proxy:
 * Vite's `server.proxy` forwards the page's `Origin`, and with `changeOrigin: true` a `Host` that
 * is no longer the page's.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { describe, expect, it } from 'vitest';
import { ConnectClient } from '../../src/index';
import { toNodeListener } from '../../src/node/proxy';
import { createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

async function through(changeOrigin: boolean, allowedOrigins?: (page: string) => string[]) {
  const emulator = createConnectEmulator();
  const client = new ConnectClient({ apiKey: 'dev-key', fetch: emulator.fetch });
  let pageOrigin = '';
  const proxy = (allowed?: string[]) =>
    createConnectProxy({
      client,
      currentUser: () => 'u1',
      secret: false,
      ...(allowed ? { allowedOrigins: allowed } : {}),
    });
  const api = createHttpServer((req, res) =>
    toNodeListener(proxy(allowedOrigins?.(pageOrigin)))(req, res),
  );
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const vite = await createServer({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('.', import.meta.url)),
    optimizeDeps: { noDiscovery: true },
    server: {
      host: '127.0.0.1',
      port: 0,
      proxy: {
        '/api/connect': {
          target: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
          changeOrigin,
        },
      },
    },
  });
  await vite.listen();
  try {
    pageOrigin = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
    const response = await fetch(`${pageOrigin}/api/connect/track`, {
      method: 'POST',
      headers: { origin: pageOrigin, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u1', event: 'From Vite' }),
    });
    return { status: response.status, body: await response.json(), events: emulator.events.length };
  } finally {
    await vite.close();
    api.close();
  }
}

describe('behind a Vite dev server', () => {
  it('works with changeOrigin false (the default): the proxy sees its own origin', async () => {
    expect(await through(false)).toMatchObject({ status: 200, events: 1 });
  });

  it('with changeOrigin true, refuses the page origin (403) unless allowedOrigins lists it', async () => {
    expect(await through(true)).toMatchObject({
      status: 403,
      body: { error: { code: 'origin_not_allowed' } },
      events: 0,
    });
    expect(await through(true, (page) => [page])).toMatchObject({ status: 200, events: 1 });
  });
});
