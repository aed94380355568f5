/**
 * One contender in a process of its own, for bench/delivery.ts and bench/cpu.ts: a service runs
 * one SDK, so no contender's JIT state or garbage weighs on another's. It makes its warm-up runs,
 * then the measured ones, and prints what it measured as one line of JSON.
 *
 *   probe.ts delivery <contender> <call> <quick> <warmups> <sink|emulator> <url>
 *     → { count, seconds, latencies }: one measured run against the server at <url>
 *   probe.ts cpu <contender> <call> <quick> <warmups> <runs>
 *     → { cpu, unit }: medians over <runs> of the contender's CPU µs per message (instant fetch)
 *       and of JSON.stringify of the same wire bodies, 100 a request, measured between them
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
import { feed, runOnce, targetAt, workloads } from './delivery';
import { median } from './lib/report';

const [mode, id, call, quickArg, warmupsArg, ...rest] = process.argv.slice(2);
const contender = CONTENDERS.find((candidate) => candidate.id === id);
const work = workloads(quickArg === 'true').find((candidate) => candidate.name === call);
const warmups = Number(warmupsArg);
if (!contender || !work || !Number.isInteger(warmups)) {
  throw new Error(`usage: probe.ts delivery|cpu <contender> <call> <quick> <warmups> …`);
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Microseconds of CPU per message of one run on an instant fetch. */
async function cpuPerMessage(contender: Contender, work: Workload): Promise<number> {
  const count = contender.countOf(work);
  const sender = contender.open('http://127.0.0.1:9', work, instantFetch);
  const started = cpuNow();
  await feed(sender, count);
  const spent = cpuNow() - started;
  await sender.close();
  return spent / count;
}

/** Passes of the stringify unit per measurement: one pass is only a few milliseconds. */
const STRINGIFY_PASSES = 5;

/** Microseconds of CPU per message to `JSON.stringify` the wire bodies, 100 a request. */
function stringifyPerMessage(bodies: readonly unknown[]): number {
  let length = 0;
  const started = cpuNow();
  for (let pass = 0; pass < STRINGIFY_PASSES; pass++) {
    for (let i = 0; i < bodies.length; i += 100) {
      length += JSON.stringify(bodies.slice(i, i + 100)).length;
    }
  }
  const spent = cpuNow() - started;
  if (length === 0) throw new Error('nothing stringified');
  return spent / (STRINGIFY_PASSES * bodies.length);
}

if (mode === 'delivery') {
  const [kind, url] = rest;
  if ((kind !== 'sink' && kind !== 'emulator') || !url) throw new Error('delivery needs a server');
  const target = targetAt(kind, url);
  for (let w = 0; w < warmups; w++) await runOnce(target, contender, work);
  console.log(JSON.stringify(await runOnce(target, contender, work)));
} else if (mode === 'cpu') {
  const runs = Number(rest[0]);
  const bodies = work.messages.map((message) =>
    work.name === 'track'
      ? trackWire(message as TrackMessage)
      : identifyWire(message as IdentifyMessage),
  );
  for (let w = 0; w < warmups; w++) {
    stringifyPerMessage(bodies);
    await cpuPerMessage(contender, work);
  }
  const cpu: number[] = [];
  const unit: number[] = [stringifyPerMessage(bodies)];
  for (let r = 0; r < runs; r++) {
    cpu.push(await cpuPerMessage(contender, work));
    unit.push(stringifyPerMessage(bodies));
  }
  console.log(JSON.stringify({ cpu: median(cpu), unit: median(unit) }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
