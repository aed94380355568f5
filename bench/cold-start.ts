/**
 * Cold start: the time to import each SDK's main entry in a fresh Node process, many runs
 * interleaved, median. This SDK is imported from its build (`npm run build` first), as an app
 * would import it. Run: `npx tsx bench/cold-start.ts`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchOptions, isMain, median, round, runAlone, type Section } from './lib/report';

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

export async function measureColdStart({ quick }: BenchOptions): Promise<Section> {
  const runs = quick ? 3 : 25;
  const times = new Map<string, number[]>(CONTENDERS.map(({ name }) => [name, []]));
  // Interleaved, so a noisy moment on the machine spreads over every contender.
  for (let run = 0; run < runs; run++) {
    for (const { name, specifier } of CONTENDERS) times.get(name)?.push(importMs(specifier));
  }
  const medianOf = (name: string) => median(times.get(name) ?? []);
  const ours = medianOf('zendesk-connect');
  const peers = CONTENDERS.filter(({ peer }) => peer);
  const slowestAllowed = Math.min(...peers.map(({ name }) => medianOf(name)));
  return {
    title: 'Cold start',
    about: `\`await import()\` of each main entry in a fresh \`node\` process (${process.version}), timed inside the process; ${runs} runs each, interleaved; the median and the range.`,
    rows: CONTENDERS.map(({ name }) => {
      const all = times.get(name) ?? [];
      return {
        package: name,
        'median ms': round(medianOf(name), 1),
        'min ms': round(Math.min(...all), 1),
        'max ms': round(Math.max(...all), 1),
      };
    }),
    targets: [
      {
        name: 'cold import vs the Node peers',
        target: 'no slower than any',
        measured: `${round(ours, 1)} ms vs ${round(slowestAllowed, 1)} ms (fastest Node peer)`,
        met: ours <= slowestAllowed,
      },
    ],
  };
}

if (isMain(import.meta.url)) await runAlone(measureColdStart);
