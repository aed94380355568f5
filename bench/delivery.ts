/**
 * Delivery to the loopback emulator server (its own process), on the same work in the same run:
 * - ConnectClient, fed as a busy service feeds it (200 calls per turn of the event loop);
 * - Zendesk's official Node SDK, `outbound` 1.3.0: one request per call, fed the same way;
 * - the floor: a bare fetch loop posting the same messages as 100-item batches with the same
 *   concurrency, mapping each batch with the pure mappers first (the client maps too, so the
 *   ratio measures what the delivery engine costs).
 * And the same load with every tenth request failing with 503 and `Retry-After: 0`.
 * Run: `npm run bench:delivery` (`-- --quick` for a smoke run).
 */
import {
  ConnectClient,
  type IdentifyMessage,
  mapIdentify,
  mapTrack,
  type TrackMessage,
} from '../src/index';
import { makeCorpus } from './corpus';
import {
  type BenchOptions,
  isMain,
  median,
  percentile,
  round,
  runAlone,
  type Section,
} from './lib/report';
import { startChildEmulator } from './loopback-server';
import { loadOutbound, type OutboundClient, type Thenable } from './outbound-loopback';

const KEY = 'bench-key-0123456789abcdef0123456';
const CONCURRENCY = 4;
const MAPPING = { defaultCountry: 'US' } as const;
/** Calls arrive as in a busy service: this many per turn of the event loop. */
const ARRIVAL_SLICE = 200;
/** Latency is recorded for every tenth call, so timing does not weigh on what it times. */
const LATENCY_SAMPLE = 10;
const FLOOR_TARGET = 0.8;
const OFFICIAL_TARGET = 20;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One kind of call, as each contender makes it. */
interface Workload {
  name: string;
  messages: readonly unknown[];
  batchPath: string;
  /** The pure mapping, for the floor. */
  map(message: unknown): unknown;
  viaClient(client: ConnectClient, message: unknown): Promise<unknown>;
  /** outbound's arguments come from the mapped body, mapped before the clock starts. */
  viaOutbound(outbound: OutboundClient, body: Record<string, unknown>): Thenable;
}

/** How a run went: messages per second, sampled latencies, and how many were delivered. */
interface Run {
  seconds: number;
  delivered: number;
  latencies: number[];
}

/**
 * Feeds `count` calls in arrival slices without holding their promises (the floor holds none
 * either), counting how they settle and sampling call-to-settled latency.
 */
async function feed(count: number, call: (index: number) => Thenable): Promise<Run> {
  const latencies: number[] = [];
  let settled = 0;
  let delivered = 0;
  let allSettled: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  const onSettled = () => {
    if (++settled === count) allSettled();
  };
  const onDelivered = () => {
    delivered++;
    onSettled();
  };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (i % LATENCY_SAMPLE === 0) {
      const calledAt = performance.now();
      call(i).then(() => {
        latencies.push(performance.now() - calledAt);
        onDelivered();
      }, onSettled);
    } else {
      call(i).then(onDelivered, onSettled);
    }
    if (i % ARRIVAL_SLICE === ARRIVAL_SLICE - 1) await nextTurn();
  }
  await done;
  return { seconds: (performance.now() - started) / 1000, delivered, latencies };
}

async function throughClient(url: string, work: Workload): Promise<Run> {
  const client = new ConnectClient({
    apiKey: KEY,
    baseUrl: url,
    maxQueueSize: work.messages.length,
    maxConcurrentRequests: CONCURRENCY,
    ...MAPPING,
  });
  const run = await feed(work.messages.length, (i) => work.viaClient(client, work.messages[i]));
  await client.close();
  return run;
}

async function throughOutbound(url: string, work: Workload): Promise<Run> {
  const outbound = loadOutbound(url, KEY);
  const bodies = work.messages.map((message) => work.map(message) as Record<string, unknown>);
  return feed(bodies.length, (i) =>
    work.viaOutbound(outbound, bodies[i] as Record<string, unknown>),
  );
}

