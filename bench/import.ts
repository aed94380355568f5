/**
 * `zendesk-connect import` beside the client's own delivery rate, on the same 100,000 rows
 * (one identify in ten, the rest tracks, 10,000 users), against two servers in their own
 * processes: a sink that parses each request and answers 200 (the ceiling), and the emulator.
 * - ConnectClient alone: the calls already in memory, fed 200 per turn of the event loop;
 * - the import in this process (`runImport`): the NDJSON file read, parsed, validated, sent
 *   through ConnectClient, with its checkpoint written (and fsynced) before every request;
 * - the CLI (`dist/zendesk-connect.js` in a child process), timed from spawn to exit.
 * Run: `npm run bench:import` (`-- --quick` for a smoke run).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectClient } from '../src/index';
import { runImport } from '../src/node/import/import';
import { makeCorpus } from './corpus';
import { type BenchOptions, isMain, median, round, runAlone, type Section } from './lib/report';
import { startChildEmulator, startChildSink } from './loopback-server';

const KEY = 'bench-key-0123456789abcdef0123456';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARRIVAL_SLICE = 200;
const TARGET = 0.5;

/** Rows as Segment calls: one identify in ten, then that user's tracks. */
function makeRows(count: number): Array<{ type: 'identify' | 'track'; message: object }> {
  const corpus = makeCorpus(Math.ceil(count / 10), 5);
  const tracks = makeCorpus(count, 6).tracks;
  const rows: Array<{ type: 'identify' | 'track'; message: object }> = [];
  for (let i = 0; i < count; i++) {
    const identify = corpus.identifies[Math.floor(i / 10)] as { userId: string };
    if (i % 10 === 0) rows.push({ type: 'identify', message: identify });
    else rows.push({ type: 'track', message: { ...tracks[i], userId: identify.userId } });
  }
  return rows;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows per second of ConnectClient alone, fed the calls from memory. */
async function throughClient(url: string, rows: ReturnType<typeof makeRows>): Promise<number> {
  const client = new ConnectClient({ apiKey: KEY, baseUrl: url, maxQueueSize: rows.length });
  const started = performance.now();
  const settled: Promise<unknown>[] = [];
  for (let i = 0; i < rows.length; i++) {
    const { type, message } = rows[i] as (typeof rows)[number];
    settled.push(client[type](message as never));
    if (i % ARRIVAL_SLICE === ARRIVAL_SLICE - 1) await nextTurn();
  }
  const outcomes = await Promise.allSettled(settled);
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  const delivered = outcomes.filter((o) => o.status === 'fulfilled').length;
  if (delivered !== rows.length)
    throw new Error(`client: ${delivered} of ${rows.length} delivered`);
  return rows.length / seconds;
}

/** Rows per second of the import, in this process. */
async function throughImport(url: string, file: string, dir: string, count: number) {
  const started = performance.now();
  const summary = await runImport({
    files: [file],
    apiKey: KEY,
    baseUrl: url,
    checkpoint: join(dir, 'checkpoint'),
    failedFile: join(dir, 'failed.ndjson'),
    restart: true,
    progress: 'none',
  });
  const seconds = (performance.now() - started) / 1000;
  if (summary.rows.accepted !== count) throw new Error(`import: ${summary.rows.accepted} accepted`);
  return count / seconds;
}

/** Rows per second of the built CLI, spawn to exit. */
function throughCli(url: string, file: string, dir: string, count: number): number {
  const started = performance.now();
  const out = execFileSync(
    process.execPath,
    [
      join(ROOT, 'dist/zendesk-connect.js'),
      'import',
      file,
      '--base-url',
      url,
      '--checkpoint',
      join(dir, 'cli-checkpoint'),
      '--failed',
      join(dir, 'cli-failed.ndjson'),
      '--restart',
      '--json',
      '--progress',
      'none',
    ],
    { env: { ...process.env, CONNECT_API_KEY: KEY }, encoding: 'utf8' },
  );
  const seconds = (performance.now() - started) / 1000;
  const accepted = (JSON.parse(out) as { rows: { accepted: number } }).rows.accepted;
  if (accepted !== count) throw new Error(`CLI: ${accepted} accepted`);
  return count / seconds;
}

export async function measureImport({ quick }: BenchOptions): Promise<Section> {
  const count = quick ? 10_000 : 100_000;
  const rounds = quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'zc-bench-import-'));
  const rows = makeRows(count);
  const file = join(dir, 'rows.ndjson');
  writeFileSync(
    file,
    `${rows.map(({ type, message }) => JSON.stringify({ type, ...message })).join('\n')}\n`,
  );
  if (!existsSync(join(ROOT, 'dist/zendesk-connect.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const table: Section['rows'] = [];
  const targets: Section['targets'] = [];
  try {
    for (const [name, start] of [
      ['sink (parses, answers 200)', startChildSink],
      ['emulator', () => startChildEmulator()],
    ] as const) {
      const server = await start();
      const reset = async () => {
        if (name !== 'emulator') return;
        // A kept-alive socket the server has just closed fails once: try again.
        for (let attempt = 1; ; attempt++) {
          try {
            await fetch(`${server.url}/_emulator/reset`, { method: 'POST' });
            return;
          } catch (error) {
            if (attempt === 3) throw error;
          }
        }
      };
      const rates = { client: [] as number[], import: [] as number[], cli: [] as number[] };
      const ratios: number[] = [];
      try {
        if (!quick) {
          await throughClient(server.url, rows); // warm-up
          await reset();
          await throughImport(server.url, file, dir, count);
          await reset();
        }
        for (let r = 0; r < rounds; r++) {
          const client = await throughClient(server.url, rows);
          await reset();
          const imported = await throughImport(server.url, file, dir, count);
          await reset();
          rates.client.push(client);
          rates.import.push(imported);
          ratios.push(imported / client);
          rates.cli.push(throughCli(server.url, file, dir, count));
          await reset();
        }
      } finally {
        await server.stop();
      }
      const client = median(rates.client);
      const add = (path: string, rate: number) =>
        table.push({
          server: name,
          path,
          'rows/s': round(rate),
          '× client': round(rate / client, 2),
        });
      add('ConnectClient alone (calls from memory)', client);
      add('import, in process (file, parse, checkpoint)', median(rates.import));
      add('zendesk-connect import (CLI, spawn to exit)', median(rates.cli));
      if (name === 'emulator') {
        const ratio = median(ratios);
        targets.push({
          name: 'import vs the client’s own delivery (emulator)',
          target: `≥ ${TARGET}×`,
          measured: `${round(ratio, 2)}×`,
          met: ratio >= TARGET,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Bulk import',
    about: `${count.toLocaleString('en-US')} rows (one identify in ten, the rest tracks with their own timestamps) as one NDJSON file, imported with \`zendesk-connect import\` beside \`ConnectClient\` fed the same calls from memory (${ARRIVAL_SLICE} per turn of the event loop). Each server runs in its own process: a sink that parses each request and answers 200, and the emulator (emptied between runs). The import reads and parses the file, validates and maps every row, and writes its checkpoint (fsynced) before every request. ${quick ? 'One round.' : `A warm-up, then ${rounds} rounds; medians.`} The CLI is timed from spawn to exit (Node's start-up included).`,
    rows: table,
    targets,
  };
}

if (isMain(import.meta.url)) await runAlone(measureImport);
