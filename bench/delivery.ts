/**
 * Delivery throughput and latency, every contender of bench/contenders.ts fed the same calls
 * (200 per turn of the event loop, as a busy service makes them), against two servers in their
 * own processes:
 * - the sink (bench/sink-server.ts): parses each request and answers 200. It measures the
 *   clients: this is the headline;
 * - the emulator: validates and stores every message, so it is the bottleneck for every batching
 *   client (only the contenders that speak Connect's API run there).
 * Each round runs every contender once, each in a process of its own (bench/probe.ts) after
 * warm-up runs, in an order that rotates from round to round, each run on a freshly reset server;
 * ratios are taken within a round, then the median over the rounds.
 * And the same load with every tenth request failing with 503 and `Retry-After: 0`.
 * Run: `npm run bench:delivery` (`-- --quick` for a smoke run).
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CONTENDERS,
  type Contender,
  OUTBOUND_CALLS,
  type Sender,
  type Workload,
} from './contenders';
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
import { startChildEmulator, startChildSink } from './loopback-server';

/** Calls arrive as in a busy service: this many per turn of the event loop. */
export const ARRIVAL_SLICE = 200;
/** Latency is recorded for every tenth call, so timing does not weigh on what it times. */
const LATENCY_SAMPLE = 10;
const FLOOR_TARGET = 0.8;
const OFFICIAL_TARGET = 20;
const LATENCY_TARGET = 2;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The calls of each workload: 20,000 tracks and 10,000 identifies (quick: a tenth). */
export function workloads(quick: boolean): Workload[] {
  return [
    { name: 'track', messages: makeCorpus(quick ? 2_000 : 20_000, 7).tracks },
    { name: 'identify', messages: makeCorpus(quick ? 1_000 : 10_000, 11).identifies },
  ];
}

/** One run of one contender. */
export interface Run {
  count: number;
  seconds: number;
  latencies: number[];
}

export const rate = (run: Run) => run.count / run.seconds;

/** Feeds a sender `count` calls in arrival slices; the clock stops when it says all settled. */
export async function feed(sender: Sender, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    sender.send(i, i % LATENCY_SAMPLE === 0 ? performance.now() : undefined);
    if (i % ARRIVAL_SLICE === ARRIVAL_SLICE - 1) await nextTurn();
  }
  await sender.finish();
  return (performance.now() - started) / 1000;
}

/** A server the rounds run against: it can be emptied, and may count what it received. */
export interface Target {
  name: 'sink' | 'emulator';
  url: string;
  reset(): Promise<void>;
  /** Messages received since the reset, if the server counts them. */
  received(): Promise<number | undefined>;
}

async function post(url: string, body?: string): Promise<Response> {
  // A kept-alive socket the server has just closed fails once: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, body === undefined ? {} : { method: 'POST', body });
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** The controls of a server already running at `url`. */
export function targetAt(name: Target['name'], url: string, faults?: object): Target {
  const control = async (path: string, body: unknown = {}) => {
    const response = await post(`${url}${path}`, JSON.stringify(body));
    if (!response.ok) throw new Error(`${name} control ${path}: ${response.status}`);
    await response.arrayBuffer();
  };
  return {
    name,
    url,
    async reset() {
      if (name === 'sink') return control('/_sink/reset');
      await control('/_emulator/reset');
      if (faults) await control('/_emulator/faults/fail', faults);
    },
    async received() {
      if (name !== 'sink') return undefined;
      const response = await post(`${url}/_sink/count`);
      return ((await response.json()) as { messages: number }).messages;
    },
  };
}

/** Starts a server in its own process and returns its controls, and how to stop it. */
async function startTarget(
  name: Target['name'],
  faults?: object,
): Promise<Target & { stop(): Promise<void> }> {
  const server = name === 'sink' ? await startChildSink() : await startChildEmulator();
  return { ...targetAt(name, server.url, faults), stop: () => server.stop() };
}

/** One run on a freshly reset server; throws when a message was lost. */
export async function runOnce(target: Target, contender: Contender, work: Workload): Promise<Run> {
  await target.reset();
  const count = contender.countOf(work);
  const sender = contender.open(target.url, work);
  const seconds = await feed(sender, count);
  const accepted = await sender.close();
  const received = await target.received();
  for (const seen of [accepted, received]) {
    if (seen !== undefined && seen !== count) {
      throw new Error(`${contender.id} ${work.name} on the ${target.name}: ${seen} of ${count}`);
    }
  }
  return { count, seconds, latencies: sender.latencies };
}

/**
 * `rounds` rounds of every contender, each run in a process of its own (one SDK per process, as
 * in a service: no contender's JIT state or garbage weighs on another's), after `warmups`
 * unmeasured runs in that process. The order rotates by one each round, so that no contender
 * always runs on a server the previous one just warmed.
 */
export async function compete(
  target: Target,
  contenders: readonly Contender[],
  work: Workload,
  rounds: number,
  options: { warmups: number; quick: boolean },
): Promise<Map<Contender['id'], Run[]>> {
  const runs = new Map<Contender['id'], Run[]>(contenders.map(({ id }) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    const order = [
      ...contenders.slice(r % contenders.length),
      ...contenders.slice(0, r % contenders.length),
    ];
    for (const contender of order) {
      const run = await probe<Run>([
        'delivery',
        contender.id,
        work.name,
        String(options.quick),
        String(options.warmups),
        target.name,
        target.url,
      ]);
      runs.get(contender.id)?.push(run);
    }
  }
  return runs;
}

const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));

