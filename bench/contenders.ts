/**
 * The contenders of the delivery and CPU benchmarks, each fed the same calls one at a time:
 * - the floor: a bare fetch loop that builds Connect's wire object from each call with plain
 *   field renames (identify also normalises the phone with libphonenumber-js, work any correct
 *   client must do), stringifies 100 a request and keeps 4 requests in flight. Nothing is
 *   pre-built and nothing is validated;
 * - zendesk-connect's ConnectClient;
 * - the peers, each with its batch size set to 100 and a queue bound that holds the burst:
 *   posthog-node, @segment/analytics-node, and Zendesk's official `outbound` (one request per
 *   call, no batching, no bound).
 * A contender opens a {@link Sender} per run; a `fetch` can be given to every contender but
 * `outbound` (which uses `request`), for the CPU benchmark's instant fetch.
 */
import { Analytics } from '@segment/analytics-node';
import parsePhoneNumber from 'libphonenumber-js';
import { PostHog } from 'posthog-node';
import type { FetchLike, IdentifyMessage, TrackMessage } from '../src/index';
import { loadOutbound, type OutboundClient } from './outbound-loopback';
import { zendeskConnect } from './package';

const { ConnectClient } = zendeskConnect;

export const KEY = 'bench-key-0123456789abcdef0123456';
/** Requests each batching contender keeps in flight, where it can be told. */
export const CONCURRENCY = 4;
export const BATCH = 100;
const MAPPING = { defaultCountry: 'US' } as const;

/** One kind of call and its messages. */
export interface Workload {
  name: 'track' | 'identify';
  messages: readonly (TrackMessage | IdentifyMessage)[];
}

/** One contender's run: calls in, then a wait until all of them settled. */
export interface Sender {
  /** Makes call `index`; `calledAt` is set on the calls whose latency is sampled. */
  send(index: number, calledAt: number | undefined): void;
  /** Resolves when every call made so far has settled (its own flush). Timed. */
  finish(): Promise<void>;
  /** Messages it saw accepted, when it can tell (else the server counts); closes it. Untimed. */
  close(): Promise<number | undefined>;
  /** Call → settled milliseconds of the sampled calls (none where a peer cannot tell). */
  latencies: number[];
}

export interface Contender {
  id: 'floor' | 'client' | 'posthog' | 'segment' | 'outbound';
  name: string;
  /** Speaks Connect's API: it can run against the emulator. */
  connect: boolean;
  /** How many of the workload's calls one run makes (outbound, one request a call, gets fewer). */
  countOf(work: Workload): number;
  open(url: string, work: Workload, fetch?: FetchLike): Sender;
}

/** The wire body of a track, by plain renames (the timestamp read as Connect wants it). */
export function trackWire(message: TrackMessage) {
  const { timestamp } = message;
  return {
    user_id: message.userId ?? message.anonymousId,
    event: message.event,
    properties: message.properties ?? {},
    timestamp: (typeof timestamp === 'string' ? Date.parse(timestamp) : Date.now()) / 1000,
  };
}

/**
 * The wire body of an identify, by plain renames, the phone normalised to E.164
 * (libphonenumber-js, read in the US when national). The time zone stays an attribute: naming it
 * at the top level would take the canonical-name lookup the client does.
 */
export function identifyWire(message: IdentifyMessage) {
  const { name, email, phone, ...attributes } = message.traits ?? {};
  const full = typeof name === 'string' ? name : '';
  const gap = full.indexOf(' ');
  const text = typeof phone === 'string' ? phone : undefined;
  const parsed = text === undefined ? undefined : parsePhoneNumber(text, 'US');
  const device = message.context?.device;
  const token = typeof device?.token === 'string' ? [device.token] : undefined;
  return {
    user_id: message.userId ?? message.anonymousId,
    first_name: gap < 0 ? full : full.slice(0, gap),
    last_name: gap < 0 ? undefined : full.slice(gap + 1),
    email,
    phone_number: parsed?.isValid() ? parsed.number : text,
    ...(token ? { [device?.type === 'ios' ? 'apns' : 'fcm']: token } : {}),
    attributes,
  };
}

