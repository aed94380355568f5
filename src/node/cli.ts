#!/usr/bin/env node
/** `connect-emulator [--port 4010] [--key KEY]…`: a local Connect on loopback, with its events page. */
import { parseArgs } from 'node:util';
import { createConnectEmulator } from '../testing/emulator';
import { startConnectEmulatorServer } from './emulator-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    key: { type: 'string', multiple: true },
    lenient: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`connect-emulator: a local Zendesk Connect for tests and demos

  --port N     port to listen on (default 4010; 0 picks a free one)
  --host H     interface (default 127.0.0.1)
  --key KEY    accept only this X-Outbound-Key (repeatable; default: any non-empty key)
  --lenient    store what Connect documents as invalid instead of refusing it`);
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
console.log(`Connect emulator listening on ${server.url} (events page: ${server.url}/)`);

const stop = async (signal: string) => {
  await server.close();
  console.log(`Connect emulator stopped (${signal})`);
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
