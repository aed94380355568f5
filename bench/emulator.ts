/**
 * Requests per second of the loopback emulator server (in its own process, as the CLI runs it)
 * for single calls and for 100-item batches: it must be fast enough to be the server in the
 * delivery benchmarks. Run: `npm run bench:emulator` (`-- --quick` for a smoke run).
 */
import { Agent, request } from 'node:http';
import { startChildEmulator } from './loopback-server';

const quick = process.argv.includes('--quick');
const CONCURRENCY = 16;
const server = await startChildEmulator();
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const target = new URL(server.url);

function post(path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-outbound-key': 'bench-key',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(
  label: string,
  requests: number,
  path: string,
  body: (i: number) => unknown,
  perRequest: number,
) {
  const bodies = Array.from({ length: requests }, (_, i) => JSON.stringify(body(i)));
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests) {
      const status = await post(path, bodies[next++] as string);
      if (status !== 200) throw new Error(`${label}: status ${status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    label,
    requests,
    'requests/s': Math.round(requests / seconds),
    'messages/s': Math.round((requests * perRequest) / seconds),
  };
}

const event = (i: number) => ({
  user_id: `u${i % 500}`,
  event: 'Order Completed',
  properties: { total: i, items: [{ sku: `s${i}` }] },
  timestamp: 1_767_225_600 + i,
});
const user = (i: number) => ({
  user_id: `u${i % 5_000}`,
  email: `u${i}@example.com`,
  apns: [`t${i % 7}`],
  attributes: { plan: 'pro', n: i },
});
const rows = [
  await measure('track, single', quick ? 300 : 10_000, '/v2/track', event, 1),
  await measure('identify, single', quick ? 300 : 10_000, '/v2/identify', user, 1),
  await measure(
    'track, 100-item batch',
    quick ? 30 : 1_000,
    '/v2/track/batch',
    (i) => Array.from({ length: 100 }, (_, j) => event(i * 100 + j)),
    100,
  ),
  await measure(
    'identify, 100-item batch',
    quick ? 30 : 1_000,
    '/v2/identify/batch',
    (i) => Array.from({ length: 100 }, (_, j) => user(i * 100 + j)),
    100,
  ),
];
console.log(
  `loopback emulator server in its own process, ${CONCURRENCY} concurrent keep-alive requests (node ${process.version})`,
);
console.table(rows);
agent.destroy();
await server.stop();
