/**
 * Memory: heap bytes per queued message with tracks waiting on a stalled server (one that accepts
 * connections and never answers), each SDK in a fresh process (bench/memory-probe.ts): what
 * 10,000 more queued tracks cost, and what the first 10,000 cost with the SDK's first-use setup.
 * Run: `npx tsx bench/memory.ts` (after `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type BenchOptions, isMain, median, round, runAlone, type Section } from './lib/report';

const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
const SDKS = ['zendesk-connect', '@segment/analytics-node', 'posthog-node'];

/** A server that takes every request and never answers it. */
async function stalledServer(): Promise<{ url: string; close(): void }> {
  const server = createServer((request) => request.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

interface Probe {
  firstUse: number;
  marginal: number;
}

function probe(sdk: string, url: string, count: number): Probe {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', PROBE, sdk, url, String(count)],
    { encoding: 'utf8' },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Probe;
}

export async function measureMemory({ quick }: BenchOptions): Promise<Section> {
  const count = quick ? 2_000 : 10_000;
  const runs = quick ? 1 : 3;
  const server = await stalledServer();
  const samples = new Map<string, Probe[]>(SDKS.map((sdk) => [sdk, []]));
  try {
    // Interleaved, so a busy moment of the machine falls on every SDK alike.
    for (let run = 0; run < runs; run++) {
      for (const sdk of SDKS) samples.get(sdk)?.push(probe(sdk, server.url, count));
    }
  } finally {
    server.close();
  }
  const medianOf = (sdk: string, key: keyof Probe) =>
    median((samples.get(sdk) ?? []).map((sample) => sample[key]));
  const ours = medianOf('zendesk-connect', 'marginal');
  const peers = SDKS.slice(1).map((sdk) => [sdk, medianOf(sdk, 'marginal')] as const);
  const [leanest, leanestBytes] = peers.reduce((a, b) => (b[1] < a[1] ? b : a));
  return {
    title: 'Memory per queued message',
    about: `Distinct tracks (a few properties, a nested array) handed to each SDK while its server accepts connections and never answers; the heap after a forced GC, minus the heap before, divided by the message count (the messages themselves are alive throughout, so only what the SDK holds is counted). Each SDK in a fresh process gets ${count.toLocaleString('en')} tracks, then ${count.toLocaleString('en')} more: **per queued track** is what the second ones cost, each one more message in a queue that is already in use; the first ones also pay for the SDK's first-use setup (the code it compiles, the structures it makes once), which is not a cost per message, shown as context. Median of ${runs} processes per SDK, interleaved; each SDK with its batch size at 100 and posthog-node's queue bound raised to hold every track. \`outbound\` holds no queue (each call is a request of its own), so it is not measured.`,
    rows: SDKS.map((sdk) => ({
      sdk,
      'bytes per queued track': round(medianOf(sdk, 'marginal')),
      'the first ones, with first-use setup': round(medianOf(sdk, 'firstUse')),
    })),
    readme: `A queued track holds **${round(ours)} B** of heap (${peers.map(([sdk, bytes]) => `${sdk} ${round(bytes)} B`).join(', ')}).`,
    targets: [
      {
        name: 'heap per queued track',
        target: 'below every peer',
        measured: `${round(ours)} B vs ${round(leanestBytes)} B (${leanest}, the leanest peer)`,
        met: ours < leanestBytes,
      },
    ],
  };
}

if (isMain(import.meta.url)) await runAlone(measureMemory);
