// Bundles each door as an app would import it (esbuild, minified, browser platform for the
// browser door) and fails when a door, or the debugger page's script or style, passes its budget
// (gzip bytes). A budget is what the door weighs today plus a little. Of the main entry,
// libphonenumber-js (its code and the phone metadata without display formats, ~20 KB) is about
// half; zod/mini (~7 KB), the generated time zone table (~5 KB) and our own code make the rest.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const doors = [
  {
    door: 'zendesk-connect/browser',
    code: "import { createBrowserClient } from './dist/browser.js'; createBrowserClient({ endpoint: '/api/connect' });",
    budget: 8 * 1024,
    platform: 'browser',
  },
  {
    door: 'zendesk-connect',
    code: "import { ConnectClient } from './dist/index.js'; new ConnectClient({ apiKey: 'k' });",
    budget: 47 * 1024,
    platform: 'neutral',
  },
  {
    door: 'zendesk-connect (mappers only)',
    code: "import { mapIdentify, mapTrack, mapAlias } from './dist/index.js'; console.log(mapIdentify, mapTrack, mapAlias);",
    budget: 40 * 1024,
    platform: 'neutral',
  },
  {
    door: 'zendesk-connect/schemas',
    code: "import * as schemas from './dist/schemas.js'; console.log(schemas);",
    budget: 28 * 1024,
    platform: 'neutral',
  },
  {
    door: 'zendesk-connect/testing',
    code: "import { createConnectEmulator } from './dist/testing.js'; createConnectEmulator();",
    budget: 40 * 1024,
    platform: 'neutral',
  },
  {
    door: 'zendesk-connect/testing/msw',
    code: "import { connectHandlers } from './dist/testing-msw.js'; console.log(connectHandlers);",
    budget: 40 * 1024,
    platform: 'neutral',
    external: ['msw'],
  },
  {
    door: 'zendesk-connect/testing/node',
    code: "import { startConnectEmulatorServer } from './dist/testing-node.js'; console.log(startConnectEmulatorServer);",
    budget: 40 * 1024,
    platform: 'node',
  },
  {
    door: 'zendesk-connect/proxy/node',
    code: "import { toNodeListener } from './dist/proxy-node.js'; console.log(toNodeListener);",
    budget: 2 * 1024,
    platform: 'node',
  },
  {
    door: 'zendesk-connect/proxy',
    code: "import { createConnectProxy } from './dist/proxy.js'; console.log(createConnectProxy);",
    budget: 8 * 1024,
    platform: 'neutral',
  },
];

let over = 0;
const rows = [];
for (const { door, code, budget, platform, external = [] } of doors) {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    external,
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'error',
  });
  const bytes = gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
  const ok = bytes <= budget;
  if (!ok) over++;
  rows.push({ door, 'min+gzip KB': +(bytes / 1024).toFixed(2), 'budget KB': budget / 1024, ok });
}
// The debugger page (GET / of the emulator) as it is served: its inline script and style, each
// with its own budget, since the page loads nothing else.
const { createConnectEmulator } = await import('../dist/testing.js');
const html = await (await createConnectEmulator().fetch('http://emulator.test/')).text();
const pageParts = [
  {
    door: 'debugger page: script',
    pattern: /<script type="module">([\s\S]*?)<\/script>/,
    budget: 7 * 1024,
  },
  { door: 'debugger page: style', pattern: /<style>([\s\S]*?)<\/style>/, budget: 2 * 1024 },
];
for (const { door, pattern, budget } of pageParts) {
  const text = pattern.exec(html)?.[1];
  if (!text) throw new Error(`size-check: the debugger page has no ${door}`);
  const bytes = gzipSync(text, { level: 9 }).length;
  const ok = bytes <= budget;
  if (!ok) over++;
  rows.push({ door, 'min+gzip KB': +(bytes / 1024).toFixed(2), 'budget KB': budget / 1024, ok });
}
console.table(rows);
if (over > 0) {
  console.error(`size-check: ${over} door(s) over budget`);
  process.exit(1);
}
