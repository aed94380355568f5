/**
 * The proxy's client has one queue for everyone. Visitors (anyone on the internet) may take only
 * a share of it, so signed-in users keep room; a request that would pass the share (or the whole
 * queue) is refused at once with 503 and Retry-After, nothing of it queued, instead of half of it
 * failing later with queue_full.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConnectClient } from '../../src/index';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import { type ConnectProxyOptions, createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const ORIGIN = 'https://app.example.com';

function setUp(options: Partial<ConnectProxyOptions> = {}) {
  const emulator = createConnectEmulator();
  const client = new ConnectClient({
    apiKey: 'server-side-key-0123456789abcdef',
    fetch: emulator.fetch,
    maxRetries: 0,
    maxQueueSize: 200,
  });
  const proxy = createConnectProxy({
    client,
    currentUser: (request) => request.headers.get('x-session-user'),
    secret: false,
    ...options,
  });
  const send = (body: unknown, user?: string) =>
    proxy(
      new Request(`${ORIGIN}/api/connect/batch`, {
        method: 'POST',
        headers: { origin: ORIGIN, ...(user ? { 'x-session-user': user } : {}) },
        body: JSON.stringify(body),
      }),
    );
  return { emulator, client, send };
}

const visitorBatch = (size: number) => ({
  batch: Array.from({ length: size }, () => ({
    type: 'track',
    anonymousId: newAnonymousId(Date.now()),
    event: 'Flood',
  })),
});

describe('the shared queue', () => {
  it('visitors may fill only half of it: a signed-in user is still served; the refused visitor gets 503 with Retry-After', async () => {
    const { emulator, client, send } = setUp();
    emulator.faults.delay(100); // Connect is slow: the queue fills
    const flood = [send(visitorBatch(50)), send(visitorBatch(50))];
    await vi.waitFor(() =>
      expect(client.queueLoad).toStrictEqual({ queued: 100, maxQueueSize: 200 }),
    );
    const refused = await send(visitorBatch(1));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toMatchObject({ error: { code: 'busy', retryable: true } });
    expect(client.queueLoad.queued).toBe(100); // nothing of it was queued

    const signedIn = await send({ batch: [{ type: 'track', userId: 'u1', event: 'Paid' }] }, 'u1');
    expect(signedIn.status).toBe(200);
    for (const response of await Promise.all(flood)) expect(response.status).toBe(200);
    emulator.faults.clear();
  });

  it('a request that would overflow the whole queue is refused at once (503), not half-failed with queue_full (502)', async () => {
    const { emulator, client, send } = setUp({ visitorQueueShare: 1 });
    emulator.faults.delay(100);
    const flood = [send(visitorBatch(150))];
    await vi.waitFor(() => expect(client.queueLoad.queued).toBe(150));
    const over = await send({ batch: visitorBatch(60).batch.map((m) => ({ ...m })) }, 'u1');
    expect(over.status).toBe(503);
    expect(client.queueLoad.queued).toBe(150);
    for (const response of await Promise.all(flood)) expect(response.status).toBe(200);
    emulator.faults.clear();
  });

  it('concurrent visitor requests cannot all pass the check before any is queued', async () => {
    const { emulator, client, send } = setUp();
    emulator.faults.delay(100);
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => send(visitorBatch(50)))))
      .map((response) => response.status)
      .sort();
    expect(statuses).toStrictEqual([200, 200, 503, 503, 503]);
    expect(client.queueLoad.queued).toBe(0);
    expect(emulator.events).toHaveLength(100);
    emulator.faults.clear();
  });

  it('visitorQueueShare is a fraction from 0 to 1; retryAfter whole seconds, at least 1', () => {
    const client = new ConnectClient({ apiKey: 'k', fetch: createConnectEmulator().fetch });
    for (const visitorQueueShare of [-0.1, 1.5, Number.NaN])
      expect(() =>
        createConnectProxy({ client, currentUser: () => null, secret: false, visitorQueueShare }),
      ).toThrow('createConnectProxy: `visitorQueueShare` must be a number from 0 to 1');
    for (const retryAfter of [0, 0.5, 3601])
      expect(() =>
        createConnectProxy({ client, currentUser: () => null, secret: false, retryAfter }),
      ).toThrow(
        'createConnectProxy: `retryAfter` must be a whole number of seconds from 1 to 3600',
      );
  });
});
