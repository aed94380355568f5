import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import worker from '../../examples/cloudflare-worker';
import { createApp } from '../../examples/express-server';
import { ConnectClient } from '../../src/index';
import { createConnectEmulator } from '../../src/testing/index';

describe('the proxy examples', () => {
  it('Express: forwards a browser batch through toNodeListener', async () => {
    const emulator = createConnectEmulator();
    const client = new ConnectClient({ apiKey: 'example-key', fetch: emulator.fetch });
    const server = createApp(client).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/api/connect/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ batch: [{ type: 'track', userId: 'u1', event: 'From Express' }] }),
      });
      expect([response.status, await response.json()]).toStrictEqual([
        200,
        { accepted: 1, skipped: 0 },
      ]);
      expect(emulator.events.map((e) => e.event)).toStrictEqual(['From Express']);
      const refused = await fetch(`http://127.0.0.1:${port}/api/connect/batch`, {
        method: 'POST',
        body: '{',
      });
      expect(refused.status).toBe(400);
    } finally {
      server.close();
    }
  });

  it('Worker: answers 202 and hands delivery to ctx.waitUntil', async () => {
    const waited: Promise<unknown>[] = [];
    const request = new Request('https://worker.example/api/connect/track', {
      method: 'POST',
      headers: { origin: 'https://app.example.com' },
      body: JSON.stringify({ userId: 'u1', event: 'From Worker' }),
    });
    const fetchCalls: string[] = [];
    const originalFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      fetchCalls.push(input instanceof Request ? input.url : String(input));
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    try {
      const response = await worker.fetch(
        request,
        { CONNECT_API_KEY: 'worker-key' },
        { waitUntil: (promise) => waited.push(promise) },
      );
      expect(response.status).toBe(202);
      await Promise.all(waited);
      expect(fetchCalls).toStrictEqual(['https://api.outbound.io/v2/track']);
    } finally {
      globalThis.fetch = originalFetch;
    }
  });
});
