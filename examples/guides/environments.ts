/** docs/environments.md's snippets, type-checked. */
import { ConnectClient } from 'zendesk-connect';

// #region config
// One key per Connect environment (development, production), from configuration; the same code
// runs everywhere.
const connect = new ConnectClient({
  apiKey: process.env.CONNECT_API_KEY ?? '',
  // unset in production (Connect's own address); the emulator in development and CI
  baseUrl: process.env.CONNECT_BASE_URL || undefined,
  // a plain-http emulator in docker-compose (http://connect-emulator:4010) needs this
  allowInsecureHttp: process.env.CONNECT_BASE_URL?.startsWith('http://') ?? false,
  // unit tests and local runs without Connect: calls are checked and mapped, nothing is sent
  enabled: process.env.CONNECT_ENABLED !== 'false',
});
// #endregion

// #region shutdown
// On SIGTERM (a deploy, a scale-down), deliver what is queued before the process ends.
process.once('SIGTERM', async () => {
  const { delivered, failed, dropped } = await connect.close({ timeout: 8_000 });
  console.log(`connect: ${delivered} delivered, ${failed} failed, ${dropped} dropped`);
  process.exit(0);
});
// #endregion
