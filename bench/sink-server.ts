/**
 * A stand-in for any analytics API that only reads each request, parses its JSON and answers 200:
 * the ceiling any client can reach on this machine. It runs in its own process (bench/
 * loopback-server.ts starts it) and prints `sink listening on http://127.0.0.1:PORT ` when ready.
 *
 * It counts the messages it received, whatever the SDK's body shape: a JSON array (Connect's
 * batch endpoints), `{ batch: [...] }` (Segment, PostHog) or one object (a single call). A gzipped
 * body (PostHog's default) is inflated first. `GET /_sink/count` answers
 * `{"messages":N,"requests":N}` and `POST /_sink/reset` zeroes both.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

let messages = 0;
let requests = 0;

function countOf(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  const batch = (body as { batch?: unknown } | null)?.batch;
  return Array.isArray(batch) ? batch.length : 1;
}

const server = createServer((req, res) => {
  if (req.url === '/_sink/count') {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ messages, requests }));
    return;
  }
  if (req.url === '/_sink/reset') {
    req.resume();
    messages = requests = 0;
    res.writeHead(200, { 'content-length': '0' }).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const body: unknown = JSON.parse(raw.toString('utf8'));
      messages += countOf(body);
      requests++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' }).end('{}');
    } catch {
      res.writeHead(400, { 'content-length': '0' }).end();
    }
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`sink listening on http://127.0.0.1:${port} `);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