/** Runs bench/probe.ts with `args` in a fresh process; returns what it printed last, as JSON. */
export async function probe<T>(args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, ...args]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T;
}

const run = promisify(execFile);

/** The median of per-round ratios, and their middle half (the noise), as text. */
export function paired(values: number[]): { median: number; spread: string } {
  return {
    median: median(values),
    spread: `${round(percentile(values, 25), 2)}–${round(percentile(values, 75), 2)}`,
  };
}

/** A latency percentile over the sampled calls of the runs given. */
const latency = (runs: readonly Run[], p: number) =>
  runs.some((run) => run.latencies.length > 0)
    ? round(
        percentile(
          runs.flatMap((run) => run.latencies),
          p,
        ),
        1,
      )
    : '—';

function table(
  work: Workload,
  contenders: readonly Contender[],
  runs: Map<Contender['id'], Run[]>,
): { rows: Section['rows']; toFloor: Map<Contender['id'], ReturnType<typeof paired>> } {
  const floors = runs.get('floor') ?? [];
  const toFloor = new Map<Contender['id'], ReturnType<typeof paired>>();
  const rows = contenders.map((contender) => {
    const own = runs.get(contender.id) ?? [];
    const ratios = paired(own.map((run, r) => rate(run) / rate(floors[r] as Run)));
    toFloor.set(contender.id, ratios);
    return {
      call: work.name,
      path: contender.name,
      calls: (own[0]?.count ?? 0).toLocaleString('en'),
      'messages/s': round(median(own.map(rate))),
      '× floor': round(ratios.median, 3),
      'middle half': contender.id === 'floor' ? '—' : ratios.spread,
      'p50 ms': latency(own, 50),
      'p99 ms': latency(own, 99),
    };
  });
  return { rows, toFloor };
}

/** How much the floor itself moved from round to round: the noise of the machine. */
function floorNoise(runs: Map<Contender['id'], Run[]>): string {
  const rates = (runs.get('floor') ?? []).map(rate);
  const mid = median(rates);
  return `${round((percentile(rates, 25) / mid - 1) * 100)}% / +${round((percentile(rates, 75) / mid - 1) * 100)}%`;
}

/** Throughput and latency against the sink: the clients themselves. The headline. */
export async function measureDelivery({ quick }: BenchOptions): Promise<Section> {
  const target = await startTarget('sink');
  const rounds = quick ? 1 : 5;
  const warmups = quick ? 0 : 2;
  const rows: Section['rows'] = [];
  const targets: Section['targets'] = [];
  const noise: string[] = [];
  const quoted: string[] = [];
  try {
    for (const work of workloads(quick)) {
      const runs = await compete(target, CONTENDERS, work, rounds, { warmups, quick });
      const result = table(work, CONTENDERS, runs);
      rows.push(...result.rows);
      noise.push(`${work.name} ${floorNoise(runs)}`);
      const ours = result.toFloor.get('client') as ReturnType<typeof paired>;
      const peers = CONTENDERS.filter(({ id }) => id !== 'floor' && id !== 'client').map(
        ({ id, name }) =>
          `${name.split(' (')[0]} ${round(result.toFloor.get(id)?.median ?? Number.NaN, 2)}×`,
      );
      const plural = work.name === 'identify' ? 'identifies' : 'tracks';
      quoted.push(`**${round(ours.median, 2)}×** for ${plural} (${peers.join(', ')})`);
      targets.push({
        name: `${work.name} delivery vs the sink floor`,
        target: `≥ ${FLOOR_TARGET}×`,
        measured: `${round(ours.median, 3)}× (middle half of the rounds: ${ours.spread})`,
        met: ours.median >= FLOOR_TARGET,
      });
      const clients = runs.get('client') ?? [];
      const official = runs.get('outbound') ?? [];
      if (official.length > 0) {
        const toOfficial = median(clients.map((run, r) => rate(run) / rate(official[r] as Run)));
        // What the same target gives the floor: a bound no client can pass.
        const floorToOfficial = median(
          (runs.get('floor') ?? []).map((run, r) => rate(run) / rate(official[r] as Run)),
        );
        targets.push({
          name: `${work.name} delivery vs the official SDK (sink)`,
          target: `≥ ${OFFICIAL_TARGET}×`,
          measured: `${round(toOfficial, 1)}× (the floor itself: ${round(floorToOfficial, 1)}×)`,
          met: toOfficial >= OFFICIAL_TARGET,
        });
      }
      if (work.name === 'track') {
        const floors = runs.get('floor') ?? [];
        const p99 = (run: Run) => percentile(run.latencies, 99);
        const ratio = paired(clients.map((run, r) => p99(run) / p99(floors[r] as Run)));
        targets.push({
          name: `p99 call → settled latency, ${work.messages.length.toLocaleString('en')} tracks (sink)`,
          target: `≤ ${LATENCY_TARGET}× the floor's`,
          measured: `${round(ratio.median, 2)}× (middle half: ${ratio.spread})`,
          met: ratio.median <= LATENCY_TARGET,
        });
      }
    }
  } finally {
    await target.stop();
  }
  return {
    title: 'Delivery against a sink (the headline)',
    about: `Each contender sends to a sink in its own process that parses every request's JSON, counts its messages and answers 200: what is measured is the clients. Calls arrive ${ARRIVAL_SLICE} per turn of the event loop and are not awaited (latency is sampled on every ${LATENCY_SAMPLE}th call, call to settled); a run ends when the contender's own flush says everything settled, and the sink's count must equal the calls made. The **floor** builds Connect's wire objects from the same calls with plain field renames (identify also normalises the phone with libphonenumber-js), stringifies 100 a request and keeps ${4} in flight; nothing is pre-built or validated. ConnectClient runs with its defaults but \`maxQueueSize\` (raised to hold the burst) and 4 requests in flight. The peers have their batch size set to 100 and their queue bound raised to hold the burst (analytics-node's queue has no bound; posthog-node sends one batch at a time and is given \`disableCompression\`, its fastest setting on loopback). \`outbound\` sends one request per call, so a run gives it the first ${OUTBOUND_CALLS.toLocaleString('en')} calls. Each contender runs in a process of its own (one SDK per process, as in a service), which makes ${warmups} warm-up runs and then the measured one, each on a freshly reset sink. ${quick ? 'One round.' : `${rounds} rounds, a process per contender each, in an order that rotates from round to round. Rates are medians; \`× floor\` is the median of the per-round ratios, \`middle half\` their 25th–75th percentiles.`} The floor's own rate moved by ${noise.join(', ')} around its median (25th / 75th percentile): the noise of this shared machine.`,
    rows,
    targets,
    readme: `Against a server that only parses and answers, ConnectClient reaches ${quoted.join(' and ')} of the rate of a bare fetch loop that sends the same wire objects, 100 a request, 4 in flight.`,
  };
}

