import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { post } from './doors';

function startCli(
  args: string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  url: Promise<string>;
  output: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+) /.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.once('exit', () => reject(new Error(`connect-emulator exited early:\n${output}`)));
  });
  return { child, url, output: () => output };
}

describe('the connect-emulator CLI', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'serves Connect and the debugger page, and stops cleanly on %s',
    async (signal) => {
      const cli = startCli(['--port', '0', '--key', 'cli-key']);
      const url = await cli.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(
        (await fetch(`${url}/v2/track`, post({ user_id: 'u', event: 'CLI Works' }))).status,
      ).toBe(401);
      const accepted = await fetch(
        `${url}/v2/track`,
        post({ user_id: 'u', event: 'CLI Works' }, { 'X-Outbound-Key': 'cli-key' }),
      );
      expect(accepted.status).toBe(200);
      expect(await (await fetch(`${url}/`)).text()).toContain('<title>Connect emulator</title>');
      expect((await (await fetch(`${url}/_emulator/state`)).json()).eventCounts).toStrictEqual([
        { event: 'CLI Works', count: 1 },
      ]);
      cli.child.kill(signal);
      const [code] = await once(cli.child, 'exit');
      expect(code).toBe(0);
      expect(cli.output()).toContain(`Connect emulator stopped (${signal})`);
    },
    30_000,
  );

  it('prints a line per request with what Connect said, the refused ones included, unless --quiet', async () => {
    const cli = startCli(['--port', '0', '--key', 'cli-key-0123456789abcdef']);
    const url = await cli.url;
    expect(cli.output()).toBe(`Connect emulator listening on ${url} (debugger: ${url}/)\n`);
    await fetch(
      `${url}/v2/track/batch`,
      post(
        [
          { user_id: 'u', event: 'A' },
          { user_id: 'u', event: 'B' },
        ],
        { 'X-Outbound-Key': 'cli-key-0123456789abcdef' },
      ),
    );
    await fetch(
      `${url}/v2/track`,
      post({ user_id: 'u', event: 'A' }, { 'X-Outbound-Key': 'old-key-aaaabbbbccccdddd' }),
    );
    await fetch(
      `${url}/v2/track/batch`,
      post([{ user_id: 'u', event: 'A' }, { user_id: 'u' }], {
        'X-Outbound-Key': 'cli-key-0123456789abcdef',
      }),
    );
    await fetch(`${url}/_emulator/reset`, post({}));
    await expect.poll(() => cli.output().split('\n').length, { timeout: 2_000 }).toBe(6);
    const lines = cli.output().split('\n').slice(1, 5);
    expect(lines.map((line) => line.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''))).toStrictEqual([
      'POST /v2/track/batch 200 ok (2 items)',
      'POST /v2/track 401 X-Outbound-Key is missing or not a valid key (1 item, key ****dddd)',
      'POST /v2/track/batch 400 [1].event is required (2 items, key ****cdef)',
      '(reset: users, events, requests and faults forgotten)',
    ]);
    expect(cli.output()).not.toContain('old-key-aaaabbbbccccdddd');
    cli.child.kill('SIGTERM');
    await once(cli.child, 'exit');

    const quiet = startCli(['--port', '0', '--quiet']);
    const quietUrl = await quiet.url;
    await fetch(
      `${quietUrl}/v2/track`,
      post({ user_id: 'u', event: 'A' }, { 'X-Outbound-Key': '' }),
    );
    quiet.child.kill('SIGTERM');
    await once(quiet.child, 'exit');
    expect(quiet.output()).toBe(
      `Connect emulator listening on ${quietUrl} (debugger: ${quietUrl}/)\nConnect emulator stopped (SIGTERM)\n`,
    );
  }, 30_000);

  it('opens the debugger page with --open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connect-open-'));
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\necho "$1" > ${join(dir, 'opened')}\n`, { mode: 0o755 });
    const cli = startCli(['--port', '0', '--open', '--quiet'], { BROWSER: browser });
    const url = await cli.url;
    await expect
      .poll(() => {
        try {
          return readFileSync(join(dir, 'opened'), 'utf8');
        } catch {
          return '';
        }
      })
      .toBe(`${url}/\n`);
    cli.child.kill('SIGTERM');
    await once(cli.child, 'exit');
  }, 30_000);

  it('refuses a bad port with a clear message', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/node/cli.ts', '--port', 'http'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a whole number from 0 to 65535, not http');
  }, 30_000);

  /** Runs the CLI to its exit; its exit code and everything it wrote to stderr. */
  async function runToExit(...args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/cli.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    return { code, stderr };
  }

  it('answers an unknown flag with one line and exit code 2, not a stack trace', async () => {
    expect(await runToExit('--bogus')).toStrictEqual({
      code: 2,
      stderr: "connect-emulator: Unknown option '--bogus' (see connect-emulator --help)\n",
    });
  }, 30_000);

  it('says a busy port is busy, in one line, with exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      expect(await runToExit('--port', String(port))).toStrictEqual({
        code: 1,
        stderr: `connect-emulator: 127.0.0.1:${port} is already in use (another emulator?); pick another with --port, or --port 0 for any free one\n`,
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 30_000);
});
