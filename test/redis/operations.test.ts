/**
 * The producer validates like ConnectClient; dead letters can be inspected and sent again;
 * status and the CLI show the queue; close() drains.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectClient, ValidationError } from '../../src/index';
import { startConnectEmulatorServer } from '../../src/node/testing';
import {
  connectRedisStatus,
  createConnectWorker,
  createDurableConnect,
  listDeadLetters,
  redriveDeadLetters,
} from '../../src/redis/index';
import { type RedisServer, startRedis } from './redis-server';

const run = promisify(execFile);
const CLI = new URL('../../src/redis/cli.ts', import.meta.url).pathname;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('the producer', () => {
  it('throws ConnectClient’s ValidationError at the call, and warns as it does', () => {
    const producer = createDurableConnect({ redis: redis.client(), prefix: 'ops' });
    const client = new ConnectClient({ apiKey: 'k', fetch: async () => new Response('') });
    const bad = { userId: 'u1', event: '' };
    const fromClient = (() => {
      try {
        client.track(bad);
      } catch (error) {
        return error as ValidationError;
      }
    })();
    expect(() => producer.track(bad)).toThrow(ValidationError);
    expect(() => producer.track(bad)).toThrow(fromClient?.message as string);
    const call = { type: 'identify', message: { userId: 'u1', traits: { phone: '12' } } } as const;
    expect(producer.validate(call)).toStrictEqual(client.validate(call));
    expect(producer.validate(call).map((w) => w.code)).toContain('invalid_phone');
    for (const notACall of [undefined, { type: 'nope' }, { type: 'toString', message: {} }]) {
      expect(() => producer.validate(notACall as never)).toThrow(ValidationError);
      expect(() => producer.validate(notACall as never)).toThrow(
        'validate: `type` must be one of identify, track, alias',
      );
    }
  });

  it('refuses a partition count other than the queue’s', async () => {
    const client = redis.client();
    await createDurableConnect({ redis: client, prefix: 'count', partitions: 4 }).track({
      userId: 'u',
      event: 'E',
    });
    await expect(
      createDurableConnect({ redis: client, prefix: 'count', partitions: 8 }).track({
        userId: 'u',
        event: 'E',
      }),
    ).rejects.toThrow(/the queue under prefix 'count' has 4 partitions/);
  });
});

describe('dead letters, status and close', () => {
  it('keeps a refused message with its error, shows it, and sends it again when asked', async () => {
    const server = await startConnectEmulatorServer();
    const client = redis.client();
    const options = { redis: client, prefix: 'dead', partitions: 4 } as const;
    let poisoned = true;
    server.emulator.faults.refuse(
      (message) => poisoned && (message as { event?: string }).event === 'Poison',
    );
    const producer = createDurableConnect(options);
    await Promise.all([
      producer.track({ userId: 'u1', event: 'Fine' }),
      producer.track({ userId: 'u2', event: 'Poison', properties: { n: 1 } }),
      producer.track({ userId: 'u3', event: 'Fine' }),
    ]);
    const worker = createConnectWorker({
      ...options,
      apiKey: 'k',
      baseUrl: server.url,
      leaseTtl: 10_000,
      timeout: 2_000,
    });
    const deadEvents: string[] = [];
    worker.on('deadLetter', ({ messageId }) => deadEvents.push(messageId));
    try {
      await expect
        .poll(async () => (await connectRedisStatus(options)).totals, { timeout: 10_000 })
        .toStrictEqual({
          depth: 0,
          inFlight: 0,
          lag: 0,
          deadLetters: 1,
        });
      const [letter] = await listDeadLetters(options);
      expect(letter).toMatchObject({
        type: 'track',
        ids: ['u2'],
        path: '/v2/track',
        error: { name: 'BadRequestError', code: 'bad_request', status: 400 },
      });
      expect(JSON.parse(letter?.json ?? '')).toMatchObject({ user_id: 'u2', event: 'Poison' });
      expect(deadEvents).toStrictEqual([letter?.messageId]);

      const { stdout } = await run(process.execPath, [
        '--import',
        'tsx',
        CLI,
        'status',
        '--url',
        redis.url,
        '--prefix',
        'dead',
        '--partitions',
        '4',
        '--json',
      ]);
      expect(JSON.parse(stdout).totals).toStrictEqual({
        depth: 0,
        inFlight: 0,
        lag: 0,
        deadLetters: 1,
      });
      const listed = await run(process.execPath, [
        '--import',
        'tsx',
        CLI,
        'dead-letters',
        '--url',
        redis.url,
        '--prefix',
        'dead',
        '--partitions',
        '4',
      ]);
      expect(listed.stdout).toContain('BadRequestError');

      poisoned = false;
      expect(await redriveDeadLetters(options)).toBe(1);
      await expect
        .poll(() => server.emulator.events.filter((e) => e.event === 'Poison').length, {
          timeout: 10_000,
        })
        .toBe(1);
      await expect.poll(async () => (await connectRedisStatus(options)).totals.deadLetters).toBe(0);
    } finally {
      await worker.close({ timeout: 2_000 });
      await server.close();
    }
  });

  it('close() delivers what the worker holds, acks it and gives its leases up', async () => {
    const server = await startConnectEmulatorServer();
    server.emulator.faults.delay(50);
    const client = redis.client();
    const options = { redis: client, prefix: 'drain', partitions: 2 } as const;
    const worker = createConnectWorker({
      ...options,
      apiKey: 'k',
      baseUrl: server.url,
      leaseTtl: 10_000,
      timeout: 2_000,
      maxBatchSize: 5,
    });
    await worker.ready();
    const producer = createDurableConnect(options);
    await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        producer.track({ userId: `u${n % 7}`, event: 'E', properties: { n } }),
      ),
    );
    await expect.poll(() => server.emulator.calls.length, { interval: 5 }).toBeGreaterThan(0);
    const report = await worker.close({ timeout: 10_000 });
    const status = await connectRedisStatus(options);
    expect(status.totals.inFlight).toBe(0);
    expect(status.partitions.map((p) => p.owner)).toStrictEqual([null, null]);
    expect(report.delivered + status.totals.depth).toBe(100);
    expect(server.emulator.events.length).toBe(report.delivered);
    await server.close();
  });
});
