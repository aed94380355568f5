/**
 * The package as users get it: built, packed, installed into empty
 * projects from the tarball, with nothing beyond the npm registry. What lands in node_modules,
 * how much, and whether every door type-checks and runs in the module setups people use.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/** The whole install, every file of zendesk-connect included: smaller than every peer's. */
const INSTALL_BUDGET = 2 * 1024 * 1024;

/** Every door, used: what each consumer project imports. */
const USES_EVERY_DOOR = `
const connect = new ConnectClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
const mapped: { path: string } = mapTrack({ userId: 'u1', event: 'E' });
const page = createBrowserClient({ endpoint: '/api/connect' });
const proxy = createConnectProxy({ client: connect, currentUser: () => null, secret: false });
const listener = toNodeListener(proxy);
const emulator = createConnectEmulator();
const handlers = connectHandlers(emulator);
const started = startConnectEmulatorServer;
const parsed = TrackMessageSchema;
export { connect, mapped, page, proxy, listener, handlers, started, parsed };
`;
const DOORS: Array<[string, string]> = [
  ['ConnectClient, mapTrack', 'zendesk-connect'],
  ['createBrowserClient', 'zendesk-connect/browser'],
  ['createConnectProxy', 'zendesk-connect/proxy'],
  ['toNodeListener', 'zendesk-connect/proxy/node'],
  ['createConnectEmulator', 'zendesk-connect/testing'],
  ['connectHandlers', 'zendesk-connect/testing/msw'],
  ['startConnectEmulatorServer', 'zendesk-connect/testing/node'],
  ['TrackMessageSchema', 'zendesk-connect/schemas'],
];

const npm = (cwd: string, ...args: string[]) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

function bytesUnder(path: string): number {
  const stat = lstatSync(path); // a link in .bin is not a second copy
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0);
}

function project(dir: string, files: Record<string, string>) {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('the packed package, installed', () => {
  let work: string;
  let tarball: string;
  let app: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'zc-install-'));
    npm(ROOT, 'run', 'build', '--silent');
    const packed = JSON.parse(
      npm(ROOT, 'pack', '--ignore-scripts', '--json', '--pack-destination', work),
    ) as Array<{
      filename: string;
    }>;
    tarball = join(work, packed[0]?.filename ?? '');
    app = project(join(work, 'app'), { 'package.json': '{ "name": "app", "private": true }' });
    npm(app, 'install', tarball);
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`installs nothing but itself, in at most ${INSTALL_BUDGET / 1024 / 1024} MB`, () => {
    const installed = readdirSync(join(app, 'node_modules')).filter(
      (name) => !name.startsWith('.'),
    );
    expect(installed).toStrictEqual(['zendesk-connect']);
    expect(bytesUnder(join(app, 'node_modules'))).toBeLessThanOrEqual(INSTALL_BUDGET);
  });

  it('runs from CommonJS and from ESM: a call reaches the emulator', () => {
    const script = (load: (door: string) => string) => `
const { ConnectClient } = ${load('zendesk-connect')};
const { createConnectEmulator } = ${load('zendesk-connect/testing')};
(async () => {
  const emulator = createConnectEmulator();
  const connect = new ConnectClient({ apiKey: 'k', fetch: emulator.fetch });
  await connect.identify({ userId: 'u1', traits: { email: 'a@b.co' } });
  await connect.close();
  console.log(JSON.stringify(emulator.users.get('u1').email));
})();`;
    project(app, {
      'run.cjs': script((door) => `require('${door}')`),
      'run.mjs': script((door) => `await import('${door}')`)
        .replace('(async () => {', '{')
        .replace('})();', '}'),
    });
    for (const file of ['run.cjs', 'run.mjs']) {
      expect(execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' }).trim()).toBe(
        '"a@b.co"',
      );
    }
  });

  it('installs both commands, which start from the installed package', () => {
    for (const [command, says] of [
      ['zendesk-connect', 'Usage: zendesk-connect'],
      ['connect-emulator', 'connect-emulator: a local Zendesk Connect'],
    ]) {
      const help = execFileSync(join(app, 'node_modules/.bin', command as string), ['--help'], {
        cwd: app,
        encoding: 'utf8',
      });
      expect(help).toContain(says);
    }
  });

  describe('type-checks every door, strict, without skipLibCheck', () => {
    beforeAll(() => {
      // The optional peers of the doors that show their types (msw, zod), and Node's types for
      // the Node doors: what a project using those doors has installed.
      npm(app, 'install', '--no-save', 'msw@2.15.0', 'zod@4.6.7', '@types/node@20.19.43');
    }, 240_000);

    const cases: Array<[string, Record<string, string | boolean>, string]> = [
      [
        'module commonjs (node10 resolution)',
        { module: 'commonjs', moduleResolution: 'node10' },
        'index.ts',
      ],
      ['module node16', { module: 'node16', moduleResolution: 'node16' }, 'index.mts'],
      ['moduleResolution bundler', { module: 'esnext', moduleResolution: 'bundler' }, 'index.ts'],
    ];
    for (const [name, options, file] of cases) {
      it(name, () => {
        const dir = project(join(app, name.replace(/\W+/g, '-')), {
          'tsconfig.json': JSON.stringify({
            compilerOptions: {
              ...options,
              strict: true,
              skipLibCheck: false,
              // As \`tsc --init\` sets it: zod's own declarations (the schemas door) need it.
              esModuleInterop: true,
              noEmit: true,
              target: 'es2022',
              lib: ['es2022', 'dom'],
              types: ['node'],
              typeRoots: [join(app, 'node_modules/@types')],
              ignoreDeprecations: '5.0',
            },
            files: [file],
          }),
          [file]: `${DOORS.map(([names, door]) => `import { ${names} } from '${door}';`).join('\n')}\n${USES_EVERY_DOOR}`,
        });
        const result = spawnSync(process.execPath, [TSC, '-p', dir], {
          cwd: app,
          encoding: 'utf8',
        });
        expect(result.stdout + result.stderr).toBe('');
      });
    }
  });
});
