/**
 * The seed's story, as a Node service would tell it: a visitor browses anonymously, signs up as
 * Michael Bolton on his iPhone, the anonymous history is aliased to him, and he signs up.
 * `npm run demo` runs it against the bundled Connect emulator.
 */
import { ConnectClient, type ConnectClientOptions, type DeliveryReport } from 'zendesk-connect';

export async function quickstart(options: ConnectClientOptions): Promise<DeliveryReport> {
  const connect = new ConnectClient(options);
  connect.on('warning', ({ warning }) => console.log(`  warning: ${warning.message}`));
  connect.on('error', ({ error, type }) => console.error(`  ${type} failed: ${error.message}`));

  const anonymousId = crypto.randomUUID();
  await connect.identify({ anonymousId, traits: { landingPage: '/pricing' } });
  await connect.track({ anonymousId, event: 'Viewed Pricing', properties: { plan: 'Startup' } });

  await Promise.all([
    connect.identify({
      userId: '019mr8mf4r',
      traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '1234567890' },
      context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
    }),
    connect.alias({ userId: '019mr8mf4r', previousId: anonymousId }),
  ]);
  await connect.track({
    userId: '019mr8mf4r',
    event: 'Signed Up',
    properties: { plan: 'Startup', source: 'Analytics Academy' },
  });

  return connect.close({ timeout: 5_000 });
}