/** The same contenders that speak Connect, against the emulator: its throughput bounds them all. */
export async function measureDeliveryEmulator({ quick }: BenchOptions): Promise<Section> {
  const target = await startTarget('emulator');
  const rounds = quick ? 1 : 5;
  const warmups = quick ? 0 : 2;
  const contenders = CONTENDERS.filter((contender) => contender.connect);
  const rows: Section['rows'] = [];
  try {
    for (const work of workloads(quick)) {
      const runs = await compete(target, contenders, work, rounds, { warmups, quick });
      rows.push(...table(work, contenders, runs).rows);
    }
  } finally {
    await target.stop();
  }
  return {
    title: 'Delivery against the emulator',
    about: `The contenders that speak Connect's API, as above, against the emulator's loopback server (its own process) instead of the sink. **The emulator is the bottleneck here**: it validates every message against Connect's schemas and stores it, and its own rate is below what the floor and the client reach against the sink, so both sit near the emulator's ceiling and this table says little about the clients (the sink table above does). Each contender runs in a process of its own, ${warmups} warm-up runs then the measured one, each on an emptied emulator. ${quick ? 'One round.' : `${rounds} rotating rounds; ratios within a round, medians.`}`,
    rows,
    targets: [],
  };
}

/** The same load with every tenth request failing with 503 and `Retry-After: 0`. */
export async function measureFaults({ quick }: BenchOptions): Promise<Section> {
  const target = await startTarget('emulator', { every: 10, status: 503, retryAfter: 0 });
  const [work] = workloads(quick) as [Workload];
  const outcomes: Array<{ path: string; count: number; delivered: number; seconds: number }> = [];
  try {
    for (const contender of CONTENDERS.filter(({ id }) => id === 'client' || id === 'outbound')) {
      await target.reset();
      const count = contender.countOf(work);
      const sender = contender.open(target.url, work);
      const seconds = await feed(sender, count);
      const delivered = (await sender.close()) ?? 0;
      outcomes.push({ path: contender.name, count, delivered, seconds });
    }
  } finally {
    await target.stop();
  }
  const ours = outcomes[0] as (typeof outcomes)[number];
  const share = ours.delivered / ours.count;
  return {
    title: 'Delivery under faults',
    about: `Tracks as above, sent to the emulator while it fails every tenth request (retries included) with 503 and \`Retry-After: 0\` (\`POST /_emulator/faults/fail {"every":10,"status":503,"retryAfter":0}\`). \`outbound\` has no retries: what it loses is lost.`,
    rows: outcomes.map(({ path, count, delivered, seconds }) => ({
      path,
      delivered: `${delivered.toLocaleString('en')} / ${count.toLocaleString('en')}`,
      'delivered %': round((delivered / count) * 100, 2),
      lost: count - delivered,
      'delivered/s': round(delivered / seconds),
    })),
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
  await runAlone(measureDeliveryEmulator);
  await runAlone(measureFaults);
}
