import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { post } from './doors';

function startCli(args: string[]): {
  child: ChildProcess;
  url: Promise<string>;
  output: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
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
});
