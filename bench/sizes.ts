/**
 * Bundle sizes: each door of this SDK as an app would import it, beside the browser SDKs a page
 * would otherwise load, all bundled the same way (esbuild, minified, ESM, then gzip level 9).
 * Needs the built package (`npm run build`). Run: `npx tsx bench/sizes.ts`.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type BenchOptions, isMain, round, runAlone, type Section } from './lib/report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));

interface Entry {
  name: string;
  kind: 'this SDK' | 'browser peer';
  platform: 'browser' | 'neutral';
  code: string;
  /** Where imports resolve from: the repository for our doors, bench/ for the peers. */
  from: string;
}

const ENTRIES: Entry[] = [
  {
    name: 'zendesk-connect/browser',
    kind: 'this SDK',
    platform: 'browser',
    code: "import { createBrowserClient } from './dist/browser.js'; createBrowserClient({ endpoint: '/api/connect' });",
    from: ROOT,
  },
  {
    name: 'zendesk-connect/proxy',
    kind: 'this SDK',
    platform: 'neutral',
    code: "import { createConnectProxy } from './dist/proxy.js'; console.log(createConnectProxy);",
    from: ROOT,
  },
  {
    name: 'zendesk-connect (ConnectClient, for servers)',
    kind: 'this SDK',
    platform: 'neutral',
    code: "import { ConnectClient } from './dist/index.js'; new ConnectClient({ apiKey: 'k' });",
    from: ROOT,
  },
  {
    name: 'zendesk-connect, the mappers alone',
    kind: 'this SDK',
    platform: 'neutral',
    code: "import { mapIdentify, mapTrack, mapAlias } from './dist/index.js'; console.log(mapIdentify, mapTrack, mapAlias);",
    from: ROOT,
  },
  {
    name: 'zendesk-connect/testing (the emulator, for tests)',
    kind: 'this SDK',
    platform: 'neutral',
    code: "import { createConnectEmulator } from './dist/testing.js'; createConnectEmulator();",
    from: ROOT,
  },
  {
    name: '@segment/analytics-next 1.84.3',
    kind: 'browser peer',
    platform: 'browser',
    code: "import { AnalyticsBrowser } from '@segment/analytics-next'; AnalyticsBrowser.load({ writeKey: 'k' });",
    from: BENCH,
  },
  {
    name: 'posthog-js-lite 4.12.1',
    kind: 'browser peer',
    platform: 'browser',
    code: "import PostHog from 'posthog-js-lite'; new PostHog('k');",
    from: BENCH,
  },
];

/** Minified + gzipped bytes of `entry` bundled on its own. */
async function bundledBytes(entry: Entry): Promise<number> {
  const result = await build({
    stdin: { contents: entry.code, resolveDir: entry.from, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: entry.platform,
    mainFields: ['browser', 'module', 'main'],
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles.reduce(
    (total, file) => total + gzipSync(file.contents, { level: 9 }).length,
    0,
  );
}

export async function measureSizes(_options: BenchOptions): Promise<Section> {
  const rows: Section['rows'] = [];
  const sizes = new Map<string, number>();
  for (const entry of ENTRIES) {
    const bytes = await bundledBytes(entry);
    sizes.set(entry.name, bytes);
    rows.push({ bundle: entry.name, kind: entry.kind, 'min+gzip KB': round(bytes / 1024, 2) });
  }
  const browser = sizes.get('zendesk-connect/browser') ?? Number.NaN;
  const peers = ENTRIES.filter((entry) => entry.kind === 'browser peer');
  const smallestPeer = Math.min(...peers.map((entry) => sizes.get(entry.name) ?? Number.NaN));
  return {
    title: 'Bundle size',
    about:
      'Each bundle is what an app importing it would ship: esbuild (bundle, minify, ESM; the browser platform for browser SDKs), then gzip level 9. The peers load more code later from their CDN (analytics-next its destinations); only what the app bundles is counted.',
    rows,
    targets: [
      {
        name: 'browser door vs every browser peer',
        target: 'smaller than each',
        measured: `${round(browser / 1024, 2)} KB vs ${round(smallestPeer / 1024, 2)} KB (smallest peer)`,
        met: browser < smallestPeer,
      },
    ],
  };
}

if (isMain(import.meta.url)) await runAlone(measureSizes);
