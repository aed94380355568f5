import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectEmulatorServer } from '../../src/node/testing';
import {
  connectRedisStatus,
  createConnectWorker,
  createDurableConnect,
} from '../../src/redis/index';
import { type RedisServer, startRedis } from './redis-server';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('the Redis door, end to end', () => {
  it('delivers what a producer queued, once, in order per user', async () => {
    const server = await startConnectEmulatorServer();
    const client = redis.client();
    const producer = createDurableConnect({ redis: client, partitions: 4, prefix: 'smoke' });
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      calls.push(producer.track({ userId: `u${i % 10}`, event: 'Step', properties: { n: i } }));
    }
    await Promise.all(calls);
    const worker = createConnectWorker({
      redis: client,
      partitions: 4,
      prefix: 'smoke',
      apiKey: 'k',
      baseUrl: server.url,
      leaseTtl: 10_000,
      timeout: 2_000,
    });
    await expect.poll(() => server.emulator.events.length, { timeout: 10_000 }).toBe(200);
    for (let u = 0; u < 10; u++) {
      const ns = server.emulator
        .writesOf(`u${u}`)
        .map((w) => (w.body as { properties: { n: number } }).properties.n);
      expect(ns).toStrictEqual([...ns].sort((a, b) => a - b));
    }
    const report = await worker.close();
    expect(report.delivered).toBe(200);
    const status = await connectRedisStatus({ redis: client, partitions: 4, prefix: 'smoke' });
    expect(status.totals).toStrictEqual({ depth: 0, inFlight: 0, lag: 0, deadLetters: 0 });
    await server.close();
  });
});
