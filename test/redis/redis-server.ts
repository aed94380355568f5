/** Starts a real redis-server on a loopback port with its own data folder, and stops it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** A new client; closed by `stop()`. */
  client(): Redis;
  /** Kills the server with SIGKILL (no save, no goodbye). */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Append-only file on, with this fsync policy. Default: AOF off. */
  appendfsync?: 'always' | 'everysec' | 'no';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'zc-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    ...(options.appendfsync
      ? ['--appendonly', 'yes', '--appendfsync', options.appendfsync]
      : ['--appendonly', 'no']),
  ];
  let child: ChildProcess | undefined;
  const clients: Redis[] = [];
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          started.stdout?.off('data', onData);
          started.stdout?.resume();
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.resume();
      started.once('error', reject);
      started.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code}: ${output}`)),
      );
    });
  const exit = () =>
    new Promise<void>((resolve) => {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return resolve();
      current.once('exit', () => resolve());
    });
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    client() {
      const client = new Redis(port, '127.0.0.1', { lazyConnect: false });
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    async kill() {
      const done = exit();
      child?.kill('SIGKILL');
      await done;
    },
    restart: launch,
    async stop() {
      for (const client of clients) client.disconnect();
      const done = exit();
      child?.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
