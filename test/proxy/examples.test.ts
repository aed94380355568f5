import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import worker from '../../examples/cloudflare-worker';
import { createApp, type SignedInRequest } from '../../examples/express-server';
import { ConnectClient } from '../../src/index';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import { toNodeListener } from '../../src/node/proxy';
import { createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const SECRET = 'example-secret-0123456789abcdef-0123456789';

describe('the proxy examples', () => {
  it('Express: the signed-in user and anonymous ids pass, anyone else is refused', async () => {
    const emulator = createConnectEmulator();
    const client = new ConnectClient({ apiKey: 'example-key', fetch: emulator.fetch });
    const app = createApp(client, {
      secret: SECRET,
      // A stand-in for session middleware.
      authenticate: (req, _res, next) => {
        const user = req.headers['x-test-user'];
        if (typeof user === 'string') (req as SignedInRequest).user = { id: user };
        next();
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        fetch(`http://127.0.0.1:${port}/api/connect/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
      const own = await post(
        { batch: [{ type: 'track', userId: 'u1', event: 'From Express' }] },
        { 'x-test-user': 'u1' },
      );
      expect([own.status, await own.json()]).toStrictEqual([200, { accepted: 1, skipped: 0 }]);
      const other = await post(
        { batch: [{ type: 'track', userId: 'u2', event: 'Not Yours' }] },
        { 'x-test-user': 'u1' },
      );
      expect(other.status).toBe(403);
      const anonymousId = newAnonymousId(Date.now());
      const visitor = await post({ batch: [{ type: 'track', anonymousId, event: 'Visited' }] });
      expect(visitor.status).toBe(200);
      expect(visitor.headers.get('set-cookie')).toMatch(
        /^zendesk_connect_anonymous=.+; Path=\/api\/connect; Max-Age=\d+; HttpOnly; SameSite=Strict$/,
      );
      expect(emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([
        ['u1', 'From Express'],
        [anonymousId, 'Visited'],
      ]);
      expect((await post('{')).status).toBe(400);
      // Behind nginx ending TLS for https://app.example.com (the example trusts loopback).
      const behindTls = await post(
        { batch: [{ type: 'track', anonymousId: newAnonymousId(Date.now()), event: 'Via TLS' }] },
        {
          origin: 'https://app.example.com',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'app.example.com',
        },
      );
      expect(behindTls.status).toBe(200);
      expect(behindTls.headers.get('set-cookie')).toMatch(/; Secure$/);
    } finally {
      server.close();
    }
  });

  it('Express and Next.js: an unset CONNECT_PROXY_SECRET throws at start-up instead of running unbound', async () => {
    const client = new ConnectClient({
      apiKey: 'example-key',
      fetch: createConnectEmulator().fetch,
    });
    expect(() =>
      createApp(client, { secret: undefined, authenticate: (_req, _res, next) => next() }),
    ).toThrow(/`secret` is missing/);
    const saved = { ...process.env };
    process.env.CONNECT_API_KEY = 'example-key';
    delete process.env.CONNECT_PROXY_SECRET;
    try {
      await expect(import('../../examples/nextjs-route')).rejects.toThrow(/`secret` is missing/);
    } finally {
      process.env = saved;
    }
  });

  it('Express: the example starts as a program (Express 5 routes included)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/express-server.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        CONNECT_API_KEY: 'dev',
        CONNECT_PROXY_SECRET: SECRET,
        CONNECT_BASE_URL: 'http://127.0.0.1:9',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk;
          const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (found?.[1]) resolve(found[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => {
          output += chunk;
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 20_000);

  it("Express 5: a bare '/api/connect/*' throws at start-up; '/api/connect/*splat' serves", async () => {
    const emulator = createConnectEmulator();
    const client = new ConnectClient({ apiKey: 'example-key', fetch: emulator.fetch });
    const listener = toNodeListener(
      createConnectProxy({ client, currentUser: () => 'u1', secret: false }),
    );
    expect(() => express().all('/api/connect/*', listener)).toThrow();
    const app = express().all('/api/connect/*splat', listener);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/api/connect/track`, {
        method: 'POST',
        body: JSON.stringify({ userId: 'u1', event: 'Splat' }),
      });
      expect(response.status).toBe(200);
      expect(emulator.events.map((e) => e.event)).toStrictEqual(['Splat']);
    } finally {
      server.close();
    }
  });

  it('Worker: a visitor site; answers 202 and hands delivery to ctx.waitUntil; refuses user ids', async () => {
    const waited: Promise<unknown>[] = [];
    const env = { CONNECT_API_KEY: 'worker-key', CONNECT_PROXY_SECRET: SECRET };
    const ctx = { waitUntil: (promise: Promise<unknown>) => waited.push(promise) };
    const request = (body: unknown) =>
      new Request('https://worker.example/api/connect/track', {
        method: 'POST',
        headers: { origin: 'https://worker.example' },
        body: JSON.stringify(body),
      });
    const fetchCalls: string[] = [];
    const originalFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      fetchCalls.push(input instanceof Request ? input.url : String(input));
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    try {
      const anonymousId = newAnonymousId(Date.now());
      const response = await worker.fetch(request({ anonymousId, event: 'From Worker' }), env, ctx);
      expect(response.status).toBe(202);
      expect(response.headers.get('set-cookie')).toContain('; HttpOnly; SameSite=Strict; Secure');
      await Promise.all(waited);
      expect(fetchCalls).toStrictEqual(['https://api.outbound.io/v2/track']);
      const refused = await worker.fetch(request({ userId: 'u1', event: 'x' }), env, ctx);
      expect(refused.status).toBe(403);
      expect(fetchCalls).toHaveLength(1);
    } finally {
      globalThis.fetch = originalFetch;
    }
  });
});
