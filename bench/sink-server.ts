/**
 * A Connect stand-in that only reads each request, parses its JSON and answers 200: the ceiling
 * any client can reach on this machine. Run in its own process by bench/import.ts; prints
 * `sink listening on http://127.0.0.1:PORT ` when ready.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let messages = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      messages += Array.isArray(body) ? body.length : 1;
      res.writeHead(200, { 'content-length': '0' }).end();
    } catch {
      res.writeHead(500, { 'content-length': '0' }).end();
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
  console.error(`sink: ${messages} messages`);
  process.exit(0);
});
