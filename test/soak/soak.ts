/**
 * The fault soak: messages (identify, track, alias mixed, some users sending many) through
 * ConnectClient to the loopback emulator server with faults drawn from a fixed seed, and the
 * accounting that proves nothing was lost. Shared by the bounded test in CI and `npm run soak`.
 */
import { BadRequestError, ConnectClient, type DeliveryResult } from '../../src/index';
import { startConnectEmulatorServer } from '../../src/node/testing';
import type { Fault } from '../../src/testing/index';
import { seededRandom } from '../support/seeded-random';

export interface SoakOptions {
  messages: number;
  seed: number;
  /** Per attempt; slow responses take twice this. */
  timeout: number;
}

export interface SoakReport {
  sent: number;
  delivered: number;
  failed: number;
  dropped: number;
  poison: number;
  poisonFailedAlone: boolean;
  unexplainedFailures: string[];
  missing: number;
  duplicates: number;
  unexplainedDuplicates: number;
  faults: Record<string, number>;
  closeMs: number;
  closeReport: { delivered: number; failed: number; dropped: number };
  peakHeapMb: number;
  seconds: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = seededRandom(options.seed);
  const server = await startConnectEmulatorServer({ cors: false });
  const { emulator } = server;
  const faults: Record<string, number> = { '500/503': 0, '429': 0, drop: 0, slow: 0 };
  emulator.faults.use((): Fault | undefined => {
    const draw = random();
    if (draw < 0.1) {
      faults['500/503']!++;
      return { kind: 'fail', status: draw < 0.05 ? 500 : 503 };
    }
    if (draw < 0.15) {
      faults['429']!++;
      return { kind: 'fail', status: 429, retryAfter: 0 };
    }
    if (draw < 0.17) {
      faults.drop!++;
      return { kind: 'drop' };
    }
    if (draw < 0.18) {
      faults.slow!++;
      return { kind: 'delay', ms: options.timeout * 2 };
    }
    return undefined;
  });
  emulator.faults.refuse(
    (message) => (message as { properties?: { poison?: boolean } }).properties?.poison === true,
  );

  const connect = new ConnectClient({
    apiKey: 'soak-key-0123456789abcdef01234567',
    baseUrl: server.url,
    timeout: options.timeout,
    maxQueueSize: options.messages,
    retry: { maxRetries: 12, initialDelay: 2, maxDelay: 50, maxElapsed: 60_000 },
  });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);

  const started = performance.now();
  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
  const busy = users.slice(0, 5);
  const kinds: string[] = [];
  const poisonSeqs = new Set<number>();
  const deliveries: Promise<DeliveryResult>[] = [];
  for (let seq = 0; seq < options.messages; seq++) {
    const userId =
      random() < 0.3 ? busy[seq % busy.length]! : users[Math.floor(random() * users.length)]!;
    const draw = random();
    const poison = seq % 1000 === 500;
    if (poison) poisonSeqs.add(seq);
    if (poison || draw < 0.7) {
      kinds.push('track');
      deliveries.push(
        connect.track({
          userId,
          event: `Event ${seq % 17}`,
          properties: { seq, ...(poison ? { poison: true } : {}) },
          messageId: `m-${seq}`,
        }),
      );
    } else if (draw < 0.95) {
      kinds.push('identify');
      deliveries.push(
        connect.identify({ userId, traits: { [`seen_${seq % 7}`]: seq }, messageId: `m-${seq}` }),
      );
    } else {
      kinds.push('alias');
      deliveries.push(connect.alias({ userId, previousId: `anon-${seq}`, messageId: `m-${seq}` }));
    }
    if (seq % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
  }
  const outcomes = await Promise.allSettled(deliveries);
  const closeStarted = performance.now();
  const closeReport = await connect.close({ timeout: 2_000 });
  const closeMs = performance.now() - closeStarted;
  clearInterval(sampler);
  process.off('unhandledRejection', onUnhandled);

  const delivered = outcomes.filter((o) => o.status === 'fulfilled').length;
  const failedSeqs = outcomes.flatMap((o, seq) => (o.status === 'rejected' ? [seq] : []));
  const poisonFailedAlone =
    failedSeqs.length === poisonSeqs.size &&
    failedSeqs.every(
      (seq) =>
        poisonSeqs.has(seq) &&
        (outcomes[seq] as PromiseRejectedResult).reason instanceof BadRequestError,
    );
  const unexplainedFailures = failedSeqs
    .filter((seq) => !poisonSeqs.has(seq))
    .map((seq) => `${seq}: ${String((outcomes[seq] as PromiseRejectedResult).reason)}`);

  // Every delivered track reached Connect; a repeat is allowed only where a request was applied
  // more than once under one GUID (a slow attempt the client timed out on, then retried).
  const seen = new Map<number, number>();
  for (const event of emulator.events) {
    const seq = (event.properties as { seq?: number }).seq;
    if (typeof seq === 'number') seen.set(seq, (seen.get(seq) ?? 0) + 1);
  }
  const appliedTwice = new Set<number>();
  const appliedByGuid = new Map<string, number>();
  for (const call of emulator.calls) {
    if (call.status !== 200) continue;
    const guid = call.headers['x-outbound-guid'] ?? '';
    appliedByGuid.set(guid, (appliedByGuid.get(guid) ?? 0) + 1);
  }
  for (const call of emulator.calls) {
    if (call.status !== 200 || (appliedByGuid.get(call.headers['x-outbound-guid'] ?? '') ?? 0) < 2)
      continue;
    const items = Array.isArray(call.body) ? call.body : [call.body];
    for (const item of items) {
      const seq = (item as { properties?: { seq?: number } }).properties?.seq;
      if (typeof seq === 'number') appliedTwice.add(seq);
    }
  }
  let missing = 0;
  let duplicates = 0;
  let unexplainedDuplicates = 0;
  outcomes.forEach((outcome, seq) => {
    if (kinds[seq] !== 'track' || outcome.status !== 'fulfilled') return;
    const count = seen.get(seq) ?? 0;
    if (count === 0) missing++;
    if (count > 1) {
      duplicates += count - 1;
      if (!appliedTwice.has(seq)) unexplainedDuplicates++;
    }
  });
  await server.close();
  if (unhandled.length > 0)
    throw new Error(`unhandled rejections: ${unhandled.map(String).join('; ')}`);
  return {
    sent: options.messages,
    delivered,
    failed: failedSeqs.length,
    dropped: closeReport.dropped,
    poison: poisonSeqs.size,
    poisonFailedAlone,
    unexplainedFailures,
    missing,
    duplicates,
    unexplainedDuplicates,
    faults,
    closeMs,
    closeReport,
    peakHeapMb: Math.round(peakHeap / 1e6),
    seconds: (performance.now() - started) / 1000,
  };
}
