/**
 * Four workers share one account: with `maxRequestsPerSecond: 50` the emulator never receives
 * more than 50 requests sent within any one second, and one 429 with `Retry-After: 1` pauses all
 * four.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectEmulatorServer } from '../../src/node/testing';
import { connectRedisStatus, createDurableConnect } from '../../src/redis/index';
import { type RedisServer, startRedis } from './redis-server';
import { startWorkerProcess } from './support';

const PARTITIONS = 8;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

/** The most calls within any `window` ms. */
function busiestWindow(times: readonly number[], window: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= window) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('shared limits', () => {
  it('hold four workers to 50 requests a second, and pause them all on a 429', async () => {
    const server = await startConnectEmulatorServer();
    const { emulator } = server;
    const client = redis.client();
    // Four worker processes: the emulator's clock is not slowed by the workers' own work.
    const workers = ['w0', 'w1', 'w2', 'w3'].map((name) =>
      startWorkerProcess(name, {
        REDIS_URL: redis.url,
        EMULATOR_URL: server.url,
        PREFIX: 'limits',
        PARTITIONS: String(PARTITIONS),
        LEASE_TTL: '3000',
        TIMEOUT: '1000',
        MAX_BATCH: '1', // a request a message, so there are plenty of requests
        MAX_RPS: '50',
        MAX_IN_FLIGHT: '32',
      }),
    );
    try {
      const status = () =>
        connectRedisStatus({ redis: client, prefix: 'limits', partitions: PARTITIONS });
      await expect
        .poll(
          async () => {
            const owners = (await status()).partitions.map((p) => p.owner);
            return [...new Set(owners)].map((owner) => owners.filter((o) => o === owner).length);
          },
          { timeout: 15_000 },
        )
        .toStrictEqual([2, 2, 2, 2]);
      const producer = createDurableConnect({
        redis: client,
        prefix: 'limits',
        partitions: PARTITIONS,
      });
      const appends: Promise<unknown>[] = [];
      for (let i = 0; i < 240; i++)
        appends.push(
          producer.track({ userId: `user-${i % 48}`, event: 'Step', properties: { step: i } }),
        );
      await Promise.all(appends);
      // Once the workers are going, Connect asks for a second's rest.
      await expect
        .poll(() => emulator.calls.length, { timeout: 10_000, interval: 10 })
        .toBeGreaterThanOrEqual(60);
      emulator.faults.failNext(1, 429, { retryAfter: 1 });
      const steps = () =>
        new Set(emulator.events.map((e) => (e.properties as { step: number }).step));
      await expect.poll(() => steps().size, { timeout: 30_000 }).toBe(240);

      // Every request the emulator received, by when it left its worker (the emulator's own
      // arrival stamps bunch up whenever its process is starved of CPU, as in a parallel run).
      const sent = emulator.calls.map((call) => ({
        at: Number(call.headers['x-sent-at']),
        worker: call.headers['x-test-worker'],
        status: call.status,
      }));
      expect(sent.every((call) => Number.isFinite(call.at))).toBe(true);
      const limited = sent.find((call) => call.status === 429);
      expect(limited).toBeDefined();
      const at = (limited as { at: number }).at;
      // Requests granted before the pause reached Redis may still leave just after the 429;
      // after that, none for the second it asked for.
      const during = sent.filter((call) => call.at > at + 250 && call.at < at + 950);
      expect(during).toStrictEqual([]);
      expect(
        busiestWindow(
          sent.map((call) => call.at),
          1_000,
        ),
      ).toBeLessThanOrEqual(50);

      // It paused workers that were sending (several, before), and all four resumed after it.
      const senders = (calls: typeof sent) => new Set(calls.map((call) => call.worker)).size;
      expect(senders(sent.filter((call) => call.at < at))).toBeGreaterThanOrEqual(2);
      expect(senders(sent.filter((call) => call.at >= at + 950))).toBe(4);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await server.close();
    }
  }, 60_000);
});
