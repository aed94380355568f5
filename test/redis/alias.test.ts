/**
 * An alias whose two ids hash to different partitions: the alias waits for what came before it
 * under the earlier id (in the other partition, slowed down here), and what comes after it
 * under either id waits for the alias. Two aliases appended in opposite orders both settle.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectEmulatorServer } from '../../src/node/testing';
import {
  connectRedisStatus,
  createConnectWorker,
  createDurableConnect,
  type DurableConnect,
  partitionOf,
} from '../../src/redis/index';
import { type RedisServer, startRedis } from './redis-server';
import { stepOf } from './support';

const PARTITIONS = 8;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

/**
 * Clients whose stream appends (XADD) go in lockstep: each waits until every client has one
 * waiting (or 100 ms passed), then all go at once.
 */
function lockstep(clients: Redis[]): Redis[] {
  let waiting: (() => void)[] = [];
  const release = () => {
    const go = waiting;
    waiting = [];
    for (const resume of go) resume();
  };
  return clients.map(
    (client) =>
      new Proxy(client, {
        get(target, property) {
          if (property === 'call') {
            return async (name: string, args: (string | number)[]) => {
              if (name === 'XADD') {
                await new Promise<void>((resolve) => {
                  waiting.push(resolve);
                  if (waiting.length === clients.length) release();
                  else setTimeout(release, 100);
                });
              }
              return target.call(name, args);
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
  );
}

/** An id of `prefix` that hashes to a partition other than `not`'s. */
function idApartFrom(prefix: string, not: number): string {
  for (let i = 0; ; i++)
    if (partitionOf(`${prefix}${i}`, PARTITIONS) !== not) return `${prefix}${i}`;
}

describe('an alias across two partitions', () => {
  it('goes after the earlier id’s messages, and before both ids’ later ones', async () => {
    const server = await startConnectEmulatorServer();
    const client = redis.client();
    const userId = 'user-1';
    const anonymousId = idApartFrom('anon-', partitionOf(userId, PARTITIONS));
    const slow = `"user_id":"${anonymousId}"`;
    const worker = createConnectWorker({
      redis: client,
      apiKey: 'test-key',
      baseUrl: server.url,
      prefix: 'alias',
      partitions: PARTITIONS,
      leaseTtl: 10_000,
      timeout: 2_000,
      // The earlier id's partition answers slowly: without the barrier the alias would overtake.
      fetch: async (url, init) => {
        if (String(init.body).includes(slow)) await new Promise((r) => setTimeout(r, 300));
        return fetch(url, init);
      },
    });
    try {
      await worker.ready();
      const producer = createDurableConnect({
        redis: client,
        prefix: 'alias',
        partitions: PARTITIONS,
      });
      await Promise.all([
        producer.identify({ userId: anonymousId, traits: { step: 0 } }),
        producer.track({ userId: anonymousId, event: 'Viewed', properties: { step: 1 } }),
        producer.alias({ userId, previousId: anonymousId, context: { traits: {} } } as never),
        producer.track({ userId: anonymousId, event: 'Viewed', properties: { step: 3 } }),
        producer.identify({ userId, traits: { step: 4 } }),
        producer.track({ userId, event: 'Bought', properties: { step: 5 } }),
      ]);
      await expect.poll(() => server.emulator.writesOf(userId).length, { timeout: 10_000 }).toBe(6);
      const applied = server.emulator
        .writesOf(userId)
        .map((write) => (write.kind === 'alias' ? 2 : stepOf(write)));
      expect(applied).toStrictEqual([0, 1, 2, 3, 4, 5]);
      // The earlier id is routed home after the alias: its later message went to userId's partition.
      const late = server.emulator.writesOf(userId).find((w) => stepOf(w) === 3);
      expect(late?.ids).toStrictEqual([anonymousId]);
      expect(
        await client.hget(`{alias:${partitionOf(anonymousId, PARTITIONS)}}:routes`, anonymousId),
      ).toBe(String(partitionOf(userId, PARTITIONS)));
    } finally {
      await worker.close({ timeout: 2_000 });
      await server.close();
    }
  });

  it('never deadlocks on two aliases appended in opposite orders', async () => {
    const server = await startConnectEmulatorServer();
    const client = redis.client();
    const worker = createConnectWorker({
      redis: client,
      apiKey: 'test-key',
      baseUrl: server.url,
      prefix: 'cross',
      partitions: PARTITIONS,
      leaseTtl: 10_000,
      timeout: 2_000,
    });
    try {
      await worker.ready();
      // Two producers alias each pair its own way at the same moment, with messages of both ids
      // before and after: each alias's hold lands in the other's home partition. Eight pairs,
      // since how two producers' appends interleave is up to the scheduler.
      const one = createDurableConnect({ redis: client, prefix: 'cross', partitions: PARTITIONS });
      const two = createDurableConnect({
        redis: redis.client(),
        prefix: 'cross',
        partitions: PARTITIONS,
      });
      const calls: Promise<unknown>[] = [];
      const pairs: [string, string][] = [];
      for (let pair = 0; pair < 8; pair++) {
        const a = `left-${pair}`;
        const b = idApartFrom(`right-${pair}-`, partitionOf(a, PARTITIONS));
        pairs.push([a, b]);
        calls.push(
          one.track({ userId: a, event: 'Before', properties: { step: 0 } }),
          two.track({ userId: b, event: 'Before', properties: { step: 0 } }),
          one.alias({ userId: a, previousId: b }),
          two.alias({ userId: b, previousId: a }),
          one.track({ userId: b, event: 'After', properties: { step: 1 } }),
          two.track({ userId: a, event: 'After', properties: { step: 1 } }),
        );
      }
      // And one pair whose two aliases append in lockstep, each producer's n-th append beside
      // the other's: the worst interleaving, every time.
      const [lockedOne, lockedTwo] = lockstep([redis.client(), redis.client()]).map((locked) =>
        createDurableConnect({ redis: locked, prefix: 'cross', partitions: PARTITIONS }),
      );
      const a = 'lock-left';
      const b = idApartFrom('lock-right-', partitionOf(a, PARTITIONS));
      pairs.push([a, b]);
      calls.push(
        (lockedOne as DurableConnect).alias({ userId: a, previousId: b }),
        (lockedTwo as DurableConnect).alias({ userId: b, previousId: a }),
      );
      await Promise.all(calls);
      await expect
        .poll(
          async () =>
            (await connectRedisStatus({ redis: client, prefix: 'cross', partitions: PARTITIONS }))
              .totals,
          { timeout: 10_000 },
        )
        .toMatchObject({ depth: 0, inFlight: 0 });
      for (const [a, b] of pairs) {
        const written = server.emulator.writes.filter(
          (w) => w.ids.includes(a) || w.ids.includes(b),
        );
        expect(written.length).toBeGreaterThanOrEqual(2);
      }
    } finally {
      await worker.close({ timeout: 2_000 });
      await server.close();
    }
  });
});
