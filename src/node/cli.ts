#!/usr/bin/env node
/** `connect-emulator [--port 4010] [--key KEY]… [--quiet] [--open]`: a local Connect on loopback, with its debugger page. */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createConnectEmulator, feedOf } from '../testing/emulator';
import { startConnectEmulatorServer } from './emulator-server';
import { requestLine } from './request-log';

const OPTIONS = {
  port: { type: 'string', default: '4010' },
  host: { type: 'string', default: '127.0.0.1' },
  key: { type: 'string', multiple: true },
  lenient: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  open: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A one-line error and the usage exit code, instead of a stack trace. */
function usageError(message: string): never {
  console.error(`connect-emulator: ${message} (see connect-emulator --help)`);
  process.exit(2);
}

function parsedArguments() {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (error) {
    return usageError((error as Error).message.replace(/\. To specify.*$/s, ''));
  }
}

const { values } = parsedArguments();

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
  usageError(`--port must be a whole number from 0 to 65535, not ${values.port}`);
}

const emulator = createConnectEmulator({
  ...(values.key ? { apiKeys: values.key } : {}),
  strict: !values.lenient,
});
const server = await startConnectEmulatorServer({ port, host: values.host, emulator }).catch(
  (error: NodeJS.ErrnoException) => {
    const where = `${values.host}:${port}`;
    const why =
      error.code === 'EADDRINUSE'
        ? `${where} is already in use (another emulator?); pick another with --port, or --port 0 for any free one`
        : error.code === 'EACCES'
          ? `no permission to listen on ${where}; ports below 1024 need privileges`
          : `could not listen on ${where}: ${error.message}`;
    console.error(`connect-emulator: ${why}`);
    process.exit(1);
  },
);
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
