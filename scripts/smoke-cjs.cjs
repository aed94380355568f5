// The CJS build must load where `require` of ESM does not exist (Node < 20.19): ky is inlined.
// Run: npx -y node@20.18.0 scripts/smoke-cjs.cjs. Writes reports/smoke-cjs-node-<version>.json.
const fs = require('node:fs');
const { ConnectClient } = require('../dist/index.cjs');
const { createConnectEmulator } = require('../dist/testing.cjs');
require('../dist/proxy.cjs');
require('../dist/browser.cjs');

async function main() {
  const emulator = createConnectEmulator();
  const connect = new ConnectClient({ apiKey: 'cjs-key', fetch: emulator.fetch });
  await connect.track({ userId: 'u1', event: 'From CJS' });
  const ok = emulator.events.length === 1 && emulator.events[0].event === 'From CJS';
  const report = {
    runtime: `node ${process.version} (CJS)`,
    passed: ok ? 1 : 0,
    failed: ok ? 0 : 1,
  };
  fs.mkdirSync('reports', { recursive: true });
  fs.writeFileSync(`reports/smoke-cjs-node-${process.versions.node}.json`, JSON.stringify(report));
  console.log(`${report.runtime}: ${report.passed} passed, ${report.failed} failed`);
  process.exitCode = ok ? 0 : 1;
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
