/**
 * A worker frozen (SIGSTOP) while a request is on the wire: its lease expires, another worker
 * takes the partition over and sends the cut-off request again under its GUID. Thawed, the
 * first worker can neither ack nor send: the emulator sees nothing more from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectEmulatorServer } from '../../src/node/testing';
import {
  connectRedisStatus,
  createConnectWorker,
  createDurableConnect,
} from '../../src/redis/index';
import { type RedisServer, startRedis } from './redis-server';
import { orderProblems, startWorkerProcess } from './support';

const PARTITIONS = 2;
const USERS = 8;
const STEPS = 10;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('leases', () => {
  it('hand a frozen worker’s partitions over, and fence it when it thaws', async () => {
    const server = await startConnectEmulatorServer();
    const { emulator } = server;
    emulator.faults.delay(300);
    const client = redis.client();
    const frozen = startWorkerProcess('frozen', {
      REDIS_URL: redis.url,
      EMULATOR_URL: server.url,
      PREFIX: 'lease',
      PARTITIONS: String(PARTITIONS),
      LEASE_TTL: '1500',
      TIMEOUT: '600',
      MAX_BATCH: '3',
    });
    let successor: ReturnType<typeof createConnectWorker> | undefined;
    try {
      await frozen.waitFor((e) => e.event === 'ready');
      const producer = createDurableConnect({
        redis: client,
        prefix: 'lease',
        partitions: PARTITIONS,
      });
      const appends: Promise<unknown>[] = [];
      for (let step = 0; step < STEPS; step++) {
        for (let u = 0; u < USERS; u++) {
          appends.push(
            producer.track({ userId: `user-${u}`, event: 'Step', properties: { step } }),
          );
        }
      }
      await Promise.all(appends);
      // Freeze it once Connect applied one of its requests and every request it started is
      // in Connect's hands (a request frozen before it reached the socket would leave on thaw:
      // see the last check).
      const received = (guid: string) =>
        emulator.calls.some((call) => call.headers['x-outbound-guid'] === guid);
      const ready = () => {
        const open = frozen.inFlight();
        return (
          open.some((guid) => emulator.writes.some((w) => w.requestId === guid)) &&
          open.every(received)
        );
      };
      await expect.poll(ready, { timeout: 10_000, interval: 2 }).toBe(true);
      frozen.child.kill('SIGSTOP');
      const frozenAt = Date.now();
      const startedBefore = new Set(
        frozen.events.filter((e) => e.event === 'request').map((e) => String(e.requestId)),
      );
      const leaseLeft = Math.min(
        ...(await Promise.all(
          Array.from({ length: PARTITIONS }, (_, p) => client.pttl(`{lease:${p}}:lease`)),
        )),
      );

      successor = createConnectWorker({
        redis: client,
        apiKey: 'test-key',
        baseUrl: server.url,
        prefix: 'lease',
        partitions: PARTITIONS,
        leaseTtl: 1500,
        timeout: 600,
        maxBatchSize: 3,
        workerId: 'successor',
        fetch: (url, init) =>
          fetch(url, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), 'x-test-worker': 'successor' },
          }),
      });
      await expect.poll(() => successor?.partitions.length, { timeout: 10_000 }).toBe(PARTITIONS);
      // Not before the frozen worker's leases expired.
      expect(leaseLeft).toBeGreaterThan(0);
      expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(leaseLeft - 50);
      await expect
        .poll(
          async () =>
            (await connectRedisStatus({ redis: client, prefix: 'lease', partitions: PARTITIONS }))
              .totals.depth,
          {
            timeout: 20_000,
          },
        )
        .toBe(0);

      frozen.child.kill('SIGCONT');
      const thawedAt = Date.now();
      const lost = (e: Record<string, unknown>) => e.event === 'partition' && e.action === 'lost';
      await frozen.waitFor((e) => lost(e) && Number(e.at) >= thawedAt);
      // Thawed, it is a live worker again and may get a fair share anew (the successor drains
      // one partition for it); until then, nothing may come from it.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const reacquired = frozen.events.find(
        (e) => e.event === 'partition' && e.action === 'acquired' && Number(e.at) >= thawedAt,
      );
      const until = reacquired ? Number(reacquired.at) : Date.now();
      // No attempt starts once the lease is gone: anything of it arriving after the thaw is a
      // request it had started before the freeze (still in its socket), never a new one or a retry.
      const late = emulator.calls.filter(
        (call) =>
          call.headers['x-test-worker'] === 'frozen' &&
          call.time >= thawedAt &&
          call.time < until &&
          !(
            startedBefore.has(call.headers['x-outbound-guid'] as string) &&
            Number(call.headers['x-sent-at']) < frozenAt
          ),
      );
      expect(late).toStrictEqual([]);

      const problems: string[] = [];
      for (let u = 0; u < USERS; u++) {
        const user = `user-${u}`;
        problems.push(
          ...orderProblems(
            user,
            emulator.writesOf(user),
            Array.from({ length: STEPS }, (_, s) => s),
          ),
        );
      }
      expect(problems).toStrictEqual([]);
      // The frozen worker's acks were refused: nothing is pending, nothing was lost.
      const status = await connectRedisStatus({
        redis: client,
        prefix: 'lease',
        partitions: PARTITIONS,
      });
      expect(status.totals).toStrictEqual({ depth: 0, inFlight: 0, lag: 0, deadLetters: 0 });
    } finally {
      frozen.child.kill('SIGCONT');
      await successor?.close({ timeout: 2_000 });
      await frozen.stop();
      await server.close();
    }
  }, 60_000);
});
