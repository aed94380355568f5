/**
 * Starts a server in a child process, so that it does not share the client's thread: the
 * emulator's CLI, or the sink (bench/sink-server.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/node/cli.ts', import.meta.url));
const SINK = fileURLToPath(new URL('./sink-server.ts', import.meta.url));

export interface ChildServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The emulator's loopback server, `--quiet` (a line per request would cost the benchmark its throughput). */
export function startChildEmulator(args: string[] = []): Promise<ChildServer> {
  return startChild([CLI, '--port', '0', '--quiet', ...args], 'emulator');
}

/** The sink: parses each request's JSON, counts its messages, answers 200. */
export function startChildSink(): Promise<ChildServer> {
  return startChild([SINK], 'sink');
}

function startChild(args: string[], name: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+) /.exec(output);
      if (match?.[1]) {
        resolve({
          url: match[1],
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${output}`)));
  });
}
