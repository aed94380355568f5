/**
 * toNodeListener behind TLS termination (nginx, a load balancer): the browser's origin is
 * https://app.example.com while the Node server sees plain http and maybe another Host. Express's
 * `req.protocol`/`req.host` apply its `trust proxy` setting; plain node:http has `trustProxy`.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectClient } from '../../src/index';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import { toNodeListener } from '../../src/node/proxy';
import { createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const SECRET = 'listener-secret-0123456789abcdef-0123456789';
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function proxy() {
  const emulator = createConnectEmulator();
  const client = new ConnectClient({ apiKey: 'key', fetch: emulator.fetch, maxRetries: 0 });
  return createConnectProxy({ client, currentUser: () => null, secret: SECRET });
}

async function listen(server: ReturnType<typeof createServer>): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw request (node's fetch would not let us set Host). */
function post(port: number, headers: Record<string, string>) {
  const body = JSON.stringify({ anonymousId: newAnonymousId(Date.now()), event: 'Visited' });
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/api/connect/track',
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

/** What nginx sends after ending TLS for https://app.example.com, with `proxy_pass` to us. */
const forwarded = (port: number) => ({
  host: `127.0.0.1:${port}`,
  origin: 'https://app.example.com',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'app.example.com',
});

describe('toNodeListener behind a TLS-terminating proxy', () => {
  it("Express with 'trust proxy': the page's https origin passes, and the cookie is Secure", async () => {
    const app = express().set('trust proxy', 'loopback');
    app.use('/api/connect', toNodeListener(proxy()));
    const port = await listen(createServer(app));
    const response = await post(port, forwarded(port));
    expect([response.status, response.body]).toStrictEqual([200, '{"accepted":1,"skipped":0}']);
    expect(String(response.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it("Express without 'trust proxy': the forwarded headers are not believed (403, as before)", async () => {
    const app = express();
    app.use('/api/connect', toNodeListener(proxy()));
    const port = await listen(createServer(app));
    const response = await post(port, forwarded(port));
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).error.code).toBe('origin_not_allowed');
    // Its own origin still passes.
    expect((await post(port, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('node:http with trustProxy: true believes X-Forwarded-Proto/-Host; without it, it does not', async () => {
    const trusting = await listen(createServer(toNodeListener(proxy(), { trustProxy: true })));
    const ok = await post(trusting, forwarded(trusting));
    expect(ok.status).toBe(200);
    expect(String(ok.headers['set-cookie'])).toMatch(/; Secure$/);
    // A forwarded list (two proxies): the first value is the client's.
    expect(
      (
        await post(trusting, {
          ...forwarded(trusting),
          'x-forwarded-proto': 'https, http',
          'x-forwarded-host': 'app.example.com, internal:8080',
        })
      ).status,
    ).toBe(200);

    const plain = await listen(createServer(toNodeListener(proxy())));
    const refused = await post(plain, forwarded(plain));
    expect(refused.status).toBe(403);
    expect((await post(plain, { origin: `http://127.0.0.1:${plain}` })).status).toBe(200);
  });
});

describe('toNodeListener and gzip bodies', () => {
  it('a gzip body reaches the proxy inflated, streamed or already parsed by express.json()', async () => {
    const body = JSON.stringify({
      batch: [{ type: 'track', anonymousId: newAnonymousId(Date.now()), event: 'Zipped' }],
    });
    const zipped = Buffer.from(
      await new Response(
        new Blob([body]).stream().pipeThrough(new CompressionStream('gzip')),
      ).arrayBuffer(),
    );
    const parsed = express();
    parsed.use(express.json());
    parsed.use('/api/connect', toNodeListener(proxy()));
    for (const port of [
      await listen(createServer(toNodeListener(proxy()))),
      await listen(createServer(parsed)),
    ]) {
      const response = await fetch(`http://127.0.0.1:${port}/api/connect/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: zipped,
      });
      expect([response.status, await response.text()]).toStrictEqual([
        200,
        '{"accepted":1,"skipped":0}',
      ]);
    }
  });
});