async function throughFetch(url: string, work: Workload): Promise<Run> {
  const chunks: unknown[][] = [];
  for (let i = 0; i < work.messages.length; i += 100) chunks.push(work.messages.slice(i, i + 100));
  let next = 0;
  let delivered = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++] as unknown[];
      const response = await fetch(`${url}${work.batchPath}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Outbound-Key': KEY,
          'X-Outbound-GUID': crypto.randomUUID(),
        },
        body: JSON.stringify(chunk.map(work.map)),
      });
      await response.arrayBuffer();
      if (response.ok) delivered += chunk.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: (performance.now() - started) / 1000, delivered, latencies: [] };
}

function workloads(quick: boolean): [Workload, Workload] {
  const tracks = makeCorpus(quick ? 2_000 : 20_000, 7).tracks;
  const identifies = makeCorpus(quick ? 500 : 5_000, 11).identifies;
  return [
    {
      name: 'track',
      messages: tracks,
      batchPath: '/v2/track/batch',
      map: (message) => mapTrack(message as TrackMessage, MAPPING).body,
      viaClient: (client, message) => client.track(message as TrackMessage),
      viaOutbound: (outbound, body) =>
        outbound.track(
          body.user_id as string,
          body.event as string,
          body.properties as object,
          body.timestamp as number,
        ),
    },
    {
      name: 'identify',
      messages: identifies,
      batchPath: '/v2/identify/batch',
      map: (message) => mapIdentify(message as IdentifyMessage, MAPPING).body,
      viaClient: (client, message) => client.identify(message as IdentifyMessage),
      viaOutbound: (outbound, body) =>
        outbound.identify(body.user_id as string, {
          firstName: body.first_name,
          lastName: body.last_name,
          email: body.email,
          phoneNumber: body.phone_number,
          attributes: body.attributes,
          apnsTokens: body.apns,
          gcmTokens: body.gcm,
        }),
    },
  ];
}

const rate = (run: Run) => run.delivered / run.seconds;
/** A latency percentile over the sampled calls of every run given. */
const latency = (runs: Run[], p: number) =>
  round(
    percentile(
      runs.flatMap((run) => run.latencies),
      p,
    ),
    1,
  );

/** The emulator's HTTP controls (reset, faults), so every run starts from the same state. */
function controlsOf(url: string) {
  return async (path: string, body: unknown = {}) => {
    const response = await fetch(`${url}/_emulator/${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator control ${path}: ${response.status}`);
  };
}

/**
 * Throughput and latency. The floor and the client alternate, each run on an emptied emulator
 * (it keeps every event, and a growing heap would slow later runs); the ratio is the median of
 * the per-round ratios, which cancels the drift of a shared machine better than best-of.
 */
export async function measureDelivery({ quick }: BenchOptions): Promise<Section> {
  const server = await startChildEmulator();
  const control = controlsOf(server.url);
  const rounds = quick ? 1 : 15;
  const rows: Section['rows'] = [];
  const targets: Section['targets'] = [];
  const floorToOfficial: string[] = [];
  try {
    for (const work of workloads(quick)) {
      const count = work.messages.length;
      const fresh = async (run: () => Promise<Run>) => {
        await control('reset');
        const result = await run();
        if (result.delivered !== count)
          throw new Error(`${work.name}: ${result.delivered}/${count}`);
        return result;
      };
      // Warm-up runs, so that no measured round pays for the JIT of either process.
      for (let w = 0; w < (quick ? 0 : 2); w++) {
        await fresh(() => throughFetch(server.url, work));
        await fresh(() => throughClient(server.url, work));
      }
      const floors: Run[] = [];
      const clients: Run[] = [];
      for (let r = 0; r < rounds; r++) {
        // Each goes first in every other round: the second run of a pair inherits the first's
        // garbage and a warmer emulator.
        if (r % 2 === 0) {
          floors.push(await fresh(() => throughFetch(server.url, work)));
          clients.push(await fresh(() => throughClient(server.url, work)));
        } else {
          clients.push(await fresh(() => throughClient(server.url, work)));
          floors.push(await fresh(() => throughFetch(server.url, work)));
        }
      }
      const official = await fresh(() => throughOutbound(server.url, work));
      const floorRate = median(floors.map(rate));
      const clientRate = median(clients.map(rate));
      const perRound = clients.map((client, r) => rate(client) / rate(floors[r] as Run));
      const toFloor = median(perRound);
      const spread = `${round(percentile(perRound, 25), 2)}–${round(percentile(perRound, 75), 2)}`;
      const row = (path: string, messagesPerSecond: number, ratio: number, runs?: Run[]) => ({
        call: `${count.toLocaleString('en')} × ${work.name}`,
        path,
        'messages/s': round(messagesPerSecond),
        '× floor': round(ratio, 2),
        'p50 ms': runs ? latency(runs, 50) : '—',
        'p99 ms': runs ? latency(runs, 99) : '—',
      });
      rows.push(
        row('fetch loop, 100-item batches (floor)', floorRate, 1),
        row('zendesk-connect ConnectClient', clientRate, toFloor, clients),
        row(
          'outbound 1.3.0 (official, one request per call)',
          rate(official),
          rate(official) / floorRate,
          [official],
        ),
      );
      const toOfficial = clientRate / rate(official);
      floorToOfficial.push(`${round(floorRate / rate(official), 1)}× (${work.name})`);
      targets.push(
        {
          name: `${work.name} delivery vs the floor`,
          target: `≥ ${FLOOR_TARGET}×`,
          measured: `${round(toFloor, 2)}× (middle half of the rounds: ${spread})`,
          met: toFloor >= FLOOR_TARGET,
        },
        {
          name: `${work.name} delivery vs the official SDK`,
          target: `≥ ${OFFICIAL_TARGET}×`,
          measured: `${round(toOfficial, 1)}×`,
          met: toOfficial >= OFFICIAL_TARGET,
        },
      );
    }
  } finally {
    await server.stop();
  }
  return {
    title: 'Delivery throughput and latency',
    about: `Calls arrive ${ARRIVAL_SLICE} per turn of the event loop; each contender sends to the emulator's loopback server, which runs in its own process. The floor is a bare \`fetch\` loop posting the same messages as 100-item batches, ${CONCURRENCY} requests in flight (as the client), mapping each batch first. \`outbound\` gets its arguments already mapped. ${quick ? 'One round each' : `Two warm-up runs each, then ${rounds} rounds of the floor and the client (each first in every other round), each run on an emptied emulator; rates are medians, the ratio to the floor the median of the per-round ratios; one round for \`outbound\``}; latency is call to settled, sampled on every ${LATENCY_SAMPLE}th call.

The floor itself runs at ${floorToOfficial.join(' and ')} the official SDK's rate here, so it bounds the ratio any batching client can show against \`outbound\`. For identify both the floor and the client spend most of their time validating phone numbers (libphonenumber-js, some 20 µs a number), which \`outbound\` does not do: it sends whatever it is given.`,
    rows,
    targets,
  };
}

