// A smoke test of the built ESM package, runnable as-is by Node, Deno and Bun: real calls through
// ConnectClient into the emulator's fetch handler, and over a real loopback socket with the
// runtime's own fetch. Prints `N passed, N failed` and writes reports/smoke-<runtime>.json for
// CI's summary.
import { ConnectClient, ServerError, ValidationError } from '../dist/index.js';
import { createConnectEmulator } from '../dist/testing.js';

const runtime = globalThis.Deno
  ? `deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${globalThis.Bun.version}`
    : `node ${process.version}`;
const results = [];
async function check(name, run) {
  try {
    await run();
    results.push({ name, ok: true });
  } catch (error) {
    results.push({ name, ok: false, error: String(error?.stack ?? error) });
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const emulator = createConnectEmulator({ apiKeys: ['smoke-key'] });
const connect = new ConnectClient({
  apiKey: 'smoke-key',
  fetch: emulator.fetch,
  retry: { initialDelay: 10 },
  defaultCountry: 'US',
});

await check('identify maps and delivers', async () => {
  const result = await connect.identify({
    userId: 'u1',
    traits: { name: 'Michael Bolton', phone: '(415) 555-2671', timezone: 'asia/calcutta' },
  });
  assert(result.attempts === 1, `attempts ${result.attempts}`);
  const user = emulator.users.get('u1');
  assert(
    user?.first_name === 'Michael' &&
      user.phone_number === '+14155552671' &&
      user.timezone === 'Asia/Kolkata',
    JSON.stringify(user),
  );
});
await check('tracks are batched', async () => {
  await Promise.all(
    Array.from({ length: 150 }, (_, i) => connect.track({ userId: 'u1', event: `e${i}` })),
  );
  const batches = emulator.calls
    .filter((call) => call.path === '/v2/track/batch')
    .map((call) => call.body.length);
  assert(JSON.stringify(batches) === '[100,50]', JSON.stringify(batches));
});
await check('a 503 is retried with the same GUID', async () => {
  emulator.faults.failNext(1, 503);
  const before = emulator.calls.length;
  const result = await connect.alias({ userId: 'u1', previousId: 'anon' });
  const calls = emulator.calls.slice(before);
  assert(
    result.attempts === 2 &&
      calls[0].headers['x-outbound-guid'] === calls[1].headers['x-outbound-guid'],
    JSON.stringify(calls),
  );
});
await check('typed errors', async () => {
  let thrown;
  try {
    connect.track({ userId: 'u1', event: '' });
  } catch (error) {
    thrown = error;
  }
  assert(thrown instanceof ValidationError && thrown.issues[0].path === 'event', String(thrown));
  emulator.faults.failNext(10, 500);
  const strict = new ConnectClient({
    apiKey: 'smoke-key',
    fetch: emulator.fetch,
    maxRetries: 1,
    retry: { initialDelay: 5 },
  });
  const error = await strict.track({ userId: 'u1', event: 'x' }).catch((e) => e);
  assert(error instanceof ServerError && error.status === 500, String(error));
  emulator.faults.clear();
});
await check("over a loopback socket, with this runtime's own fetch and server", async () => {
  const { startConnectEmulatorServer } = await import('../dist/testing-node.js');
  const server = await startConnectEmulatorServer({ cors: false });
  try {
    const overHttp = new ConnectClient({ apiKey: 'smoke-key', baseUrl: server.url, logger: false });
    await overHttp.identify({ userId: 'u9', traits: { email: 'u9@example.com' } });
    await Promise.all([
      overHttp.track({ userId: 'u9', event: 'A' }),
      overHttp.track({ userId: 'u8', event: 'B' }),
    ]);
    const report = await overHttp.close();
    assert(report.delivered === 3, JSON.stringify(report));
    assert(server.emulator.users.get('u9')?.email === 'u9@example.com', 'no user u9');
    assert(server.emulator.events.length === 2, `${server.emulator.events.length} events`);
  } finally {
    await server.close();
  }
});
await check('close reports exactly', async () => {
  const report = await connect.close();
  assert(
    report.delivered === 152 && report.failed === 0 && report.dropped === 0,
    JSON.stringify(report),
  );
});

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
for (const r of results)
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : `\n${r.error}`}`);
console.log(`${runtime}: ${passed} passed, ${failed} failed`);
const name = (
  globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : `node-${process.versions.node}`
).replace(/[^\w.-]/g, '');
const report = JSON.stringify({ runtime, passed, failed });
if (globalThis.Deno) {
  await globalThis.Deno.mkdir('reports', { recursive: true });
  await globalThis.Deno.writeTextFile(`reports/smoke-${name}.json`, report);
} else {
  const fs = await import('node:fs');
  fs.mkdirSync('reports', { recursive: true });
  fs.writeFileSync(`reports/smoke-${name}.json`, report);
}
if (failed > 0) globalThis.Deno ? globalThis.Deno.exit(1) : process.exit(1);
