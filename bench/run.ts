/**
 * `npm run bench`: every benchmark, side by side with the peers, written to docs/benchmarks.md.
 * `npm run bench -- --quick` is the smoke run CI makes: small inputs, written to
 * reports/benchmarks-quick.md so that it never overwrites the real figures.
 * Installs bench/'s own dependencies (the peers) and builds the package when they are missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));
const quick = process.argv.includes('--quick');
const started = performance.now();

// The peers live in bench/package.json, never in the SDK's dependencies.
if (!existsSync(`${BENCH}node_modules/outbound/package.json`)) {
  console.log('installing the peers (bench/package.json)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH, stdio: 'inherit' });
}
// The benchmarks measure the build, as users get it: a real run builds it from the current
// sources; the smoke run reuses a build that exists (CI has just made one).
if (!quick || !existsSync(`${ROOT}dist/index.js`)) {
  console.log('building the package (the benchmarks measure the build)…');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

// Imported only now: the benchmarks import the peers, which may just have been installed.
const { measureColdStart } = await import('./cold-start');
const { measureCpu } = await import('./cpu');
const { measureDelivery, measureDeliveryEmulator, measureFaults } = await import('./delivery');
const { measureImport } = await import('./import');
const { measureInstallSize } = await import('./install-size');
const { measureMapping } = await import('./mapping');
const { measureMemory } = await import('./memory');
const { markdownTable, printSection, targetTable } = await import('./lib/report');
const { measureSizes } = await import('./sizes');
type Section = import('./lib/report').Section;

const sections: Section[] = [];
for (const measure of [
  measureDelivery,
  measureCpu,
  measureDeliveryEmulator,
  measureFaults,
  measureMapping,
  measureImport,
  measureSizes,
  measureInstallSize,
  measureColdStart,
  measureMemory,
]) {
  const section = await measure({ quick });
  printSection(section);
  sections.push(section);
}

const versionOf = (dir: string, name: string) =>
  (
    JSON.parse(readFileSync(`${dir}node_modules/${name}/package.json`, 'utf8')) as {
      version: string;
    }
  ).version;
const ourVersion = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string })
  .version;
const peers = [
  'outbound',
  '@segment/analytics-node',
  'posthog-node',
  '@segment/analytics-next',
  'posthog-js-lite',
];
const minutes = (performance.now() - started) / 60_000;
const cpu = cpus();
const markdown = `# Benchmarks

zendesk-connect measured side by side with what users would otherwise pick, on the same work in
the same run. **Ratios are the figures that count**: these machines are shared and noisy, so
absolute rates and times are context only. Regenerate this page with \`npm run bench\` (it took
${minutes.toFixed(1)} minutes here); the code is in [\`bench/\`](../bench), the peers in
[\`bench/package.json\`](../bench/package.json), apart from the SDK's own dependencies.

- **Measured:** ${new Date().toISOString().slice(0, 10)}, zendesk-connect ${ourVersion}${quick ? ' — **a quick smoke run: these figures mean nothing**' : ''}
- **Machine:** ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}
- **Peers:** ${peers.map((name) => `${name} ${versionOf(BENCH, name)}`).join(', ')}
- **Command:** \`npm run bench${quick ? ' -- --quick' : ''}\`

## Targets

${targetTable(sections)}

${sections
  .map(
    (section) => `## ${section.title}

${section.about}

${markdownTable(section.rows)}
`,
  )
  .join('\n')}`;

const target = quick ? `${ROOT}reports/benchmarks-quick.md` : `${ROOT}docs/benchmarks.md`;
mkdirSync(fileURLToPath(new URL('.', `file://${target}`)), { recursive: true });
writeFileSync(target, markdown);
// The page is checked by the repository's formatter like any other (reports/ is not).
if (!quick) {
  execFileSync(`${ROOT}node_modules/.bin/biome`, ['format', '--write', target], {
    stdio: 'ignore',
  });
}
// The README quotes the headline figures: written from this run, between its bench markers.
if (!quick) {
  const readme = `${ROOT}README.md`;
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const text = readFileSync(readme, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} region`);
  const quoted = sections.flatMap((section) => (section.readme ? [section.readme] : []));
  const region = `${start}\n${quoted.join(' ')} Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}; every figure, how it was measured and the targets: [docs/benchmarks.md](docs/benchmarks.md).\n`;
  writeFileSync(readme, text.slice(0, from) + region + text.slice(to));
}
const unmet = sections.flatMap((section) => section.targets).filter((t) => !t.met);
console.log(
  `\nwrote ${target.slice(ROOT.length)} in ${minutes.toFixed(1)} min; ${unmet.length === 0 ? 'every target met' : `targets not met: ${unmet.map((t) => t.name).join('; ')}`}`,
);
