/**
 * Redis killed (SIGKILL) and started again on its AOF while a producer is appending: every call
 * the producer saw resolve is delivered afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectEmulatorServer } from '../../src/node/testing';
import { createConnectWorker, createDurableConnect } from '../../src/redis/index';
import { type RedisServer, startRedis } from './redis-server';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis({ appendfsync: 'everysec' });
});
afterAll(() => redis.stop());

describe('Redis restarted (AOF on)', () => {
  it('keeps every append a producer saw acknowledged', async () => {
    const server = await startConnectEmulatorServer();
    const client = redis.client();
    const producer = createDurableConnect({ redis: client, prefix: 'restart', partitions: 4 });
    const acknowledged = new Set<number>();
    let refused = 0;
    const call = (step: number) =>
      producer
        .track({ userId: `user-${step % 20}`, event: 'Step', properties: { step } })
        .then(() => acknowledged.add(step))
        .catch(() => refused++);
    const calls: Promise<unknown>[] = [];
    for (let step = 0; step < 400; step++) calls.push(call(step));
    await expect
      .poll(() => acknowledged.size, { timeout: 10_000, interval: 1 })
      .toBeGreaterThan(200);
    await redis.kill();
    for (let step = 400; step < 500; step++) calls.push(call(step));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.restart();
    for (let step = 500; step < 600; step++) calls.push(call(step));
    await Promise.all(calls);
    expect(acknowledged.size).toBeGreaterThan(300);

    const worker = createConnectWorker({
      redis: client,
      apiKey: 'test-key',
      baseUrl: server.url,
      prefix: 'restart',
      partitions: 4,
      leaseTtl: 10_000,
      timeout: 2_000,
    });
    try {
      const delivered = () =>
        new Set(server.emulator.events.map((event) => (event.properties as { step: number }).step));
      await expect
        .poll(() => [...acknowledged].filter((step) => !delivered().has(step)).length, {
          timeout: 40_000,
        })
        .toBe(0);
    } finally {
      await worker.close({ timeout: 2_000 });
      await server.close();
    }
    console.info(
      `restart: ${acknowledged.size} acknowledged (all delivered), ${refused} refused while Redis was down`,
    );
  }, 60_000);
});