const HEADERS = { 'Content-Type': 'application/json', 'X-Outbound-Key': KEY };

/**
 * A fetch that answers 200 at once, without touching the network, with no body (so that reading
 * it costs next to nothing): the CPU benchmark's.
 */
export const instantFetch: FetchLike = () => Promise.resolve(new Response(null, { status: 200 }));

const floor: Contender = {
  id: 'floor',
  name: 'floor: fetch loop, renames, 100 a request, 4 in flight',
  connect: true,
  countOf: (work) => work.messages.length,
  open(url, work, fetchImpl = fetch) {
    const isTrack = work.name === 'track';
    const path = `${url}/v2/${work.name}/batch`;
    const latencies: number[] = [];
    let items: unknown[] = [];
    let samples: number[] = [];
    const waiting: Array<{ items: unknown[]; samples: number[] }> = [];
    let inFlight = 0;
    let delivered = 0;
    let idle: (() => void) | undefined;
    const post = async (batch: { items: unknown[]; samples: number[] }) => {
      const response = await fetchImpl(path, {
        method: 'POST',
        headers: { ...HEADERS, 'X-Outbound-GUID': crypto.randomUUID() },
        body: JSON.stringify(batch.items),
      });
      await response.arrayBuffer();
      if (response.ok) delivered += batch.items.length;
      const now = performance.now();
      for (const at of batch.samples) latencies.push(now - at);
    };
    const pump = () => {
      while (inFlight < CONCURRENCY && waiting.length > 0) {
        inFlight++;
        void post(waiting.shift() as (typeof waiting)[number]).finally(() => {
          inFlight--;
          pump();
        });
      }
      if (inFlight === 0 && waiting.length === 0) idle?.();
    };
    const cut = () => {
      waiting.push({ items, samples });
      items = [];
      samples = [];
      pump();
    };
    return {
      latencies,
      send(index, calledAt) {
        const message = work.messages[index];
        items.push(
          isTrack ? trackWire(message as TrackMessage) : identifyWire(message as IdentifyMessage),
        );
        if (calledAt !== undefined) samples.push(calledAt);
        if (items.length === BATCH) cut();
      },
      finish() {
        if (items.length > 0) cut();
        if (inFlight === 0 && waiting.length === 0) return Promise.resolve();
        return new Promise<void>((resolve) => {
          idle = resolve;
        });
      },
      close: async () => delivered,
    };
  },
};

const client: Contender = {
  id: 'client',
  name: 'zendesk-connect ConnectClient',
  connect: true,
  countOf: (work) => work.messages.length,
  open(url, work, fetchImpl) {
    const connect = new ConnectClient({
      apiKey: KEY,
      baseUrl: url,
      maxQueueSize: work.messages.length,
      maxConcurrentRequests: CONCURRENCY,
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
      ...MAPPING,
    });
    const latencies: number[] = [];
    const call =
      work.name === 'track'
        ? (message: unknown) => connect.track(message as TrackMessage)
        : (message: unknown) => connect.identify(message as IdentifyMessage);
    return {
      latencies,
      send(index, calledAt) {
        const settled = call(work.messages[index]);
        // Like a service that does not wait for its analytics: only sampled calls are awaited.
        if (calledAt !== undefined)
          settled.then(() => latencies.push(performance.now() - calledAt));
      },
      finish: () => connect.flush(),
      close: async () => (await connect.close()).delivered,
    };
  },
};

