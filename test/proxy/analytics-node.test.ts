/**
 * The real `@segment/analytics-node` 3.1.0 pointed at the proxy over a loopback server: its
 * batches (JSON, HTTP Basic write key, `sentAt`) reach the emulator of their write key's
 * environment, mapped as `ConnectClient` maps the same calls; an unknown key is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectClient } from '../../src/index';
import { toNodeListener } from '../../src/node/proxy';
import { ANALYTICS_JS_ANONYMOUS_ID_PATTERN, createConnectProxy } from '../../src/proxy/index';
import { type ConnectEmulator, createConnectEmulator } from '../../src/testing/index';
import {
  capturing,
  expectMappedAsClient,
  expectSameAsClient,
  type Received,
} from '../support/tracking-api';

const USER = '019mr8mf4r';
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The proxy at /api/connect on a loopback port, one emulator per write key. */
async function start(keys: readonly string[]) {
  const emulators = Object.fromEntries(keys.map((key) => [key, createConnectEmulator()]));
  const log: Received[] = [];
  const listener = toNodeListener(
    capturing(
      createConnectProxy({
        writeKeys: Object.fromEntries(
          keys.map((key) => [
            key,
            new ConnectClient({ apiKey: `${key}-connect`, fetch: emulators[key]?.fetch }),
          ]),
        ),
        // A server acting for the one user it serves: every request may write that user.
        currentUser: () => USER,
        secret: 'analytics-node-secret-0123456789abcdef-01',
        anonymousIdPattern: ANALYTICS_JS_ANONYMOUS_ID_PATTERN,
      }),
      log,
    ),
  );
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/connect/')) return listener(req, res);
    res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const analytics = (writeKey: string) =>
    new Analytics({ writeKey, host, path: '/api/connect/v1/batch', maxRetries: 0 });
  return { emulators: emulators as Record<string, ConnectEmulator>, log, analytics };
}

/** The seed's journey, as a server sends it: visitor calls, then sign-up, alias and a page. */
async function journey(analytics: Analytics, anonymousId: string) {
  analytics.identify({ anonymousId, traits: { plan: 'trial' } });
  analytics.track({ anonymousId, event: 'Viewed Pricing', properties: { plan: 'Startup' } });
  analytics.alias({ userId: USER, previousId: anonymousId });
  analytics.identify({
    userId: USER,
    traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '+1 415 555 2671' },
  });
  analytics.track({
    userId: USER,
    event: 'Signed Up',
    properties: { plan: 'Startup', source: 'Analytics Academy' },
  });
  analytics.page({ userId: USER, name: 'Welcome' });
  await analytics.closeAndFlush({ timeout: 10_000 });
}

describe('@segment/analytics-node 3.1.0 through the proxy', () => {
  it('identify → track → alias → page: the merged user and its events, mapped as ConnectClient maps them, in its environment', async () => {
    const { emulators, log, analytics } = await start(['wk-production', 'wk-development']);
    const anonymousId = crypto.randomUUID();
    await journey(analytics('wk-production'), anonymousId);
    expect(log.map((r) => [r.path, r.status])).toStrictEqual([['/api/connect/v1/batch', 200]]);
    const [request] = log as [Received];
    expect(request.headers.get('authorization')).toBe(`Basic ${btoa('wk-production:')}`);
    expect((request.body as { sentAt?: unknown }).sentAt).toEqual(expect.any(String));
    const production = emulators['wk-production'] as ConnectEmulator;
    expect([...production.users.keys()]).toStrictEqual([USER]);
    expect(production.users.get(USER)).toMatchObject({
      first_name: 'Michael',
      last_name: 'Bolton',
      email: 'mbolton@example.com',
      phone_number: '+14155552671',
      previous_ids: [anonymousId],
      attributes: { plan: 'trial', name: 'Michael Bolton' },
    });
    expect(production.events.map((e) => [e.user_id, e.event])).toStrictEqual([
      [USER, 'Viewed Pricing'],
      [USER, 'Signed Up'],
    ]);
    expectMappedAsClient(production, log);
    await expectSameAsClient(production, log);
    expect(emulators['wk-development']?.calls).toStrictEqual([]);
  });

  it('two write keys reach two environments; an unknown key is refused (401) and reaches neither', async () => {
    const { emulators, log, analytics } = await start(['wk-production', 'wk-development']);
    const development = analytics('wk-development');
    development.track({ userId: USER, event: 'In Development' });
    await development.closeAndFlush({ timeout: 10_000 });
    const production = analytics('wk-production');
    production.track({ userId: USER, event: 'In Production' });
    await production.closeAndFlush({ timeout: 10_000 });
    const unknown = analytics('wk-staging');
    const errors: unknown[] = [];
    unknown.on('error', (error) => errors.push(error));
    unknown.track({ userId: USER, event: 'In Staging' });
    await unknown.closeAndFlush({ timeout: 10_000 });

    expect(log.map((r) => r.status)).toStrictEqual([200, 200, 401]);
    expect(errors).toHaveLength(1);
    expect(emulators['wk-development']?.events.map((e) => e.event)).toStrictEqual([
      'In Development',
    ]);
    expect(emulators['wk-production']?.events.map((e) => e.event)).toStrictEqual(['In Production']);
  });
});
