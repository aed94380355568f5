/**
 * Install size: what `npm install <package>` puts in an empty project's node_modules, for this
 * SDK's packed tarball and for the server SDKs users would otherwise pick (the versions of
 * bench/package.json, from the registry). Needs the built package (`npm run build`) and the npm
 * registry. Run: `npx tsx bench/install-size.ts`.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchOptions, isMain, round, runAlone, type Section } from './lib/report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));
/** The budget of the lean-install issue. */
const BUDGET_BYTES = 2 * 1024 * 1024;
const PEERS = ['outbound', '@segment/analytics-node', 'posthog-node'] as const;

/** What the files under `path` take: their bytes, and the disk they use as `du` counts it. */
function sizeUnder(path: string): { bytes: number; disk: number } {
  const stat = lstatSync(path); // a link counts as itself, not as a second copy
  const own = { bytes: stat.isDirectory() ? 0 : stat.size, disk: stat.blocks * 512 };
  if (!stat.isDirectory()) return own;
  for (const name of readdirSync(path)) {
    const inner = sizeUnder(join(path, name));
    own.bytes += inner.bytes;
    own.disk += inner.disk;
  }
  return own;
}

/** The packages installed under a node_modules folder, nested ones included. */
function packagesUnder(modules: string): number {
  let count = 0;
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    const dirs = name.startsWith('@')
      ? readdirSync(join(modules, name)).map((scoped) => join(modules, name, scoped))
      : [join(modules, name)];
    for (const dir of dirs) {
      count++;
      const nested = join(dir, 'node_modules');
      if (lstatSync(dir).isDirectory() && readdirSync(dir).includes('node_modules')) {
        count += packagesUnder(nested);
      }
    }
  }
  return count;
}

/** Installs `spec` into an empty project; its node_modules' bytes and package count. */
function installed(spec: string): { bytes: number; disk: number; packages: number } {
  const app = mkdtempSync(join(tmpdir(), 'install-size-'));
  try {
    writeFileSync(join(app, 'package.json'), '{ "private": true }\n');
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', spec],
      { cwd: app, stdio: 'ignore' },
    );
    const modules = join(app, 'node_modules');
    return { ...sizeUnder(modules), packages: packagesUnder(modules) };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

/** This SDK packed as it would be published (the build must exist: prepack is skipped). */
function packedTarball(into: string): string {
  const output = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--silent', '--pack-destination', into],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return join(into, output.trim().split('\n').pop() as string);
}

const versionOf = (name: string): string =>
  (
    JSON.parse(readFileSync(join(BENCH, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    }
  ).dependencies[name] as string;

const megabytes = (bytes: number) => round(bytes / 2 ** 20, 2);

export async function measureInstallSize({ quick }: BenchOptions): Promise<Section> {
  const packDir = mkdtempSync(join(tmpdir(), 'install-size-pack-'));
  let ours: { bytes: number; disk: number; packages: number };
  try {
    ours = installed(packedTarball(packDir));
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  // The smoke run skips the peers: it checks the script, not the registry.
  const peers = quick
    ? []
    : PEERS.map((name) => ({
        name: `${name} ${versionOf(name)}`,
        ...installed(`${name}@${versionOf(name)}`),
      }));
  const all = [{ name: `zendesk-connect ${version} (packed from this build)`, ...ours }, ...peers];
  const rows: Section['rows'] = all.map((row) => ({
    package: row.name,
    'on disk MiB (du)': megabytes(row.disk),
    'file bytes MiB': megabytes(row.bytes),
    packages: row.packages,
  }));
  const smallestOnDisk = peers.reduce<(typeof peers)[number] | undefined>(
    (best, peer) => (best === undefined || peer.disk < best.disk ? peer : best),
    undefined,
  );
  const smallestInBytes = peers.reduce<(typeof peers)[number] | undefined>(
    (best, peer) => (best === undefined || peer.bytes < best.bytes ? peer : best),
    undefined,
  );
  return {
    title: 'Install size',
    about:
      "What `npm install` puts in an empty project's `node_modules` (`--ignore-scripts`): this SDK from the tarball `npm pack` makes of the build, the peers at the versions in bench/package.json from the registry, each with its own dependencies. **On disk** is what `du` reports (the blocks files and folders take: what a Docker layer, a CI cache or a Lambda volume pays, and how the lean-install issue measured); **file bytes** is the sum of the files' lengths (what a zip of them starts from). Links count once. This SDK's package also carries the emulator, the import command and the Redis door, which the peers do not have.",
    rows,
    readme: `\`npm install zendesk-connect\` puts **${megabytes(ours.disk)} MiB** on disk, one package, every door and command included (${peers.map((peer) => `${peer.name} ${megabytes(peer.disk)} MiB in ${peer.packages} packages`).join(', ')}).`,
    targets: [
      {
        name: 'installed size, no dependencies',
        target: '≤ 2 MiB on disk, 1 package',
        measured: `${megabytes(ours.disk)} MiB on disk (${megabytes(ours.bytes)} MiB of files), ${ours.packages} package${ours.packages === 1 ? '' : 's'}`,
        met: ours.disk <= BUDGET_BYTES && ours.packages === 1,
      },
      ...(smallestOnDisk && smallestInBytes
        ? [
            {
              name: 'installed size vs every server peer',
              target: 'smaller on disk than each',
              measured: `${megabytes(ours.disk)} MiB vs ${megabytes(smallestOnDisk.disk)} MiB (${smallestOnDisk.name}); in file bytes ${megabytes(ours.bytes)} MiB vs ${megabytes(smallestInBytes.bytes)} MiB (${smallestInBytes.name})`,
              met: ours.disk < smallestOnDisk.disk,
            },
          ]
        : []),
    ],
  };
}

if (isMain(import.meta.url)) await runAlone(measureInstallSize);
