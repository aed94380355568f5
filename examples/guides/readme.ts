/** The README's snippets, type-checked; scripts/check-doc-snippets.mjs keeps the README in sync. */
import type { ConnectProxyOptions } from 'zendesk-connect/proxy';

declare const writeKey: string;
declare const client: NonNullable<ConnectProxyOptions['client']>;
declare function sessionUserId(request: Request): Promise<string | null>;

// #region node
import { ConnectClient } from 'zendesk-connect';

const connect = new ConnectClient({ apiKey: process.env.CONNECT_API_KEY!, defaultCountry: 'US' });
connect.on('error', ({ error, messageId }) => console.error(messageId, error.message));

await connect.identify({
  userId: '019mr8mf4r',
  traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '(415) 555-2671' },
  context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
});
// the visitor signed up: join the anonymous id their page used to the new user
await connect.alias({ userId: '019mr8mf4r', previousId: 'b0a9c2f4-7e1d-4c55-9a1e-3f6b2d8c9e01' });
await connect.track({ userId: '019mr8mf4r', event: 'Signed Up', properties: { plan: 'Startup' } });

const report = await connect.close({ timeout: 5_000 }); // { delivered: 3, failed: 0, dropped: 0 }

// #endregion

// #region pages
// the page: no key, just your endpoint
import { createBrowserClient } from 'zendesk-connect/browser';

const page = createBrowserClient({ endpoint: '/api/connect', onError: console.warn });
page.track('Signed Up', { plan: 'Startup' });

// the server: a fetch handler for Next.js, Workers, Hono… (Express: zendesk-connect/proxy/node)
import { createConnectProxy } from 'zendesk-connect/proxy';
export const POST = createConnectProxy({
  client,
  currentUser: (request) => sessionUserId(request), // null for a visitor
  secret: process.env.CONNECT_PROXY_SECRET, // required (unset: throws); binds anonymous ids
});

// #endregion

// #region analytics-js
// or keep analytics.js: point it at the same proxy (docs/migrating.md)
import { AnalyticsBrowser } from '@segment/analytics-next';

const analytics = AnalyticsBrowser.load(
  {
    writeKey,
    cdnSettings: {
      integrations: { 'Segment.io': { apiKey: writeKey } },
      metrics: { sampleRate: 0 },
    },
  },
  {
    integrations: { 'Segment.io': { apiHost: `${location.host}/api/connect`, protocol: 'https' } },
  },
);
analytics.track('Signed Up', { plan: 'Startup' }); // your calls, unchanged

// the server: its write keys, and analytics.js's anonymous ids (UUID v4s)
import { ANALYTICS_JS_ANONYMOUS_ID_PATTERN } from 'zendesk-connect/proxy';
export const POST_ANALYTICS_JS = createConnectProxy({
  writeKeys: { [writeKey]: client }, // one Connect client per source; unknown keys: 401
  currentUser: (request) => sessionUserId(request),
  secret: process.env.CONNECT_PROXY_SECRET,
  anonymousIdPattern: ANALYTICS_JS_ANONYMOUS_ID_PATTERN,
});
// #endregion

export { report };
