/** Shared helpers of the Redis door's tests: worker processes, and reading the emulator's writes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatedWrite } from '../../src/testing/index';

const WORKER = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  events: Record<string, unknown>[];
  /** Requests sent and not answered yet, by GUID. */
  inFlight(): string[];
  waitFor(predicate: (event: Record<string, unknown>) => boolean, timeout?: number): Promise<void>;
  stop(): Promise<void>;
}

export function startWorkerProcess(name: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, ...env, WORKER_NAME: name },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        events.push(JSON.parse(line));
      } catch {
        // not ours
      }
      newline = buffer.indexOf('\n');
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    events,
    inFlight() {
      const open = new Set<string>();
      for (const event of events) {
        if (event.event === 'request') open.add(String(event.requestId));
        if (event.event === 'response') open.delete(String(event.requestId));
      }
      return [...open];
    },
    async waitFor(predicate, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      while (!events.some(predicate)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(
            `worker ${name}: the awaited event never came (${JSON.stringify(events.slice(-5))})`,
          );
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The step a test message carried (`traits.step` or `properties.step`). */
export function stepOf(write: EmulatedWrite): number {
  const body = write.body as { attributes?: { step?: number }; properties?: { step?: number } };
  return Number(body.attributes?.step ?? body.properties?.step);
}

/**
 * Checks a user's writes against call order: each message at least once, repeats only under the
 * GUID of its first copy (a request sent again after an ambiguous send), and never after a later
 * request of the user. Answers the problems found.
 */
export function orderProblems(
  user: string,
  writes: readonly EmulatedWrite[],
  expected: readonly number[],
): string[] {
  const problems: string[] = [];
  const firstGuid = new Map<number, string | undefined>();
  const sequence: number[] = [];
  for (const write of writes) {
    const step = stepOf(write);
    if (firstGuid.has(step)) {
      if (firstGuid.get(step) !== write.requestId) {
        problems.push(`${user}: step ${step} written again under another GUID`);
      }
      // A request sent again repeats its messages; none of the user's later requests may precede it.
      const later = sequence.slice(sequence.indexOf(step) + 1);
      const overtaken = later.filter((other) => firstGuid.get(other) !== write.requestId);
      if (overtaken.length > 0) {
        problems.push(`${user}: step ${step} written again after step ${overtaken.join(', ')}`);
      }
      continue;
    }
    firstGuid.set(step, write.requestId);
    sequence.push(step);
  }
  if (JSON.stringify(sequence) !== JSON.stringify(expected)) {
    problems.push(
      `${user}: applied ${JSON.stringify(sequence)}, called ${JSON.stringify(expected)}`,
    );
  }
  return problems;
}
