/** Generated inputs, the CLI as a child process, and checks of what the emulator applied. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EmulatedWrite } from '../../src/testing/index';

export const KEY = 'import-test-key-0123456789abcdef';
export const CLI = 'src/node/zendesk-connect.ts';

/** A fresh temporary directory. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'zc-import-'));
}

/** What a generated row is. */
export type RowKind = 'identify' | 'track' | 'page' | 'invalid';

export interface Generated {
  lines: string[];
  kinds: RowKind[];
  /** The user of each row (also for invalid ones, where it has one). */
  users: string[];
  /** Epoch seconds of each track. */
  times: Map<number, number>;
}

/**
 * `count` Segment-style rows over `users` users, numbered by the row (`row` in traits and
 * properties), deterministic. About 1 in 10 is an identify, 1 in 40 invalid, 1 in 200 a page.
 */
export function generateRows(count: number, users = 2_000): Generated {
  const lines: string[] = [];
  const kinds: RowKind[] = [];
  const userOf: string[] = [];
  const times = new Map<number, number>();
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let row = 0; row < count; row++) {
    const user = `user-${Math.floor(random() * users)}`;
    userOf.push(user);
    const dice = random();
    const timestamp = new Date(Date.UTC(2019, 0, 1) + row * 61_000).toISOString();
    if (dice < 0.1) {
      kinds.push('identify');
      lines.push(
        JSON.stringify({
          type: 'identify',
          userId: user,
          traits: { row, email: `${user}@example.com`, plan: row % 3 ? 'pro' : 'free' },
          messageId: `m-${row}`,
          receivedAt: timestamp,
        }),
      );
    } else if (dice < 0.125) {
      kinds.push('invalid');
      const variant = row % 4;
      lines.push(
        variant === 0
          ? JSON.stringify({ type: 'track', userId: user, event: '', timestamp })
          : variant === 1
            ? JSON.stringify({ type: 'track', userId: user, event: 'No Time' })
            : variant === 2
              ? `{"type":"track","userId":"${user}",`
              : JSON.stringify({ type: 'identify', traits: { row } }),
      );
    } else if (dice < 0.13) {
      kinds.push('page');
      lines.push(JSON.stringify({ type: 'page', userId: user, name: 'Home', timestamp }));
    } else {
      kinds.push('track');
      times.set(row, Date.parse(timestamp) / 1000);
      lines.push(
        JSON.stringify({
          type: 'track',
          userId: user,
          event: 'Order Completed',
          properties: { row, total: row % 100 },
          timestamp,
          context: { library: { name: 'analytics.js' } },
        }),
      );
    }
  }
  return { lines, kinds, users: userOf, times };
}

/** Writes rows as NDJSON (gzipped when the name ends in .gz). */
export function writeNdjson(path: string, lines: readonly string[]): string {
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

/** The row number a write carries (`row` in its attributes or properties). */
export function rowOf(write: EmulatedWrite): number {
  const body = write.body as { attributes?: { row?: unknown }; properties?: { row?: unknown } };
  return Number(body.attributes?.row ?? body.properties?.row);
}

/** Each user's rows, in the order the emulator applied them. */
export function appliedRowsByUser(writes: readonly EmulatedWrite[]): Map<string, number[]> {
  const byUser = new Map<string, number[]>();
  for (const write of writes) {
    const rows = byUser.get(write.ids[0] as string) ?? [];
    rows.push(rowOf(write));
    byUser.set(write.ids[0] as string, rows);
  }
  return byUser;
}

/** Each user's rows that should reach Connect, in file order. */
export function expectedRowsByUser(generated: Generated, upTo = generated.kinds.length) {
  const byUser = new Map<string, number[]>();
  for (let row = 0; row < upTo; row++) {
    const kind = generated.kinds[row];
    if (kind !== 'identify' && kind !== 'track') continue;
    const user = generated.users[row] as string;
    const rows = byUser.get(user) ?? [];
    rows.push(row);
    byUser.set(user, rows);
  }
  return byUser;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when it exits. */
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
  stdout(): string;
  stderr(): string;
}

/** Starts `zendesk-connect` (the TypeScript source, through tsx) as a child process. */
export function startCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), CLI), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd ?? process.cwd(),
    env: { ...withoutKey(process.env), ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

function withoutKey(env: NodeJS.ProcessEnv): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && name !== 'CONNECT_API_KEY') copy[name] = value;
  }
  return copy;
}

/** Runs the CLI to its end. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
) {
  return startCli(args, options).done;
}
