import { describe, expect, it } from 'vitest';
import { ConnectClient } from '../../src/index';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import { startConnectEmulatorServer } from '../../src/node/testing';
import { createConnectProxy } from '../../src/proxy/index';

describe('fault soak through the proxy', () => {
  it('a stream of browser batches with faults behind it: every message delivered or reported, poison alone', async () => {
    const server = await startConnectEmulatorServer({ cors: false });
    let sequence = 0;
    server.emulator.faults.use(() => {
      sequence++;
      if (sequence % 7 === 0) return { kind: 'fail', status: 503 };
      if (sequence % 11 === 0) return { kind: 'drop' };
      if (sequence % 13 === 0) return { kind: 'fail', status: 429, retryAfter: 0 };
      return undefined;
    });
    server.emulator.faults.refuse(
      (message) => (message as { properties?: { poison?: boolean } }).properties?.poison === true,
    );
    const client = new ConnectClient({
      apiKey: 'proxy-soak-key',
      baseUrl: server.url,
      timeout: 2_000,
      retry: { maxRetries: 8, initialDelay: 2, maxDelay: 20 },
    });
    const proxy = createConnectProxy({ client, currentUser: () => null, secret: false }); // visitors
    const visitors = Array.from({ length: 100 }, () => newAnonymousId(Date.now()));

    const BATCHES = 100;
    const PER_BATCH = 20;
    const poison = new Set([137, 1_556]);
    const responses = await Promise.all(
      Array.from({ length: BATCHES }, async (_, b) => {
        const batch = Array.from({ length: PER_BATCH }, (_, i) => {
          const seq = b * PER_BATCH + i;
          return i % 5 === 0
            ? { type: 'identify', anonymousId: visitors[b], traits: { seq } }
            : {
                type: 'track',
                anonymousId: visitors[b],
                event: 'Page Action',
                properties: { seq, ...(poison.has(seq) ? { poison: true } : {}) },
              };
        });
        const response = await proxy(
          new Request('https://app.example.com/api/connect/batch', {
            method: 'POST',
            body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
          }),
        );
        return {
          b,
          status: response.status,
          body: (await response.json()) as {
            error?: { failed?: { index: number; code: string }[] };
          },
        };
      }),
    );

    const failed = responses.flatMap(({ b, body }) =>
      (body.error?.failed ?? []).map((f) => ({ seq: b * PER_BATCH + f.index, code: f.code })),
    );
    expect(failed).toStrictEqual([...poison].map((seq) => ({ seq, code: 'bad_request' })));
    expect(responses.filter((r) => r.status === 502).map((r) => r.b)).toStrictEqual([
      ...new Set([...poison].map((seq) => Math.floor(seq / PER_BATCH))),
    ]);
    expect(responses.every((r) => r.status === 200 || r.status === 502)).toBe(true);

    const seen = new Set(
      server.emulator.events.map((event) => (event.properties as { seq: number }).seq),
    );
    for (let seq = 0; seq < BATCHES * PER_BATCH; seq++) {
      if (seq % 5 === 0 || poison.has(seq)) continue;
      expect(seen.has(seq), `track ${seq} reached Connect`).toBe(true);
    }
    expect(server.emulator.calls.some((call) => call.status === 503)).toBe(true);
    expect(await client.close()).toStrictEqual({
      delivered: BATCHES * PER_BATCH - poison.size,
      failed: poison.size,
      dropped: 0,
    });
    await server.close();
  }, 60_000);
});
