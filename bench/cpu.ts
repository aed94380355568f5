/**
 * The cost of being an SDK: CPU time per message with a `fetch` that answers 200 at once (no
 * network, no server), beside `JSON.stringify` of the same wire bodies in the same run, 100 a
 * request as they are sent. Every contender of bench/contenders.ts but `outbound` (whose fetch
 * cannot be replaced) is fed the same calls as in the delivery benchmark. CPU time is the
 * process's (user + system, `process.cpuUsage()`), so a busy machine's other processes do not
 * count, while this process's garbage collection does.
 * Run: `npx tsx bench/cpu.ts` (`--quick` for a smoke run).
 */

import type { IdentifyMessage, TrackMessage } from '../src/index';
import {
  CONTENDERS,
  type Contender,
  identifyWire,
  instantFetch,
  trackWire,
  type Workload,
} from './contenders';
import { feed, paired, workloads } from './delivery';
import { type BenchOptions, isMain, median, round, runAlone, type Section } from './lib/report';

const TARGET = 4;
/** Passes of the stringify baseline per measurement: one pass is only a few milliseconds. */
const STRINGIFY_PASSES = 5;

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Microseconds of CPU per message of one run of `contender` on an instant fetch. */
async function cpuPerMessage(contender: Contender, work: Workload): Promise<number> {
  const count = contender.countOf(work);
  const sender = contender.open('http://127.0.0.1:9', work, instantFetch);
  const started = cpuNow();
  await feed(sender, count);
  const spent = cpuNow() - started;
  await sender.close();
  return spent / count;
}

/** Microseconds of CPU per message to `JSON.stringify` the wire bodies, 100 a request. */
function stringifyPerMessage(bodies: readonly unknown[]): number {
  let length = 0;
  const started = cpuNow();
  for (let pass = 0; pass < STRINGIFY_PASSES; pass++) {
    for (let i = 0; i < bodies.length; i += 100)
      length += JSON.stringify(bodies.slice(i, i + 100)).length;
  }
  const spent = cpuNow() - started;
  if (length === 0) throw new Error('nothing stringified');
  return spent / (STRINGIFY_PASSES * bodies.length);
}

export async function measureCpu({ quick }: BenchOptions): Promise<Section> {
  const rounds = quick ? 1 : 9;
  const warmups = quick ? 0 : 2;
  const contenders = CONTENDERS.filter(({ id }) => id !== 'outbound');
  const rows: Section['rows'] = [];
  const targets: Section['targets'] = [];
  for (const work of workloads(quick)) {
    const bodies = work.messages.map((message) =>
      work.name === 'track'
        ? trackWire(message as TrackMessage)
        : identifyWire(message as IdentifyMessage),
    );
    const costs = new Map<string, number[]>(contenders.map(({ id }) => [id, []]));
    const stringify: number[] = [];
    for (let r = -warmups; r < rounds; r++) {
      const shift = ((r % contenders.length) + contenders.length) % contenders.length;
      const order = [...contenders.slice(shift), ...contenders.slice(0, shift)];
      const base = stringifyPerMessage(bodies);
      const round_: Array<[string, number]> = [];
      for (const contender of order)
        round_.push([contender.id, await cpuPerMessage(contender, work)]);
      if (r < 0) continue;
      stringify.push((base + stringifyPerMessage(bodies)) / 2);
      for (const [id, cost] of round_) costs.get(id)?.push(cost);
    }
    rows.push({
      call: work.name,
      path: `JSON.stringify of the wire bodies, 100 a request (the unit)`,
      'µs CPU / message': round(median(stringify), 2),
      '× stringify': 1,
      'middle half': '—',
    });
    for (const contender of contenders) {
      const own = costs.get(contender.id) ?? [];
      const ratio = paired(own.map((cost, r) => cost / (stringify[r] as number)));
      rows.push({
        call: work.name,
        path: contender.name,
        'µs CPU / message': round(median(own), 2),
        '× stringify': round(ratio.median, 2),
        'middle half': ratio.spread,
      });
      if (contender.id === 'client' && work.name === 'track') {
        targets.push({
          name: 'client CPU per track vs `JSON.stringify` of its wire body',
          target: `≤ ${TARGET}×`,
          measured: `${round(ratio.median, 2)}× (${round(median(own), 2)} µs vs ${round(median(stringify), 2)} µs; middle half ${ratio.spread})`,
          met: ratio.median <= TARGET,
        });
      }
    }
  }
  return {
    title: 'CPU per message (the cost of being an SDK)',
    about: `The same calls as in the delivery benchmark, fed the same way, to contenders whose \`fetch\` answers 200 at once (no network): CPU time of the process (user + system) from the first call until the contender's flush resolved, per message; garbage collection included. The unit is \`JSON.stringify\` of the same wire bodies (built by renames, as the floor builds them), 100 a request, measured in the same round (before and after the contenders, averaged). ${quick ? 'One round.' : `${warmups} warm-up rounds, then ${rounds} rounds in a rotating order; \`× stringify\` is the median of the per-round ratios, \`middle half\` their 25th–75th percentiles.`} \`outbound\` is left out: its HTTP client cannot be replaced.`,
    rows,
    targets,
  };
}

if (isMain(import.meta.url)) await runAlone(measureCpu);
