/**
 * Three worker processes; one is killed with SIGKILL while it has a request on the wire. Every
 * message is delivered, a message written twice only under the GUID of the request that was
 * cut off, each user's writes in call order, and only the poison message is dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectEmulatorServer } from '../../src/node/testing';
import { connectRedisStatus, createDurableConnect, listDeadLetters } from '../../src/redis/index';
import { type RedisServer, startRedis } from './redis-server';
import { orderProblems, startWorkerProcess, type WorkerProcess } from './support';

const PARTITIONS = 6;
const USERS = 30;
const STEPS = 12;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('a worker killed in the middle of a batch', () => {
  it('loses nothing, repeats only under the same GUID, keeps each user in order', async () => {
    const server = await startConnectEmulatorServer();
    const { emulator } = server;
    // Connect applies a request, then answers late: a request cut off by the kill was applied.
    emulator.faults.delay(120);
    emulator.faults.refuse((message) => (message as { event?: string }).event === 'poison');
    const env = {
      REDIS_URL: redis.url,
      EMULATOR_URL: server.url,
      PREFIX: 'crash',
      PARTITIONS: String(PARTITIONS),
      LEASE_TTL: '2000',
      TIMEOUT: '800',
      MAX_BATCH: '4',
    };
    const workers: WorkerProcess[] = ['w1', 'w2', 'w3'].map((name) =>
      startWorkerProcess(name, env),
    );
    const client = redis.client();
    try {
      await Promise.all(workers.map((worker) => worker.waitFor((e) => e.event === 'ready')));
      // Wait for the three to share the partitions, so the one killed holds some.
      await expect
        .poll(
          async () => {
            const status = await connectRedisStatus({
              redis: client,
              prefix: 'crash',
              partitions: PARTITIONS,
            });
            return new Set(status.partitions.map((p) => p.owner)).size;
          },
          { timeout: 15_000, interval: 200 },
        )
        .toBe(3);
      const producer = createDurableConnect({
        redis: client,
        prefix: 'crash',
        partitions: PARTITIONS,
      });
      const appends: Promise<unknown>[] = [];
      for (let step = 0; step < STEPS; step++) {
        for (let u = 0; u < USERS; u++) {
          const userId = `user-${u}`;
          appends.push(
            step % 4 === 0
              ? producer.identify({ userId, traits: { step } })
              : producer.track({ userId, event: 'Step', properties: { step } }),
          );
        }
      }
      appends.push(
        producer.track({ userId: 'user-poison', event: 'poison', properties: { step: 0 } }),
      );
      await Promise.all(appends);

      const victim = workers[1] as WorkerProcess;
      // Kill it once Connect applied one of its requests and has not answered yet.
      const applied = () =>
        victim.inFlight().some((guid) => emulator.writes.some((w) => w.requestId === guid));
      await expect.poll(applied, { timeout: 15_000, interval: 5 }).toBe(true);
      victim.child.kill('SIGKILL');
      await victim.stop();

      const expected = USERS * STEPS;
      await expect
        .poll(
          () => new Set(emulator.writes.map((w) => `${w.ids[0]}/${JSON.stringify(w.body)}`)).size,
          {
            timeout: 30_000,
            interval: 200,
          },
        )
        .toBe(expected);
      await expect
        .poll(
          async () =>
            (await connectRedisStatus({ redis: client, prefix: 'crash', partitions: PARTITIONS }))
              .totals.depth,
          {
            timeout: 10_000,
          },
        )
        .toBe(0);

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
      // The request cut off by the kill was sent again, whole, under its GUID.
      const guids = emulator.writes.map((w) => `${w.requestId}/${JSON.stringify(w.body)}`);
      expect(guids.length - new Set(guids).size).toBeGreaterThan(0);

      const dead = await listDeadLetters({
        redis: client,
        prefix: 'crash',
        partitions: PARTITIONS,
      });
      expect(dead.map((letter) => [letter.ids, letter.error.name])).toStrictEqual([
        [['user-poison'], 'BadRequestError'],
      ]);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await server.close();
    }
  }, 60_000);
});
