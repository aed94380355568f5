/** docs/getting-started.md's snippet, type-checked. */

// #region client
import { ConnectClient } from 'zendesk-connect';

const connect = new ConnectClient({
  apiKey: process.env.CONNECT_API_KEY!, // the private key of your Connect environment
  defaultCountry: 'US', // how national phone numbers are read
});

await connect.identify({
  userId: '019mr8mf4r',
  traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '(415) 555-2671' },
  context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
});
await connect.track({ userId: '019mr8mf4r', event: 'Signed Up', properties: { plan: 'Startup' } });

// on shutdown: deliver what is queued, then stop
const { delivered, failed, dropped } = await connect.close({ timeout: 5_000 });
// #endregion

export const report = { delivered, failed, dropped };
