/** docs/migrating.md's snippets, type-checked: analytics.js and analytics-node pointed at the proxy. */

declare function sessionUserId(request: Request): Promise<string | null>;

// #region analytics-js
import { AnalyticsBrowser } from '@segment/analytics-next';

export const analytics = AnalyticsBrowser.load(
  {
    writeKey: 'YOUR_WRITE_KEY',
    // 3. Segment's CDN no longer serves your settings: give them here (nothing is fetched),
    //    with analytics.js's own telemetry off.
    cdnSettings: {
      integrations: { 'Segment.io': { apiKey: 'YOUR_WRITE_KEY' } },
      metrics: { sampleRate: 0 },
    },
  },
  {
    integrations: {
      'Segment.io': {
        apiHost: `${location.host}/api/connect`, // 1. your proxy: host and path, no scheme
        protocol: 'https', // 2. (http only on localhost)
      },
    },
  },
);

// Every call site stays as it was.
analytics.identify('019mr8mf4r', { name: 'Michael Bolton', email: 'mbolton@example.com' });
analytics.track('Signed Up', { plan: 'Startup', source: 'Analytics Academy' });

// #endregion

// #region proxy
import { ConnectClient } from 'zendesk-connect';
import { ANALYTICS_JS_ANONYMOUS_ID_PATTERN, createConnectProxy } from 'zendesk-connect/proxy';

// app/api/connect/[...path]/route.ts: takes …/t, …/i, …/a, …/p, …/b and the v1 paths.
export const POST = createConnectProxy({
  // Write keys are environments, as Segment's sources were: each goes to its Connect key.
  writeKeys: {
    [process.env.SEGMENT_WRITE_KEY_PRODUCTION!]: new ConnectClient({
      apiKey: process.env.CONNECT_KEY_PRODUCTION!,
    }),
    [process.env.SEGMENT_WRITE_KEY_DEVELOPMENT!]: new ConnectClient({
      apiKey: process.env.CONNECT_KEY_DEVELOPMENT!,
    }),
  },
  currentUser: (request) => sessionUserId(request), // null for a visitor
  secret: process.env.CONNECT_PROXY_SECRET,
  // analytics.js's anonymous ids are UUID v4s (only if your user ids are not).
  anonymousIdPattern: ANALYTICS_JS_ANONYMOUS_ID_PATTERN,
});

// #endregion

// #region analytics-node
import { Analytics } from '@segment/analytics-node';

export const serverAnalytics = new Analytics({
  writeKey: process.env.SEGMENT_WRITE_KEY_PRODUCTION!,
  host: 'https://app.example.com',
  path: '/api/connect/v1/batch', // analytics-node puts `path` in place of the host's path
});
// #endregion
