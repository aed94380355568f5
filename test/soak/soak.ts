/**
 * The fault soak: identifies, tracks and aliases (some users sending many) through ConnectClient
 * to the loopback emulator server, with faults drawn from their own seed. Everything is counted
 * from the server's side: every delivered message of every type is in the emulator's write log
 * (a repeat only under its own GUID), every user's writes are in call order, and the final users
 * equal those the delivered calls leave when replayed one by one. Shared by the bounded test in
 * CI and `npm run soak`.
 */
import { BadRequestError, ConnectClient } from '../../src/index';
import { startConnectEmulatorServer } from '../../src/node/testing';
import type { Fault } from '../../src/testing/index';
import {
  CallScript,
  comparableUsers,
  intendedUsers,
  orderViolations,
  type TaggedCall,
  writeOrderById,
} from '../support/intended';
import { seededRandom } from '../support/seeded-random';

export interface SoakOptions {
  messages: number;
  /** Draws the calls. */
  messageSeed: number;
  /** Draws the faults, independently of the calls. */
  faultSeed: number;
  /** Per attempt; slow responses take twice this. */
  timeout: number;
}

export interface SoakReport {
  sent: number;
  byType: Record<TaggedCall['type'], number>;
  delivered: number;
  failed: number;
  dropped: number;
  poison: number;
  poisonFailedAlone: boolean;
  unexplainedFailures: string[];
  /** Delivered messages (any type) the emulator never applied. */
  missing: number;
  /** Applications beyond the first, all under the message's own GUID (a resend after a timeout). */
  duplicates: number;
  /** Writes out of call order per user, or repeats under another GUID: none is right. */
  orderViolations: string[];
  /** Users whose final state differs from the one-by-one replay of the delivered calls. */
  usersDiffering: string[];
  faults: Record<string, number>;
  closeMs: number;
  closeReport: { delivered: number; failed: number; dropped: number };
  peakHeapMb: number;
  seconds: number;
}

/** The calls: 70% tracks, 25% identifies, 5% aliases of a fresh anonymous id; a poison track per 1,000. */
function script(options: SoakOptions): { calls: TaggedCall[]; poison: Set<number> } {
  const random = seededRandom(options.messageSeed);
  const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
  const busy = users.slice(0, 5);
  const calls = new CallScript();
  const poison = new Set<number>();
  for (let seq = 0; seq < options.messages; seq++) {
    const userId =
      random() < 0.3 ? busy[seq % busy.length]! : users[Math.floor(random() * users.length)]!;
    const draw = random();
    if (seq % 1000 === 500) {
      poison.add(seq);
      const call = calls.track({ userId }, 'Poison');
      call.properties.poison = true;
    } else if (draw < 0.7) calls.track({ userId }, `Event ${seq % 17}`);
    else if (draw < 0.95) calls.identify({ userId }, { [`seen_${seq % 7}`]: seq });
    else calls.alias(userId, `anon-${seq}`);
  }
  return { calls: calls.calls, poison };
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { calls, poison } = script(options);
  const server = await startConnectEmulatorServer({ cors: false });
  const { emulator } = server;
  const random = seededRandom(options.faultSeed);
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
  const deliveries = [];
  for (const [seq, call] of calls.entries()) {
    if (call.type === 'identify') deliveries.push(connect.identify(call));
    else if (call.type === 'track') deliveries.push(connect.track(call));
    else deliveries.push(connect.alias(call));
    if (seq % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
  }
  const outcomes = await Promise.allSettled(deliveries);
  const closeStarted = performance.now();
  const closeReport = await connect.close({ timeout: 2_000 });
  const closeMs = performance.now() - closeStarted;
  clearInterval(sampler);
  process.off('unhandledRejection', onUnhandled);

  const deliveredSeqs = new Set(
    outcomes.flatMap((outcome, seq) => (outcome.status === 'fulfilled' ? [seq] : [])),
  );
  const failedSeqs = outcomes.flatMap((o, seq) => (o.status === 'rejected' ? [seq] : []));
  const poisonFailedAlone =
    failedSeqs.length === poison.size &&
    failedSeqs.every(
      (seq) =>
        poison.has(seq) &&
        (outcomes[seq] as PromiseRejectedResult).reason instanceof BadRequestError,
    );
  const unexplainedFailures = failedSeqs
    .filter((seq) => !poison.has(seq))
    .map((seq) => `${seq}: ${String((outcomes[seq] as PromiseRejectedResult).reason)}`);

  const { applied } = writeOrderById(emulator, calls);
  const missing = [...deliveredSeqs].filter((seq) => !applied.has(seq)).length;
  const duplicates = emulator.writes.length - applied.size;
  const want = (await intendedUsers(calls, deliveredSeqs)) as Record<string, unknown>;
  const got = comparableUsers(emulator) as Record<string, unknown>;
  const usersDiffering = [...new Set([...Object.keys(want), ...Object.keys(got)])].filter(
    (id) => JSON.stringify(want[id]) !== JSON.stringify(got[id]),
  );
  const violations = orderViolations(emulator, calls);
  await server.close();
  if (unhandled.length > 0)
    throw new Error(`unhandled rejections: ${unhandled.map(String).join('; ')}`);
  const byType = { identify: 0, track: 0, alias: 0 };
  for (const call of calls) byType[call.type]++;
  return {
    sent: options.messages,
    byType,
    delivered: deliveredSeqs.size,
    failed: failedSeqs.length,
    dropped: closeReport.dropped,
    poison: poison.size,
    poisonFailedAlone,
    unexplainedFailures,
    missing,
    duplicates,
    orderViolations: violations,
    usersDiffering,
    faults,
    closeMs,
    closeReport,
    peakHeapMb: Math.round(peakHeap / 1e6),
    seconds: (performance.now() - started) / 1000,
  };
}
