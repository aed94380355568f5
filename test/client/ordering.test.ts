import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectClient, DeliveryResult } from '../../src/index';
import type { ConnectEmulator, Fault } from '../../src/testing/index';
import { expectCallOrderPerUser, expectIntendedState } from '../support/expect-intended';
import { CallScript, type TaggedCall } from '../support/intended';
import { seededRandom } from '../support/seeded-random';
import { connectToEmulator } from './setup';

/** Makes every call of the script on the client, in order; resolves when all settled. */
function run(connect: ConnectClient, calls: readonly TaggedCall[]) {
  const deliveries: Promise<DeliveryResult>[] = calls.map((call) => {
    if (call.type === 'identify') return connect.identify(call);
    if (call.type === 'track') return connect.track(call);
    return connect.alias(call);
  });
  return Promise.allSettled(deliveries);
}

/** The story: a user's plan changes while the batch carrying the old plan is retried. */
function planChangeScript(): CallScript {
  const script = new CallScript();
  script.identify({ userId: 'u1' }, { plan: 'free' });
  for (let i = 2; i <= 100; i++) script.identify({ userId: `u${i}` }, { plan: 'free' });
  script.identify({ userId: 'u1' }, { plan: 'pro' });
  script.track({ userId: 'u1' }, 'Upgraded');
  // A visitor: anonymous track, identify, then signs up and is aliased.
  script.track({ anonymousId: 'anon-7' }, 'Viewed Pricing');
  script.identify({ anonymousId: 'anon-7' }, { source: 'ad' });
  script.alias('u7', 'anon-7');
  script.track({ userId: 'u7' }, 'Signed Up');
  script.identify({ userId: 'u7' }, { plan: 'pro' });
  return script;
}

const FAULTS: Record<string, (emulator: ConnectEmulator) => void> = {
  'one 503': (emulator) => emulator.faults.failNext(1, 503),
  'a 429 with Retry-After': (emulator) => emulator.faults.failNext(1, 429, { retryAfter: 1 }),
  'a dropped connection': (emulator) => emulator.faults.dropNext(1),
  // The emulator applies the batch, then answers too late: the client times out and resends.
  'a timeout after the server applied the batch': (emulator) => emulator.faults.delay(300, 1),
};

