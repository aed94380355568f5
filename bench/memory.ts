/**
 * Memory: heap bytes per queued message with 10,000 tracks waiting on a stalled server (one that
 * accepts connections and never answers), each SDK in a fresh process. Run: `npx tsx bench/memory.ts`.
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

function probe(sdk: string, url: string, count: number): number {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', PROBE, sdk, url, String(count)],
    { encoding: 'utf8' },
  );
  return (JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { bytesPerMessage: number })
    .bytesPerMessage;
}

export async function measureMemory({ quick }: BenchOptions): Promise<Section> {
  const count = quick ? 2_000 : 10_000;
  const runs = quick ? 1 : 3;
  const server = await stalledServer();
  const perMessage = new Map<string, number>();
  try {
    for (const sdk of SDKS) {
      const samples = Array.from({ length: runs }, () => probe(sdk, server.url, count));
      perMessage.set(sdk, median(samples));
    }
  } finally {
    server.close();
  }
  const ours = perMessage.get('zendesk-connect') ?? Number.NaN;
  const peers = SDKS.slice(1).map((sdk) => [sdk, perMessage.get(sdk) ?? Number.NaN] as const);
  const [leanest, leanestBytes] = peers.reduce((a, b) => (b[1] < a[1] ? b : a));
  return {
    title: 'Memory per queued message',
    about: `${count.toLocaleString('en')} distinct tracks (a few properties, a nested array) handed to each SDK while its server accepts connections and never answers; the heap after a forced GC, minus the heap before, divided by the message count (the messages themselves are alive throughout, so only what the SDK holds is counted). Median of ${runs} fresh process(es) per SDK; posthog-node's queue bound raised to ${count.toLocaleString('en')} so that it holds them all. \`outbound\` holds no queue (each call is a request of its own), so it is not measured.`,
    rows: SDKS.map((sdk) => ({
      sdk,
      'bytes per queued track': round(perMessage.get(sdk) ?? Number.NaN),
    })),
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
