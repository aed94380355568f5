/** docs/testing.md's snippets, type-checked. */

// #region emulator
import { ConnectClient } from 'zendesk-connect';
import { createConnectEmulator } from 'zendesk-connect/testing';

const emulator = createConnectEmulator({ apiKeys: ['test-key'] });
const connect = new ConnectClient({ apiKey: 'test-key', fetch: emulator.fetch });

await connect.identify({ userId: 'u1', traits: { name: 'Ann Lee' } });
emulator.users.get('u1'); // { user_id: 'u1', first_name: 'Ann', last_name: 'Lee', … }
emulator.events; // every event received
emulator.calls; // every request: method, path, headers (key masked), body, status, time
emulator.writes; // every message applied, in order: kind, ids, body, the request's GUID
emulator.writesOf('u1').map((write) => write.kind); // ['identify']: one user's writes, in order
// #endregion

// #region faults
emulator.faults.failNext(2, 503, { retryAfter: 1 }); // two 503s with Retry-After, then normal
emulator.faults.failEvery(10, 503, { retryAfter: 0 }); // every tenth request, until cleared
emulator.faults.dropNext(1); // a dropped connection (fetch rejects)
emulator.faults.delay(5_000, 1); // one slow answer (applied first, answered late)
emulator.faults.refuse((m) => (m as { event?: string }).event === 'poison'); // 400 for these items
emulator.faults.use(({ sequence }) =>
  sequence % 10 === 0 ? { kind: 'fail', status: 500 } : undefined,
);
emulator.faults.clear();
emulator.reset(); // users, events, calls, writes and faults
// #endregion

// #region debugger
// Your app, pointed at `npx connect-emulator` instead of Connect:
const local = new ConnectClient({
  apiKey: process.env.CONNECT_API_KEY ?? 'test-key',
  baseUrl: 'http://127.0.0.1:4010',
});
// #endregion
void local;

// #region limits
const limited = createConnectEmulator({ maxBodyBytes: 300 * 1024 }); // larger bodies get 413
// #endregion
void limited;

await connect.close();
