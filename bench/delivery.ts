/**
 * Messages per second through ConnectClient to the loopback emulator server (in its own
 * process), next to two plain fetch loops sending the same 100-item batches with the same
 * concurrency, in the same run:
 * - the floor: each loop maps its batch with the pure mappers, stringifies it and posts it, so
 *   the ratio measures what the delivery engine (queue, promises, ky, events) costs;
 * - the transport floor: batches mapped before the clock starts, so only stringify + fetch.
 * Run: `npm run bench:delivery` (`-- --quick` for a smoke run).
 */
import { ConnectClient, mapTrack, type TrackMessage } from '../src/index';
import { makeCorpus } from './corpus';
import { startChildEmulator } from './loopback-server';

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 2_000 : 20_000;
const ROUNDS = quick ? 1 : 3;
const CONCURRENCY = 4;
const KEY = 'bench-key-0123456789abcdef0123456';

const server = await startChildEmulator();
const corpus = makeCorpus(MESSAGES, 7);
const tracks = corpus.tracks;

/** Calls arrive as in a busy service: `ARRIVAL_SLICE` per turn of the event loop. */
const ARRIVAL_SLICE = 200;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Latency is recorded for every tenth call, so timing does not weigh on what it times. */
const LATENCY_SAMPLE = 10;

/** The client, fed as a service feeds it; the latency (call to settled) of sampled calls recorded. */
async function throughClient(): Promise<{ seconds: number; latencies: number[] }> {
  const connect = new ConnectClient({
    apiKey: KEY,
    baseUrl: server.url,
    maxQueueSize: MESSAGES,
    maxConcurrentRequests: CONCURRENCY,
  });
  const latencies: number[] = [];
  // Count settlements instead of holding 20,000 promises: the floor holds nothing either.
  let settled = 0;
  let failed = 0;
  let allSettled: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  const onSettled = () => {
    if (++settled === MESSAGES) allSettled();
  };
  const onFailed = () => {
    failed++;
    onSettled();
  };
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const delivery = connect.track(tracks[i]!);
    if (i % LATENCY_SAMPLE === 0) {
      const calledAt = performance.now();
      delivery.then(() => {
        latencies.push(performance.now() - calledAt);
        onSettled();
      }, onFailed);
    } else {
      delivery.then(onSettled, onFailed);
    }
    if (i % ARRIVAL_SLICE === ARRIVAL_SLICE - 1) await nextTurn();
  }
  await done;
  if (failed > 0) throw new Error(`${failed} messages failed`);
  const seconds = (performance.now() - started) / 1000;
  await connect.close();
  return { seconds, latencies };
}

/** A bare fetch loop posting the messages as 100-item batches; `premapped` maps them before the clock starts. */
async function throughFetch(premapped: boolean): Promise<{ seconds: number }> {
  const chunks: TrackMessage[][] = [];
  for (let i = 0; i < tracks.length; i += 100) chunks.push(tracks.slice(i, i + 100));
  const mapped = premapped
    ? chunks.map((chunk) => chunk.map((message) => mapTrack(message).body))
    : [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      const batch = premapped
        ? mapped[index]
        : chunks[index]?.map((message) => mapTrack(message).body);
      const body = JSON.stringify(batch);
      const response = await fetch(`${server.url}/v2/track/batch`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Outbound-Key': KEY,
          'X-Outbound-GUID': crypto.randomUUID(),
        },
        body,
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`floor: status ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: (performance.now() - started) / 1000 };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const best = {
  client: Number.POSITIVE_INFINITY,
  floor: Number.POSITIVE_INFINITY,
  transport: Number.POSITIVE_INFINITY,
};
let latencies: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  best.transport = Math.min(best.transport, (await throughFetch(true)).seconds);
  best.floor = Math.min(best.floor, (await throughFetch(false)).seconds);
  const client = await throughClient();
  if (client.seconds < best.client) {
    best.client = client.seconds;
    latencies = client.latencies;
  }
}
await server.stop();

const rate = (seconds: number) => MESSAGES / seconds;
const ratio = rate(best.client) / rate(best.floor);
const sorted = [...latencies].sort((a, b) => a - b);
console.log(
  `delivery of ${MESSAGES} tracks to the loopback emulator, ${CONCURRENCY} requests in flight, best of ${ROUNDS} (node ${process.version})`,
);
console.table([
  {
    path: 'fetch loop, batches mapped beforehand (transport floor)',
    'messages/s': Math.round(rate(best.transport)),
    'ratio to floor': +(rate(best.transport) / rate(best.floor)).toFixed(2),
  },
  {
    path: 'fetch loop, mapping each batch (floor)',
    'messages/s': Math.round(rate(best.floor)),
    'ratio to floor': 1,
  },
  {
    path: 'ConnectClient',
    'messages/s': Math.round(rate(best.client)),
    'ratio to floor': +ratio.toFixed(2),
    'p50 latency ms': +percentile(sorted, 50).toFixed(1),
    'p99 latency ms': +percentile(sorted, 99).toFixed(1),
  },
]);
const met = ratio >= 0.8;
console.log(
  `ConnectClient reaches ${ratio.toFixed(2)}× the floor: target ≥ 0.8× ${met ? 'met' : 'NOT met'}`,
);
if (!quick && !met) process.exitCode = 1;