describe('order per user', () => {
  for (const [name, inject] of Object.entries(FAULTS)) {
    it(`holds under ${name}: the later plan wins, tracks follow identifies, the alias merges`, async () => {
      const { emulator, connect } = connectToEmulator({
        timeout: 100,
        retry: { initialDelay: 5, maxDelay: 20, maxRetryAfter: 30 },
      });
      inject(emulator);
      const { calls } = planChangeScript();
      const outcomes = await run(connect, calls);
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
      // The fault met the first request, which was sent again under its GUID.
      const firstGuid = emulator.calls[0]?.headers['x-outbound-guid'];
      expect(
        emulator.calls.filter((call) => call.headers['x-outbound-guid'] === firstGuid),
      ).toHaveLength(2);
      expect(emulator.users.get('u1')?.attributes).toStrictEqual({ plan: 'pro', seq: 100 });
      expect(emulator.users.get('u7')?.previous_ids).toStrictEqual(['anon-7']);
      await expectIntendedState(emulator, calls);
    });
  }

  it('sends a track only after the slow identify of its new user was accepted', async () => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.use(({ path }) =>
      path === '/v2/identify' ? { kind: 'delay', ms: 80 } : undefined,
    );
    const script = new CallScript();
    script.identify({ userId: 'new-user' }, { email: 'n@example.com' });
    script.track({ userId: 'new-user' }, 'Signed Up');
    await run(connect, script.calls);
    expect(emulator.calls.map((call) => call.path)).toStrictEqual(['/v2/identify', '/v2/track']);
    expect(emulator.calls[1]!.time - emulator.calls[0]!.time).toBeGreaterThanOrEqual(79);
    await expectIntendedState(emulator, script.calls);
  });

  it('keeps a full batch of events behind the partial identify batch of the same users', async () => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.failNext(1, 503);
    const script = new CallScript();
    script.identify({ userId: 'u0' }, { plan: 'trial' });
    for (let i = 0; i < 100; i++) script.track({ userId: `u${i % 3}` }, `E${i}`);
    await run(connect, script.calls);
    expect(emulator.writesOf('u0')[0]?.kind).toBe('identify');
    await expectIntendedState(emulator, script.calls);
  });

  it("lets other users' calls through while one user's request is stalled", async () => {
    const { emulator, connect } = connectToEmulator({ timeout: 5_000 });
    emulator.faults.delay(1_000, 1); // the first request: user A's
    const a = connect.identify({ userId: 'A', traits: { plan: 'pro' } });
    await new Promise((resolve) => setTimeout(resolve, 30)); // A's request is on the wire
    const started = performance.now();
    await Promise.all([
      connect.identify({ userId: 'B', traits: { plan: 'free' } }),
      connect.track({ userId: 'B', event: 'Signed Up' }),
      connect.track({ userId: 'C', event: 'Signed Up' }),
    ]);
    expect(performance.now() - started).toBeLessThan(500);
    const laterA = connect.track({ userId: 'A', event: 'Upgraded' });
    await Promise.all([a, laterA]);
    expect(emulator.writesOf('A').map((write) => write.kind)).toStrictEqual(['identify', 'track']);
  });

  it('sends the later messages of a user whose earlier message finally failed, still in order', async () => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.refuse(
      (message) => (message as { attributes?: { bad?: boolean } }).attributes?.bad === true,
    );
    const script = new CallScript();
    script.identify({ userId: 'u1' }, { bad: true });
    script.identify({ userId: 'u1' }, { plan: 'pro' });
    script.track({ userId: 'u1' }, 'Upgraded');
    const outcomes = await run(connect, script.calls);
    expect(outcomes.map((outcome) => outcome.status)).toStrictEqual([
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    await expectIntendedState(emulator, script.calls, new Set([1, 2]));
  });

  /** Random calls over a few users and anonymous ids, with random faults on the wire. */
  async function randomRun(
    steps: readonly Step[],
    faultSeed: number,
    maxBatchSize: number,
    lateApplies = true,
  ) {
    const { emulator, connect } = connectToEmulator({
      timeout: 40,
      maxBatchSize,
      maxConcurrentRequests: 3,
      retry: { maxRetries: 20, initialDelay: 1, maxDelay: 4, maxRetryAfter: 2 },
    });
    const random = seededRandom(faultSeed);
    emulator.faults.use((): Fault | undefined => {
      const draw = random();
      if (draw < 0.1) return { kind: 'fail', status: 503 };
      if (draw < 0.15) return { kind: 'fail', status: 429, retryAfter: 0 };
      if (draw < 0.2) return { kind: 'drop' };
      // Applied, answered after the timeout: the resend applies it again.
      if (draw < 0.25 && lateApplies) return { kind: 'delay', ms: 60 };
      return undefined;
    });
    const script = new CallScript();
    const aliased = new Set<string>();
    for (const s of steps) {
      if (s.kind === 'identify') script.identify(s.id, { plan: s.plan });
      else if (s.kind === 'track') script.track(s.id, s.event);
      else if (s.userId !== s.previousId) {
        // A pair aliased twice could not be told apart in the write log.
        const key = `${s.userId}/${s.previousId}`;
        if (aliased.has(key)) continue;
        aliased.add(key);
        script.alias(s.userId, s.previousId);
      }
    }
    let events = 0;
    connect.on('delivered', () => events++);
    connect.on('error', () => events++);
    const outcomes = await run(connect, script.calls);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toStrictEqual([]);
    expect(events).toBe(script.calls.length);
    expect(await connect.close()).toStrictEqual({
      delivered: script.calls.length,
      failed: 0,
      dropped: 0,
    });
    return { emulator, calls: script.calls };
  }

  const users = ['u1', 'u2', 'u3'];
  const anonymous = ['a1', 'a2'];
  const id = fc.oneof(
    fc.constantFrom(...users).map((userId) => ({ userId })),
    fc.constantFrom(...anonymous).map((anonymousId) => ({ anonymousId })),
  );
  const step = fc.oneof(
    fc.record({ kind: fc.constant('identify' as const), id, plan: fc.constantFrom('a', 'b', 'c') }),
    fc.record({ kind: fc.constant('track' as const), id, event: fc.constantFrom('X', 'Y') }),
    fc.record({
      kind: fc.constant('alias' as const),
      userId: fc.constantFrom(...users),
      previousId: fc.constantFrom(...anonymous, ...users),
    }),
  );
  type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;
  const scenario = [
    fc.array(step, { minLength: 1, maxLength: 40 }),
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.integer({ min: 1, max: 8 }),
  ] as const;

  // Without late applies: an alias applied twice is not idempotent once later aliases moved its
  // ids (the repeat merges again), so a resend can change the final users though no order broke.
  it('ends as the calls meant for random calls and aliases under random faults; every message settles once', async () => {
    await fc.assert(
      fc.asyncProperty(...scenario, async (steps, faultSeed, maxBatchSize) => {
        const { emulator, calls } = await randomRun(steps, faultSeed, maxBatchSize, false);
        await expectIntendedState(emulator, calls);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('applies every user’s writes in call order for any calls and aliases, resends included', async () => {
    await fc.assert(
      fc.asyncProperty(...scenario, async (steps, faultSeed, maxBatchSize) => {
        const { emulator, calls } = await randomRun(steps, faultSeed, maxBatchSize);
        expectCallOrderPerUser(emulator, calls);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('keeps order for ids joined by an alias that is still on the wire', async () => {
    const { emulator, connect } = connectToEmulator({ retry: { initialDelay: 5 } });
    let identifies = 0;
    emulator.faults.use(({ path }) => {
      if (!path.startsWith('/v2/identify')) return undefined;
      identifies++;
      if (identifies === 1) return { kind: 'delay', ms: 50 }; // the alias is slow
      return identifies === 2 ? { kind: 'fail', status: 503 } : undefined;
    });
    const script = new CallScript();
    script.alias('u7', 'anon');
    const first = run(connect, script.calls);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the alias is on the wire
    script.identify({ userId: 'u7' }, { plan: 'pro' });
    script.track({ anonymousId: 'anon' }, 'Checkout');
    await Promise.all([first, run(connect, script.calls.slice(1))]);
    expect(emulator.writesOf('u7').map((write) => write.kind)).toStrictEqual([
      'alias',
      'identify',
      'track',
    ]);
  });

  it('remembers an alias after it settled: a later call under the old id waits for one under the new', async () => {
    // One message a request, so the two identifies could travel apart.
    const { emulator, connect } = connectToEmulator({
      maxBatchSize: 1,
      retry: { initialDelay: 5 },
    });
    await connect.alias({ userId: 'u7', previousId: 'anon' });
    emulator.faults.failNext(1, 503);
    const script = new CallScript();
    script.identify({ userId: 'u7' }, { plan: 'pro' });
    script.identify({ anonymousId: 'anon' }, { plan: 'free' });
    await run(connect, script.calls);
    expect(emulator.users.get('u7')?.attributes).toStrictEqual({ plan: 'free', seq: 1 });
  });

  it('forgets the oldest idle aliases past aliasMemory, never one with a message in flight', async () => {
    const { emulator, connect } = connectToEmulator({
      aliasMemory: 2,
      maxBatchSize: 1,
      retry: { initialDelay: 5 },
    });
    await connect.alias({ userId: 'u1', previousId: 'a1' });
    await connect.alias({ userId: 'u2', previousId: 'a2' }); // 4 ids remembered > 2: u1/a1 forgotten
    emulator.faults.failNext(1, 503);
    const script = new CallScript();
    script.identify({ userId: 'u2' }, { plan: 'pro' });
    script.identify({ anonymousId: 'a2' }, { plan: 'free' }); // u2/a2 is the group just joined: kept
    await run(connect, script.calls);
    expect(emulator.users.get('u2')?.attributes).toStrictEqual({ plan: 'free', seq: 1 });
  });
});