const posthog: Contender = {
  id: 'posthog',
  name: 'posthog-node 5.70.0',
  connect: false,
  countOf: (work) => work.messages.length,
  open(url, work, fetchImpl) {
    const client = new PostHog(KEY, {
      host: url,
      flushAt: BATCH,
      maxBatchSize: BATCH,
      maxQueueSize: work.messages.length,
      // On loopback gzip is pure cost: the peer is given its fastest setting.
      disableCompression: true,
      ...(fetchImpl ? { fetch: fetchImpl as never } : {}),
    });
    const isTrack = work.name === 'track';
    return {
      latencies: [],
      send(index) {
        const message = work.messages[index] as TrackMessage & IdentifyMessage;
        const distinctId = String(message.userId);
        if (isTrack) {
          client.capture({
            distinctId,
            event: message.event,
            properties: message.properties ?? {},
            timestamp: new Date(message.timestamp as string),
          });
        } else client.identify({ distinctId, properties: message.traits ?? {} });
      },
      finish: () => client.shutdown(),
      close: async () => undefined,
    };
  },
};

const segment: Contender = {
  id: 'segment',
  name: '@segment/analytics-node 3.1.0',
  connect: false,
  countOf: (work) => work.messages.length,
  open(url, work, fetchImpl) {
    // No queue bound to raise: its queue is unbounded.
    const analytics = new Analytics({
      writeKey: KEY,
      host: url,
      maxEventsInBatch: BATCH,
      ...(fetchImpl ? { httpClient: fetchImpl as never } : {}),
    });
    const latencies: number[] = [];
    const isTrack = work.name === 'track';
    return {
      latencies,
      send(index, calledAt) {
        const message = work.messages[index] as TrackMessage & IdentifyMessage;
        const userId = String(message.userId);
        const done =
          calledAt === undefined
            ? undefined
            : () => {
                latencies.push(performance.now() - calledAt);
              };
        if (isTrack) {
          analytics.track(
            {
              userId,
              event: message.event,
              properties: message.properties ?? {},
              timestamp: message.timestamp as string,
            },
            done,
          );
        } else analytics.identify({ userId, traits: message.traits ?? {} }, done);
      },
      finish: () => analytics.closeAndFlush(),
      close: async () => undefined,
    };
  },
};

/** outbound makes one request per call: a run is this many calls, its rate their rate. */
export const OUTBOUND_CALLS = 2_000;

const outbound: Contender = {
  id: 'outbound',
  name: 'outbound 1.3.0 (official; one request per call)',
  connect: true,
  countOf: (work) => Math.min(OUTBOUND_CALLS, work.messages.length),
  open(url, work) {
    const sdk: OutboundClient = loadOutbound(url, KEY);
    const latencies: number[] = [];
    const pending: Promise<boolean>[] = [];
    const isTrack = work.name === 'track';
    return {
      latencies,
      send(index, calledAt) {
        const message = work.messages[index];
        // outbound takes Connect's fields as arguments: the caller renames (and normalises the
        // phone) at the call, as the floor does.
        let call: ReturnType<OutboundClient['track']>;
        if (isTrack) {
          const body = trackWire(message as TrackMessage);
          call = sdk.track(String(body.user_id), body.event, body.properties, body.timestamp);
        } else {
          const body = identifyWire(message as IdentifyMessage) as Record<string, unknown>;
          call = sdk.identify(String(body.user_id), {
            firstName: body.first_name,
            lastName: body.last_name,
            email: body.email,
            phoneNumber: body.phone_number,
            attributes: body.attributes,
            apnsTokens: body.apns,
            gcmTokens: body.fcm,
          });
        }
        pending.push(
          new Promise<boolean>((resolve) =>
            call.then(
              () => {
                if (calledAt !== undefined) latencies.push(performance.now() - calledAt);
                resolve(true);
              },
              () => resolve(false),
            ),
          ),
        );
      },
      finish: async () => {
        await Promise.all(pending);
      },
      close: async () => (await Promise.all(pending)).filter(Boolean).length,
    };
  },
};

const ONLY = process.env.BENCH_CONTENDERS?.split(',');

/**
 * Every contender; `BENCH_CONTENDERS=floor,client` keeps only those (for profiling one of them;
 * the floor is always kept, as every ratio is taken to it).
 */
export const CONTENDERS: readonly Contender[] = [floor, client, posthog, segment, outbound].filter(
  ({ id }) => !ONLY || id === 'floor' || ONLY.includes(id),
);
