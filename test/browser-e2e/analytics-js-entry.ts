/**
 * The test page's analytics.js: the real @segment/analytics-next, its settings given locally
 * (nothing fetched from Segment's CDN), posting to the proxy at /api/connect. `?mode=batching`
 * for its batching mode; `?writeKey=` for another source.
 */
import { AnalyticsBrowser } from '@segment/analytics-next';

const params = new URLSearchParams(location.search);
const writeKey = params.get('writeKey') ?? 'wk-production';
const batching = params.get('mode') === 'batching';

const [analytics] = await AnalyticsBrowser.load(
  {
    writeKey,
    // What Segment's CDN served: only the Segment.io destination, and no telemetry.
    cdnSettings: {
      integrations: { 'Segment.io': { apiKey: writeKey } },
      metrics: { sampleRate: 0 },
    },
  },
  {
    integrations: {
      'Segment.io': {
        apiHost: `${location.host}/api/connect`,
        protocol: location.protocol === 'https:' ? 'https' : 'http',
        ...(batching
          ? { deliveryStrategy: { strategy: 'batching', config: { size: 6, timeout: 60_000 } } }
          : {}),
      },
    },
  },
);
(window as unknown as { analytics: typeof analytics }).analytics = analytics;
