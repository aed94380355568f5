#!/usr/bin/env node
/** `connect-emulator [--port 4010] [--key KEY]… [--quiet] [--open]`: a local Connect on loopback, with its debugger page. */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createConnectEmulator, feedOf } from '../testing/emulator';
import { startConnectEmulatorServer } from './emulator-server';
import { requestLine } from './request-log';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    key: { type: 'string', multiple: true },
    lenient: { type: 'boolean', default: false },
    quiet: { type: 'boolean', short: 'q', default: false },
    open: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`connect-emulator: a local Zendesk Connect for tests and demos, with a live debugger page

  --port N     port to listen on (default 4010; 0 picks a free one)
  --host H     interface (default 127.0.0.1)
  --key KEY    accept only this X-Outbound-Key (repeatable; default: any non-empty key)
  --lenient    store what Connect documents as invalid instead of refusing it
  --quiet, -q  no line per request (by default each prints its status and what Connect said)
  --open       open the debugger page in the browser ($BROWSER, or the system's)`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(
    `connect-emulator: --port must be a whole number from 0 to 65535, not ${values.port}`,
  );
  process.exit(2);
}

const emulator = createConnectEmulator({
  ...(values.key ? { apiKeys: values.key } : {}),
  strict: !values.lenient,
});
const server = await startConnectEmulatorServer({ port, host: values.host, emulator });
const page = `${server.url}/`;
console.log(`Connect emulator listening on ${server.url} (debugger: ${page})`);

if (!values.quiet) {
  feedOf(emulator)?.subscribe((message) => {
    if (message.type === 'request' && message.request.state !== 'pending')
      console.log(requestLine(message.request));
    else if (message.type === 'reset')
      console.log('(reset: users, events, requests and faults forgotten)');
  });
}

if (values.open) {
  const [command, ...args] = process.env.BROWSER
    ? [process.env.BROWSER]
    : process.platform === 'darwin'
      ? ['open']
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '""']
        : ['xdg-open'];
  const opener = spawn(command as string, [...args, page], { stdio: 'ignore', detached: true });
  opener.on('error', () =>
    console.error(`connect-emulator: could not open a browser; the page is ${page}`),
  );
  opener.unref();
}

const stop = async (signal: string) => {
  await server.close();
  console.log(`Connect emulator stopped (${signal})`);
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