/** The same load with every tenth request failing with 503 and `Retry-After: 0`. */
export async function measureFaults({ quick }: BenchOptions): Promise<Section> {
  const server = await startChildEmulator();
  const [work] = workloads(quick);
  const count = work.messages.length;
  const control = controlsOf(server.url);
  const underFaults = async (run: () => Promise<Run>) => {
    await control('reset');
    await control('faults/fail', { every: 10, status: 503, retryAfter: 0 });
    try {
      return await run();
    } finally {
      await control('faults/clear');
    }
  };
  let client: Run;
  let official: Run;
  try {
    client = await underFaults(() => throughClient(server.url, work));
    official = await underFaults(() => throughOutbound(server.url, work));
  } finally {
    await server.stop();
  }
  const row = (path: string, run: Run) => ({
    path,
    delivered: `${run.delivered.toLocaleString('en')} / ${count.toLocaleString('en')}`,
    'delivered %': round((run.delivered / count) * 100, 2),
    lost: count - run.delivered,
    'delivered/s': round(rate(run)),
  });
  const share = client.delivered / count;
  return {
    title: 'Delivery under faults',
    about: `${count.toLocaleString('en')} tracks as above, while the emulator fails every tenth request (retries included) with 503 and \`Retry-After: 0\` (\`POST /_emulator/faults/fail {"every":10}\`). \`outbound\` has no retries: what it loses is lost.`,
    rows: [
      row('zendesk-connect ConnectClient', client),
      row('outbound 1.3.0 (official)', official),
    ],
    targets: [
      {
        name: 'delivered under 10% 503s',
        target: '100%',
        measured: `${round(share * 100, 2)}%`,
        met: share === 1,
      },
    ],
  };
}

if (isMain(import.meta.url)) {
  await runAlone(measureDelivery);
  await runAlone(measureFaults);
}
