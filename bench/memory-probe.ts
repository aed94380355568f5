/**
 * One SDK holding tracks on a stalled server, in its own process (run with `--expose-gc`), driven
 * by bench/memory.ts. It hands the SDK `count` tracks, then `count` more, and prints as JSON the
 * heap each batch of calls grew by, per message: `firstUse` (the first calls, which also pay for
 * the code the SDK compiles and the structures it sets up on first use) and `marginal` (the
 * next ones: what one more queued message costs).
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
const tracks = makeCorpus(2 * count, 7).tracks;
// V8 flattens a concatenated string the first time it is read whole, allocating a copy; reading
// the corpus once here keeps that copy out of every SDK's figure.
JSON.stringify(tracks);

const sdks: Record<string, () => (index: number) => void> = {
  'zendesk-connect': () => {
    const client = new zendeskConnect.ConnectClient({
      apiKey: 'memory-key',
      baseUrl: url,
      maxQueueSize: 2 * count,
    });
    return (i) => {
      void client.track(tracks[i] as (typeof tracks)[number]);
    };
  },
  '@segment/analytics-node': () => {
    const analytics = new Analytics({ writeKey: 'memory-key', host: url, maxEventsInBatch: 100 });
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
    const posthog = new PostHog('memory-key', {
      host: url,
      flushAt: 100,
      maxBatchSize: 100,
      maxQueueSize: 2 * count,
    });
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
/** The heap after a full collection, once the SDK has started its flushes (never answered). */
async function heap(): Promise<number> {
  await settle();
  (gc as () => void)();
  (gc as () => void)();
  return process.memoryUsage().heapUsed;
}
const start = await heap();
for (let i = 0; i < count; i++) send(i);
const first = await heap();
for (let i = count; i < 2 * count; i++) send(i);
const second = await heap();
console.log(
  JSON.stringify({ firstUse: (first - start) / count, marginal: (second - first) / count }),
);
process.exit(0);
