import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulatorCors } from '../testing/cors';
import { type ConnectEmulator, createConnectEmulator } from '../testing/emulator';
import { EmulatedConnectionDrop } from '../testing/faults';
import type { PlainRequest } from '../testing/plain-http';

/** Options of {@link startConnectEmulatorServer}. */
export interface ConnectEmulatorServerOptions {
  /** Port to listen on; `0` (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The emulator to serve. Default: a new one with default options. */
  emulator?: ConnectEmulator;
  /** Answer CORS preflights and allow any origin, for browser tests. Default `true`. */
  cors?: boolean;
}

/** A running loopback Connect emulator. */
export interface ConnectEmulatorServer {
  /** Base URL, e.g. `http://127.0.0.1:4010`: a client's `baseUrl`. */
  url: string;
  /** The emulator behind it, for its state and faults. */
  emulator: ConnectEmulator;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/**
 * Serves a Connect emulator over HTTP on loopback, for tests and benchmarks across processes.
 * A dropped-connection fault destroys the socket.
 *
 * @example
 * ```ts
 * import { startConnectEmulatorServer } from 'zendesk-connect/testing/node';
 *
 * const server = await startConnectEmulatorServer({ port: 4010 });
 * const connect = new ConnectClient({ apiKey: 'test-key', baseUrl: server.url });
 * // …
 * await server.close();
 * ```
 */
export async function startConnectEmulatorServer(
  options: ConnectEmulatorServerOptions = {},
): Promise<ConnectEmulatorServer> {
  const emulator = options.emulator ?? createConnectEmulator();
  const host = options.host ?? '127.0.0.1';
  const cors = options.cors ?? true;
  const server = createServer((req, res) => {
    serve(emulator, cors, req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    emulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(
  emulator: ConnectEmulator,
  cors: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  const header = (name: string) => {
    const value = req.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  const allowed = cors
    ? emulatorCors(header('origin'), header('access-control-request-headers'))
    : {};
  const method = req.method ?? 'GET';
  if (cors && method === 'OPTIONS' && header('access-control-request-method') !== null) {
    res.writeHead(204, allowed).end();
    return;
  }
  const url = req.url ?? '/';
  const question = url.indexOf('?');
  const request: PlainRequest = {
    method,
    path: question < 0 ? url : url.slice(0, question),
    query: question < 0 ? '' : url.slice(question + 1),
    header,
    headers: () => {
      const all: Record<string, string> = {};
      for (const name of Object.keys(req.headers)) all[name] = header(name) ?? '';
      return all;
    },
    text: async () => Buffer.concat(chunks).toString('utf8'),
    signal: aborted.signal,
  };
  let response: Awaited<ReturnType<ConnectEmulator['handle']>>;
  try {
    response = await emulator.handle(request);
  } catch (error) {
    if (error instanceof EmulatedConnectionDrop) {
      req.socket.destroy();
      return;
    }
    throw error;
  }
  if (response.stream) {
    res.writeHead(response.status, { ...response.headers, ...allowed });
    res.flushHeaders();
    const reader = response.stream.getReader();
    res.on('close', () => void reader.cancel().catch(() => {}));
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      res.write(chunk.value);
    res.end();
    return;
  }
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, {
    ...response.headers,
    ...allowed,
    'content-length': String(body.length),
  });
  res.end(body);
}
