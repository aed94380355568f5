/**
 * The Redis door end to end: messages per second with 1, 2 and 4 worker processes draining what
 * a producer appends, against a sink (a server that only parses and answers 200, in its own
 * process) and against the emulator (its own process too); and the producer's cost per call
 * beside the in-process ConnectClient's. Starts its own redis-server (AOF everysec).
 * Run: `npx tsx bench/redis.ts` (`-- --quick` for a smoke run).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConnectClient } from '../src/index';
import { connectRedisStatus, createDurableConnect } from '../src/redis/index';
import { startRedis } from '../test/redis/redis-server';
import { isMain, round, type Section } from './lib/report';
import { startChildEmulator } from './loopback-server';

const WORKER = fileURLToPath(new URL('../test/redis/worker-process.ts', import.meta.url));
const SINK = fileURLToPath(new URL('./sink-server.ts', import.meta.url));
const PARTITIONS = 16;
const SLICE = 200;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function startSink(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SINK], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+) /.exec(output);
      if (match?.[1]) resolve({ url: match[1], stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
}

function startWorkers(count: number, env: Record<string, string>): ChildProcess[] {
  return Array.from({ length: count }, (_, n) =>
    spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, ...env, WORKER_NAME: `bench-${n}` },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
}

async function waitFor(check: () => Promise<boolean>, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('bench/redis: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const track = (n: number) => ({
  userId: `user-${n % 2_000}`,
  event: 'Order Completed',
  properties: { total: n, items: [{ sku: `s${n}` }] },
  timestamp: new Date(1_767_225_600_000 + n),
});

/** Messages per second: workers already sharing the partitions, the producer appending as fast as it can. */
async function endToEnd(
  redisUrl: string,
  baseUrl: string,
  workers: number,
  messages: number,
  prefix: string,
) {
  const { Redis } = await import('ioredis');
  const client = new Redis(redisUrl);
  const options = { redis: client, prefix, partitions: PARTITIONS };
  const children = startWorkers(workers, {
    REDIS_URL: redisUrl,
    EMULATOR_URL: baseUrl,
    PREFIX: prefix,
    PARTITIONS: String(PARTITIONS),
    LEASE_TTL: '3000',
    TIMEOUT: '1000',
    MAX_BATCH: '100',
  });
  try {
    await waitFor(async () => {
      const owners = (await connectRedisStatus(options)).partitions.map((p) => p.owner);
      const counts = [...new Set(owners)].map((o) => owners.filter((x) => x === o).length);
      return (
        !owners.includes(null) &&
        counts.length === workers &&
        Math.max(...counts) - Math.min(...counts) <= 1
      );
    }, 30_000);
    const producer = createDurableConnect(options);
    const started = performance.now();
    const appends: Promise<unknown>[] = [];
    for (let n = 0; n < messages; n++) {
      appends.push(producer.track(track(n)));
      if (n % SLICE === SLICE - 1) await nextTurn();
    }
    await Promise.all(appends);
    const appended = performance.now();
    await waitFor(async () => {
      const { totals } = await connectRedisStatus(options);
      return totals.depth === 0 && totals.lag === 0;
    }, 120_000);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, appendSeconds: (appended - started) / 1000 };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) => new Promise((resolve) => child.once('exit', resolve))),
    );
    client.disconnect();
  }
}

/** Wall and CPU microseconds per call until every call settled: the producer (acknowledged by Redis) and ConnectClient (accepted by a stub fetch). */
async function callCost(redisUrl: string, calls: number) {
  const { Redis } = await import('ioredis');
  const client = new Redis(redisUrl);
  const measure = async (call: (n: number) => Promise<unknown>) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let n = 0; n < calls; n++) {
      pending.push(call(n));
      if (n % SLICE === SLICE - 1) await nextTurn();
    }
    await Promise.all(pending);
    const used = process.cpuUsage(cpu);
    return {
      wall: ((performance.now() - started) * 1000) / calls,
      cpu: (used.user + used.system) / calls,
    };
  };
  const producer = createDurableConnect({ redis: client, prefix: 'cost', partitions: PARTITIONS });
  const connect = new ConnectClient({
    apiKey: 'k',
    fetch: async () => new Response(null, { status: 200 }),
  });
  await measure((n) => producer.track(track(n))); // warm-up
  await measure((n) => connect.track(track(n)));
  const viaRedis = await measure((n) => producer.track(track(n)));
  const inProcess = await measure((n) => connect.track(track(n)));
  await connect.close();
  client.disconnect();
  return { viaRedis, inProcess };
}

export async function measureRedis({ quick }: { quick: boolean }): Promise<Section> {
  const messages = quick ? 2_000 : 20_000;
  const redis = await startRedis({ appendfsync: 'everysec' });
  const sink = await startSink();
  const emulator = await startChildEmulator();
  const rows: Array<Record<string, string | number>> = [];
  try {
    let run = 0;
    for (const [name, url] of [
      ['sink', sink.url],
      ['emulator', emulator.url],
    ] as const) {
      for (const workers of [1, 2, 4]) {
        const { seconds, appendSeconds } = await endToEnd(
          redis.url,
          url,
          workers,
          messages,
          `bench${run++}`,
        );
        rows.push({
          server: name,
          workers,
          messages,
          'delivered msg/s': Math.round(messages / seconds),
          'producer appends/s': Math.round(messages / appendSeconds),
        });
      }
    }
    const cost = await callCost(redis.url, quick ? 2_000 : 20_000);
    rows.push({
      server: 'producer cost per call (µs wall / µs CPU)',
      workers: '—',
      messages: quick ? 2_000 : 20_000,
      'delivered msg/s': `zendesk-connect/redis: ${round(cost.viaRedis.wall, 1)} / ${round(cost.viaRedis.cpu, 1)}`,
      'producer appends/s': `ConnectClient: ${round(cost.inProcess.wall, 1)} / ${round(cost.inProcess.cpu, 1)}`,
    });
  } finally {
    sink.stop();
    await emulator.stop();
    await redis.stop();
  }
  return {
    title: 'Redis door',
    about: `${messages.toLocaleString('en')} tracks over 2,000 users, ${PARTITIONS} partitions, batches of up to 100. Worker processes (each its own Node process) share the partitions before the producer starts; the clock runs from the first append until every entry is acked (status depth and lag 0). The sink parses and answers 200 in its own process; the emulator validates and stores, in its own process. Redis 7.0 with AOF (everysec), on the same 2 cores as everything else. The producer's cost per call is the wall and CPU time per call, 200 calls per turn of the event loop, until every call was acknowledged by Redis, beside ConnectClient's until every call was accepted by a stub fetch.`,
    rows,
    targets: [],
  };
}

if (isMain(import.meta.url)) {
  const section = await measureRedis({ quick: process.argv.includes('--quick') });
  const { printSection } = await import('./lib/report');
  printSection(section);
}
