import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserClient, type KeyValueStorage, memoryStorage } from '../../src/browser/index';
import { ValidationError, VERSION } from '../../src/index';

interface Sent {
  url: string;
  keepalive: boolean;
  body: { batch: Record<string, unknown>[]; sentAt: string };
}

function recordingFetch(statuses: number[] = []) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    sent.push({
      url: String(url),
      keepalive: init?.keepalive === true,
      body: JSON.parse(String(init?.body)),
    });
    return new Response(null, { status: statuses.shift() ?? 200 });
  });
  return { sent, fetch: fetch as unknown as typeof globalThis.fetch };
}

describe('createBrowserClient', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('stamps each call when it is made, carries both ids, and batches to {endpoint}/batch', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
      now: Date.UTC(2026, 10, 29, 9),
    });
    const { sent, fetch } = recordingFetch();
    const connect = createBrowserClient({
      endpoint: '/api/connect/',
      storage: memoryStorage(),
      fetch,
      flushInterval: 1_000,
    });
    const anonymousId = connect.anonymousId();
    connect.identify('019mr8mf4r', { plan: 'pro' });
    await vi.advanceTimersByTimeAsync(400);
    connect.track('Signed Up', { plan: 'Startup' });
    await vi.advanceTimersByTimeAsync(600);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('/api/connect/batch');
    const [identify, track] = sent[0]?.body.batch ?? [];
    expect(identify).toMatchObject({
      type: 'identify',
      userId: '019mr8mf4r',
      anonymousId,
      traits: { plan: 'pro' },
      timestamp: '2026-11-29T09:00:00.000Z',
    });
    expect(track).toMatchObject({
      type: 'track',
      userId: '019mr8mf4r',
      anonymousId,
      event: 'Signed Up',
      timestamp: '2026-11-29T09:00:00.400Z',
    });
    expect(track?.context).toStrictEqual({
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      library: { name: 'zendesk-connect/browser', version: VERSION },
    });
    expect(identify?.messageId).not.toBe(track?.messageId);
    expect(sent[0]?.body.sentAt).toBe('2026-11-29T09:00:01.000Z');
  });

  it('aliases the anonymous id by default and remembers the user; reset() starts over', async () => {
    const storage = memoryStorage();
    const { sent, fetch } = recordingFetch();
    const connect = createBrowserClient({ endpoint: '/c', storage, fetch });
    const anonymousId = connect.anonymousId();
    await Promise.all([connect.alias(42), connect.flush()]);
    expect(sent[0]?.body.batch[0]).toMatchObject({
      type: 'alias',
      userId: 42,
      previousId: anonymousId,
    });
    expect(connect.userId()).toBe(42);
    expect(createBrowserClient({ endpoint: '/c', storage, fetch }).userId()).toBe(42);
    connect.reset();
    expect(connect.userId()).toBeUndefined();
    expect(connect.anonymousId()).not.toBe(anonymousId);
  });

  it('keeps ids in memory when storage throws', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const connect = createBrowserClient({
      endpoint: '/c',
      storage: broken,
      fetch: recordingFetch().fetch,
    });
    expect(connect.anonymousId()).toBe(connect.anonymousId());
  });

  it('uses memory when localStorage is unavailable', () => {
    vi.stubGlobal('localStorage', {
      setItem: () => {
        throw new Error('blocked');
      },
    });
    const connect = createBrowserClient({ endpoint: '/c', fetch: recordingFetch().fetch });
    expect(connect.anonymousId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses bad calls synchronously with a ValidationError naming the field, like ConnectClient; nothing is queued', async () => {
    const { sent, fetch } = recordingFetch();
    const connect = createBrowserClient({ endpoint: '/c', storage: memoryStorage(), fetch });
    expect(() => connect.track('  ')).toThrow(ValidationError);
    expect(() => connect.track('  ')).toThrow('browser: `event` must be a non-empty string');
    expect(() => connect.identify('', {})).toThrow(
      'browser: `userId` must be a non-empty string or a finite number',
    );
    expect(() => connect.track('e', [] as never)).toThrow(
      'browser: `properties` must be a plain object',
    );
    expect(() => connect.alias(42, Number.NaN)).toThrow('browser: `previousId` must be');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => connect.track('e', circular)).toThrow(
      'browser: `properties.self` is a circular reference',
    );
    expect(() => connect.identify({ userId: 'u1', traits: { n: 10n } })).toThrow(
      'browser: `traits.n` is a BigInt, which JSON cannot carry',
    );
    // As ConnectClient: a number JSON cannot carry is refused, not sent as null.
    expect(() => connect.track('e', { score: Number.NaN })).toThrow(
      'browser: `properties.score` is NaN, which JSON cannot carry',
    );
    expect(await connect.flush()).toStrictEqual({ delivered: 0, failed: 0, dropped: 0 });
    expect(sent).toHaveLength(0);
    expect(() => createBrowserClient({ endpoint: '' })).toThrow(
      'browser: `endpoint` must be the URL of your Connect proxy',
    );
  });

  it("copies traits, properties and context at the call: the page's later changes are not sent, and cannot break the batch", async () => {
    const { sent, fetch } = recordingFetch();
    const connect = createBrowserClient({
      endpoint: '/c',
      storage: memoryStorage(),
      fetch,
      flushInterval: 60_000,
    });
    const cart: Record<string, unknown> = { items: 1, at: new Date(0), skip: undefined };
    const traits: Record<string, unknown> = { plan: 'trial' };
    const context: Record<string, unknown> = { page: { path: '/cart' } };
    connect.track({ event: 'Added To Cart', properties: cart, context });
    connect.identify({ traits });
    // The page goes on using its objects.
    cart.items = 99;
    cart.self = cart;
    traits.plan = 'pro';
    traits.n = 10n;
    (context.page as Record<string, unknown>).path = '/checkout';
    expect(await connect.flush()).toStrictEqual({ delivered: 2, failed: 0, dropped: 0 });
    const [track, identify] = sent[0]?.body.batch ?? [];
    expect(track?.properties).toStrictEqual({ items: 1, at: '1970-01-01T00:00:00.000Z' });
    expect(track?.context).toMatchObject({ page: { path: '/cart' } });
    expect(identify?.traits).toStrictEqual({ plan: 'trial' });
  });

  it('on pagehide sends the queue with keepalive, in chunks that fit the 64 KiB budget', async () => {
    const listeners = new Map<string, () => void>();
    vi.stubGlobal('addEventListener', (type: string, listener: () => void) =>
      listeners.set(type, listener),
    );
    const { sent, fetch } = recordingFetch();
    const connect = createBrowserClient({
      endpoint: '/c',
      storage: memoryStorage(),
      fetch,
      flushInterval: 60_000,
    });
    const text = 'x'.repeat(25_000);
    const calls = Array.from({ length: 4 }, (_, i) => connect.track('Big', { i, text }));
    listeners.get('pagehide')?.();
    await Promise.all(calls);
    expect(sent.map((s) => s.body.batch.length)).toStrictEqual([2, 2]);
    expect(sent.map((s) => s.keepalive)).toStrictEqual([true, false]);
    for (const request of sent) expect(JSON.stringify(request.body).length).toBeLessThan(64 * 1024);
  });

  it('counts the keepalive budget per page: requests still in flight leave less for the next (Chromium refuses past 64 KiB)', async () => {
    const listeners = new Map<string, () => void>();
    vi.stubGlobal('addEventListener', (type: string, listener: () => void) =>
      listeners.set(type, listener),
    );
    vi.stubGlobal('document', { visibilityState: 'visible' });
    let inFlight = 0;
    let peak = 0;
    const refused: number[] = [];
    const kinds: boolean[] = [];
    // Chromium's rule: keepalive requests in flight may carry 64 KiB of body, all together.
    const fetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      const size = new TextEncoder().encode(String(init?.body)).length;
      kinds.push(init?.keepalive === true);
      if (init?.keepalive) {
        if (inFlight + size > 65_536) {
          refused.push(size);
          throw new TypeError('Failed to fetch');
        }
        inFlight += size;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 50));
        inFlight -= size;
      }
      return new Response('{}');
    }) as typeof globalThis.fetch;
    const connect = createBrowserClient({
      endpoint: '/c',
      storage: memoryStorage(),
      fetch,
      flushInterval: 60_000,
    });
    const props = { blob: 'x'.repeat(1_000) };
    for (let i = 0; i < 40; i++) connect.track('Scrolled', props);
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    listeners.get('visibilitychange')?.();
    for (let i = 0; i < 40; i++) connect.track('Hidden', props); // the page's own handler
    listeners.get('pagehide')?.();
    expect(await connect.flush()).toStrictEqual({ delivered: 80, failed: 0, dropped: 0 });
    expect(refused).toStrictEqual([]);
    expect(peak).toBeLessThanOrEqual(65_536);
    expect(kinds.filter((k) => k).length).toBeGreaterThan(0);
  });

  it('a batch waiting out a retry when the page hides is sent at once, with keepalive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const listeners = new Map<string, () => void>();
    vi.stubGlobal('addEventListener', (type: string, listener: () => void) =>
      listeners.set(type, listener),
    );
    const sent: { keepalive: boolean; events: unknown[] }[] = [];
    let first = true;
    const fetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { batch: { event: unknown }[] };
      sent.push({ keepalive: init?.keepalive === true, events: body.batch.map((m) => m.event) });
      if (first) {
        first = false;
        return new Response('{"error":{"code":"busy","message":"busy"}}', {
          status: 503,
          headers: { 'retry-after': '30' },
        });
      }
      return new Response('{}');
    }) as typeof globalThis.fetch;
    const connect = createBrowserClient({
      endpoint: '/c',
      storage: memoryStorage(),
      fetch,
      flushInterval: 1,
    });
    const calls = [connect.track('Added To Cart'), connect.track('Checkout Started')];
    await vi.advanceTimersByTimeAsync(10); // sent, answered 503: now waiting 30 s
    expect(sent).toHaveLength(1);
    listeners.get('pagehide')?.(); // the user navigates away
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toStrictEqual([
      { keepalive: false, events: ['Added To Cart', 'Checkout Started'] },
      { keepalive: true, events: ['Added To Cart', 'Checkout Started'] },
    ]);
    await Promise.all(calls);
  });
});
