/**
 * A worker in a process of its own, for the crash and lease tests: configured by environment
 * variables, it prints its events as JSON lines and tags its requests with `x-test-worker`
 * and `x-sent-at`.
 */
import { Redis } from 'ioredis';
import { createConnectWorker } from '../../src/redis/index';

const env = (name: string, fallback?: string) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`worker-process: ${name} is required`);
  return value;
};
const name = env('WORKER_NAME');
const print = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ worker: name, at: Date.now(), ...line })}\n`);

const redis = new Redis(env('REDIS_URL'));
redis.on('error', () => {});
const worker = createConnectWorker({
  redis,
  apiKey: 'test-key',
  baseUrl: env('EMULATOR_URL'),
  prefix: env('PREFIX'),
  partitions: Number(env('PARTITIONS')),
  leaseTtl: Number(env('LEASE_TTL', '2000')),
  timeout: Number(env('TIMEOUT', '800')),
  maxBatchSize: Number(env('MAX_BATCH', '5')),
  retry: { initialDelay: 50, maxDelay: 200 },
  workerId: name,
  ...(process.env.MAX_RPS ? { maxRequestsPerSecond: Number(process.env.MAX_RPS) } : {}),
  ...(process.env.MAX_IN_FLIGHT ? { maxRequestsInFlight: Number(process.env.MAX_IN_FLIGHT) } : {}),
  fetch: (url, init) =>
    fetch(url, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        'x-test-worker': name,
        // When the request left the worker: what the shared limits govern, and a clock no stall
        // of the emulator's own process can bunch up.
        'x-sent-at': String(Date.now()),
      },
    }),
});
worker.on('request', ({ requestId, attempt, messageCount }) =>
  print({ event: 'request', requestId, attempt, messageCount }),
);
worker.on('response', ({ requestId, status }) => print({ event: 'response', requestId, status }));
worker.on('partition', ({ partition, event, reason }) =>
  print({ event: 'partition', partition, action: event, reason }),
);
worker.on('deadLetter', ({ messageId, error }) =>
  print({ event: 'deadLetter', messageId, error: error.message }),
);
await worker.ready();
print({ event: 'ready' });
process.once('SIGTERM', async () => {
  const report = await worker.close({ timeout: 5_000 });
  print({ event: 'closed', ...report });
  redis.disconnect();
  process.exit(0);
});
