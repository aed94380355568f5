import { execFile } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectEmulatorServer, startConnectEmulatorServer } from '../../src/node/testing';
import { createConnectEmulator } from '../../src/testing/index';
import { CLI, generateRows, KEY, rowOf, runCli, scratch, writeNdjson } from './support';

/** Runs a shell command under a pseudo-terminal (util-linux `script`); resolves with what it printed. */
function underTerminal(
  command: string,
  env: Record<string, string>,
): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    execFile(
      'script',
      ['-qec', command, '/dev/null'],
      { env: { ...process.env, ...env }, maxBuffer: 1 << 26 },
      (error, stdout) => resolve({ code: Number(error?.code ?? 0), screen: stdout }),
    );
  });
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

describe('the zendesk-connect import command', () => {
  let server: ConnectEmulatorServer;
  let dir: string;
  let input: string;
  const generated = generateRows(20_000, 300);
  const valid = generated.kinds.filter((k) => k === 'identify' || k === 'track').length;
  beforeAll(async () => {
    server = await startConnectEmulatorServer({
      emulator: createConnectEmulator({ apiKeys: [KEY] }),
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.emulator.reset();
    dir = scratch();
    input = writeNdjson(join(dir, 'rows.ndjson'), generated.lines);
  });

  it('shows a progress bar on a terminal (rows/s, accepted, failed, ETA)', async () => {
    const command = [
      process.execPath,
      '--import',
      'tsx',
      CLI,
      'import',
      input,
      '--base-url',
      server.url,
    ]
      .map(quote)
      .join(' ');
    const { code, screen } = await underTerminal(command, { CONNECT_API_KEY: KEY });
    expect(code, screen).toBe(1); // done; the invalid rows are in the failed-rows file
    expect(screen).toMatch(
      /importing \[[█░]{30}\] \d+% \| \d+ rows \| \d+ rows\/s \| accepted \d+ \| failed \d+ \| ETA /,
    );
    expect(screen).toContain(`importing [${'█'.repeat(30)}] 100% | 20000 rows`);
    expect(screen).toContain('\u001b['); // drawn in place
    expect(screen).not.toMatch(/^progress /m); // no plain lines on a terminal
    expect(screen).toContain('import complete');
    expect(server.emulator.writes).toHaveLength(valid);
  }, 60_000);

  it('prints plain progress lines when stderr is not a terminal', async () => {
    const run = await runCli(
      ['import', input, '--base-url', server.url, '--progress-interval', '0.2'],
      { env: { CONNECT_API_KEY: KEY } },
    );
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(line).toMatch(
        /^progress \d+\.\d% \| \d+ rows \| \d+ rows\/s \| accepted \d+ \| failed \d+ \| skipped \d+ \| ETA \S+$/,
      );
    }
    expect(lines.at(-1)).toContain(`progress 100.0% | 20000 rows`);
    expect(run.stdout).toContain(`rows: 20000 — ${valid} accepted`);
  }, 60_000);

  it('takes the key from --key-file, and never from the command line', async () => {
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `${KEY}\n`);
    const ok = await runCli([
      'import',
      input,
      '--base-url',
      server.url,
      '--key-file',
      keyFile,
      '--json',
    ]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'complete', rows: { accepted: valid } });

    const refused = await runCli([
      'import',
      input,
      '--key',
      'sekrit-value',
      '--base-url',
      server.url,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'zendesk-connect import: the key is never taken from the command line (shell history, ps): set CONNECT_API_KEY or pass --key-file\n',
    );
    expect(refused.stderr + refused.stdout).not.toContain('sekrit-value');

    const none = await runCli(['import', input, '--base-url', server.url, '--restart']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'zendesk-connect import: no key: set CONNECT_API_KEY or pass --key-file (a file holding the key)\n',
    );
  }, 60_000);

  it('stops (exit 3) when Connect refuses the key, and a rerun with the right one continues', async () => {
    const wrong = await runCli(['import', input, '--base-url', server.url, '--json'], {
      env: { CONNECT_API_KEY: 'not-the-key' },
    });
    expect(wrong.code).toBe(3);
    const stopped = JSON.parse(wrong.stdout);
    expect(stopped.status).toBe('stopped');
    expect(stopped.reason).toMatch(/^AuthenticationError: Connect answered 401/);
    expect(wrong.stdout + wrong.stderr).not.toContain(KEY);
    expect(server.emulator.writes).toEqual([]);

    const right = await runCli(['import', input, '--base-url', server.url, '--json'], {
      env: { CONNECT_API_KEY: KEY },
    });
    expect(JSON.parse(right.stdout)).toMatchObject({
      status: 'complete',
      rows: { accepted: valid },
    });
    expect(new Set(server.emulator.writes.map(rowOf)).size).toBe(valid);
    expect(server.emulator.writes).toHaveLength(valid);
  }, 60_000);

  it('refuses a checkpoint of changed inputs; --restart starts over', async () => {
    const first = await runCli(['import', input, '--base-url', server.url, '--json'], {
      env: { CONNECT_API_KEY: KEY },
    });
    expect(first.code).toBe(1);
    utimesSync(input, new Date(), new Date(Date.now() + 5_000));
    const changed = await runCli(['import', input, '--base-url', server.url], {
      env: { CONNECT_API_KEY: KEY },
    });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(
      /^zendesk-connect import: the checkpoint .*rows\.ndjson\.checkpoint belongs to other inputs or options \(.*rows\.ndjson changed since\); pass the same ones, another --checkpoint, or --restart to import from the start\n$/,
    );
    const restarted = await runCli(
      ['import', input, '--base-url', server.url, '--restart', '--json'],
      {
        env: { CONNECT_API_KEY: KEY },
      },
    );
    expect(JSON.parse(restarted.stdout)).toMatchObject({
      status: 'complete',
      rows: { accepted: valid },
    });
    // --restart starts the failed-rows file over too.
    const failed = readFileSync(`${input}.failed.ndjson`, 'utf8').trim().split('\n');
    expect(failed).toHaveLength(generated.kinds.filter((k) => k === 'invalid').length);
  }, 60_000);

  it('answers usage errors with one line and exit 2, and --help with 0', async () => {
    const help = await runCli(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: zendesk-connect import [options] <file...>');
    expect(help.stdout).toContain('Exit codes:');

    const cases: Array<[string[], string]> = [
      [
        ['import', input, '--concurrency', '0'],
        '--concurrency must be a whole number from 1 to 64, not 0',
      ],
      [['import', 'nope.ndjson'], 'cannot read nope.ndjson: ENOENT'],
      [
        ['import', 'test/import/fixtures/users.csv'],
        'test/import/fixtures/users.csv is CSV: say what it holds with --type users or --type events',
      ],
      [['import'], "missing required argument 'file'"],
      [['import', input, '--base-url', 'http://example.com'], 'must use https'],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, { env: { CONNECT_API_KEY: KEY } });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^zendesk-connect import: /);
      expect(run.stderr).toContain(message);
    }
  }, 60_000);
});
