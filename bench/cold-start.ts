/**
 * Cold start: the time to import each SDK's main entry in a fresh Node process, many runs
 * interleaved, median. This SDK is imported from its build (`npm run build` first), as an app
 * would import it. Run: `npx tsx bench/cold-start.ts`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type BenchOptions,
  isMain,
  median,
  percentile,
  round,
  runAlone,
  type Section,
} from './lib/report';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const OURS = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

const CONTENDERS = [
  { name: 'zendesk-connect', specifier: OURS, peer: false },
  { name: '@segment/analytics-node 3.1.0', specifier: '@segment/analytics-node', peer: true },
  { name: 'posthog-node 5.70.0', specifier: 'posthog-node', peer: true },
  {
    name: 'outbound 1.3.0 (official; loads `request` on its first call)',
    specifier: 'outbound',
    peer: false,
  },
];

/** Milliseconds one fresh process takes to `import()` `specifier`, measured inside it. */
function importMs(specifier: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: BENCH,
    encoding: 'utf8',
  });
  return Number(output.trim());
}

/** The main entry may take at most this share of the fastest batching peer's import. */
const TARGET = 0.25;

export async function measureColdStart({ quick }: BenchOptions): Promise<Section> {
  const runs = quick ? 3 : 25;
  const times = new Map<string, number[]>(CONTENDERS.map(({ name }) => [name, []]));
  // Interleaved, so a noisy moment on the machine spreads over every contender.
  for (let run = 0; run < runs; run++) {
    for (const { name, specifier } of CONTENDERS) times.get(name)?.push(importMs(specifier));
  }
  const medianOf = (name: string) => median(times.get(name) ?? []);
  const ours = times.get('zendesk-connect') ?? [];
  const peers = CONTENDERS.filter(({ peer }) => peer);
  // Paired: each run's import against the fastest batching peer's import in the same run.
  const ratios = ours.map(
    (ms, run) => ms / Math.min(...peers.map(({ name }) => times.get(name)?.[run] ?? Number.NaN)),
  );
  const ratio = median(ratios);
  const fastest = peers.reduce((a, b) => (medianOf(b.name) < medianOf(a.name) ? b : a));
  return {
    title: 'Cold start',
    about: `\`await import()\` of each main entry in a fresh \`node\` process (${process.version}), timed inside the process; ${runs} runs each, interleaved; the median and the range. The target compares each run's import with the fastest batching peer's (analytics-node or posthog-node) in the same run, median of those ratios.`,
    rows: CONTENDERS.map(({ name }) => {
      const all = times.get(name) ?? [];
      return {
        package: name,
        'median ms': round(medianOf(name), 1),
        'min ms': round(Math.min(...all), 1),
        'max ms': round(Math.max(...all), 1),
      };
    }),
    readme: `The main entry imports in **${round(medianOf('zendesk-connect'), 1)} ms** (${peers.map(({ name }) => `${name} ${round(medianOf(name), 1)} ms`).join(', ')}).`,
    targets: [
      {
        name: 'cold import of the main entry vs the fastest batching peer',
        target: `≤ ${TARGET}×`,
        measured: `${round(ratio, 2)}× (${round(medianOf('zendesk-connect'), 1)} ms vs ${round(medianOf(fastest.name), 1)} ms, ${fastest.name}; middle half ${round(percentile(ratios, 25), 2)}–${round(percentile(ratios, 75), 2)})`,
        met: ratio <= TARGET,
      },
    ],
  };
}

if (isMain(import.meta.url)) await runAlone(measureColdStart);
