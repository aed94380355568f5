import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectClient, VERSION } from '../../src/index';
import { createConnectEmulator } from '../../src/testing/index';
import { API_KEY, connectToEmulator, requestShapes } from './setup';

describe('ConnectClient batching', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns 250 concurrent tracks into 3 batch requests, with exact payloads', async () => {
    const { emulator, connect } = connectToEmulator();
    const results = await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        connect.track({
          userId: `u${i}`,
          event: 'Order Completed',
          properties: { i },
          timestamp: 1_700_000_000 + i,
        }),
      ),
    );
    expect(requestShapes(emulator)).toStrictEqual([
      ['/v2/track/batch', 100],
      ['/v2/track/batch', 100],
      ['/v2/track/batch', 50],
    ]);
    expect(emulator.calls[2]?.body).toStrictEqual(
      Array.from({ length: 50 }, (_, k) => ({
        user_id: `u${200 + k}`,
        event: 'Order Completed',
        properties: { i: 200 + k },
        timestamp: 1_700_000_200 + k,
      })),
    );
    expect(results.every((r) => r.attempts === 1)).toBe(true);
    expect(emulator.events).toHaveLength(250);
  });

  it('sends a lone call to the single endpoint, with the SDK headers', async () => {
    const { emulator, connect } = connectToEmulator();
    const result = await connect.identify({
      userId: 'u1',
      traits: { email: 'a@b.co' },
      messageId: 'm-1',
    });
    expect(result).toStrictEqual({ messageId: 'm-1', attempts: 1, warnings: [] });
    expect(emulator.calls).toHaveLength(1);
    const [call] = emulator.calls;
    expect(call?.path).toBe('/v2/identify');
    expect(call?.body).toStrictEqual({ user_id: 'u1', email: 'a@b.co', attributes: {} });
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.headers['x-outbound-client']).toBe(`zendesk-connect/${VERSION}`);
    expect(call?.headers['x-outbound-guid']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(call?.headers['x-outbound-key']).toBe(`****${API_KEY.slice(-4)}`);
  });

  it("keeps one user's calls in call order across endpoints, one request at a time", async () => {
    const { emulator, connect } = connectToEmulator();
    connect.track({ userId: 'u1', event: 'A' });
    connect.registerPushToken({ userId: 'u1', platform: 'apns', token: 'tok' });
    connect.group({ userId: 'u1', groupId: 'g' });
    connect.identify({ userId: 'u1' });
    connect.track({ userId: 'u1', event: 'B' });
    await connect.flush();
    expect(requestShapes(emulator)).toStrictEqual([
      ['/v2/track', 1],
      ['/v2/apns/register', 1],
      // Connect applies a batch in order, so consecutive user writes share a request.
      ['/v2/identify/batch', 2],
      ['/v2/track', 1],
    ]);
    expect(emulator.calls[2]?.body).toStrictEqual([
      { user_id: 'u1', group_id: 'g', group_attributes: {} },
      { user_id: 'u1', attributes: {} },
    ]);
    expect(emulator.writesOf('u1').map((write) => write.kind)).toStrictEqual([
      'track',
      'register',
      'identify',
      'identify',
      'track',
    ]);
  });

  it('sends an alias after the events queued before it have settled, so they follow the merge', async () => {
    const { emulator, connect } = connectToEmulator();
    // The events' request is slow to answer.
    emulator.faults.use(({ path }) =>
      path === '/v2/track' ? { kind: 'delay', ms: 30 } : undefined,
    );
    connect.identify({ anonymousId: 'anon-1', traits: { plan: 'trial' } });
    connect.track({ anonymousId: 'anon-1', event: 'Viewed Pricing' });
    connect.alias({ userId: 'u1', previousId: 'anon-1' });
    connect.identify({ userId: 'u1', traits: { name: 'Ann Lee' } });
    connect.track({ userId: 'u1', event: 'Signed Up' });
    await connect.flush();
    expect(requestShapes(emulator)).toStrictEqual([
      ['/v2/identify', 1],
      ['/v2/track', 1],
      ['/v2/identify/batch', 2],
      ['/v2/track', 1],
    ]);
    // The alias went only after the slow event request had been answered.
    const trackAnswered = emulator.calls[1]!.time + 30;
    expect(emulator.calls[2]!.time).toBeGreaterThanOrEqual(trackAnswered - 1);
    expect(emulator.events.map((event) => [event.user_id, event.event])).toStrictEqual([
      ['u1', 'Viewed Pricing'],
      ['u1', 'Signed Up'],
    ]);
  });

  it('batches different users together, whichever endpoint was called first', async () => {
    const { emulator, connect } = connectToEmulator();
    connect.track({ userId: 'u1', event: 'A' });
    connect.identify({ userId: 'u2' });
    connect.track({ userId: 'u3', event: 'B' });
    connect.identify({ userId: 'u4' });
    await connect.flush();
    expect(requestShapes(emulator)).toStrictEqual([
      ['/v2/track/batch', 2],
      ['/v2/identify/batch', 2],
    ]);
  });

  it('waits flushInterval for company, then sends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { emulator, connect } = connectToEmulator({ flushInterval: 50 });
    const delivery = connect.track({ userId: 'u1', event: 'A' });
    await vi.advanceTimersByTimeAsync(49);
    connect.track({ userId: 'u1', event: 'B' });
    expect(emulator.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await delivery;
    expect(requestShapes(emulator)).toStrictEqual([['/v2/track/batch', 2]]);
  });

  it('honours maxBatchSize, sending full batches at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { emulator, connect } = connectToEmulator({ maxBatchSize: 10, flushInterval: 1_000 });
    const deliveries = Array.from({ length: 25 }, (_, i) =>
      connect.track({ userId: `u${i}`, event: `e${i}` }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(requestShapes(emulator)).toStrictEqual([
      ['/v2/track/batch', 10],
      ['/v2/track/batch', 10],
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(deliveries);
    expect(requestShapes(emulator).at(-1)).toStrictEqual(['/v2/track/batch', 5]);
    expect(emulator.events.map((e) => e.event)).toStrictEqual(
      Array.from({ length: 25 }, (_, i) => `e${i}`),
    );
  });

  it('keeps at most maxConcurrentRequests in flight, accumulating the rest', async () => {
    let inFlight = 0;
    let peak = 0;
    const emulator = createConnectEmulator();
    const fetchSpy = async (url: string, init: RequestInit) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        return await emulator.fetch(url, init);
      } finally {
        inFlight--;
      }
    };
    const connect = new ConnectClient({
      apiKey: API_KEY,
      fetch: fetchSpy,
      maxConcurrentRequests: 2,
      maxBatchSize: 5,
    });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => connect.track({ userId: `u${i}`, event: `e${i}` })),
    );
    expect(peak).toBe(2);
    expect(requestShapes(emulator)).toStrictEqual(
      Array.from({ length: 8 }, () => ['/v2/track/batch', 5]),
    );
  });
});
