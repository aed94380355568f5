/**
 * One SDK holding `count` tracks on a stalled server, in its own process (run with
 * `--expose-gc`): prints the heap it grew by, per message, as JSON. Driven by bench/memory.ts.
 */
import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { makeCorpus } from './corpus';
import { zendeskConnect } from './package';

const [sdk, url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !url || !Number.isInteger(count))
  throw new Error('usage: --expose-gc memory-probe.ts SDK URL COUNT');

// The messages exist before the baseline and stay alive: only what the SDK adds is counted.
const tracks = makeCorpus(count, 7).tracks;
// V8 flattens a concatenated string the first time it is read whole, allocating a copy; reading
// the corpus once here keeps that copy out of every SDK's figure.
JSON.stringify(tracks);

const sdks: Record<string, () => (index: number) => void> = {
  'zendesk-connect': () => {
    const client = new zendeskConnect.ConnectClient({
      apiKey: 'memory-key',
      baseUrl: url,
      maxQueueSize: count,
    });
    return (i) => {
      void client.track(tracks[i] as (typeof tracks)[number]);
    };
  },
  '@segment/analytics-node': () => {
    const analytics = new Analytics({ writeKey: 'memory-key', host: url });
    return (i) => {
      const { userId, event, properties, timestamp } = tracks[i] as (typeof tracks)[number];
      analytics.track({
        userId: userId as string,
        event,
        properties: properties ?? {},
        timestamp: timestamp as string,
      });
    };
  },
  'posthog-node': () => {
    const posthog = new PostHog('memory-key', { host: url, maxQueueSize: count });
    return (i) => {
      const { userId, event, properties } = tracks[i] as (typeof tracks)[number];
      posthog.capture({ distinctId: userId as string, event, properties: properties ?? {} });
    };
  },
};

const make = sdks[sdk ?? ''];
if (!make) throw new Error(`unknown SDK ${sdk}`);
const send = make();
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
await settle();
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < count; i++) send(i);
// Let each SDK start its flushes (the server never answers), then count what it holds.
await settle();
gc();
gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ bytesPerMessage: (after - before) / count }));
process.exit(0);
