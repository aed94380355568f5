/**
 * The browser client against the real proxy (and the emulator behind it), in Node: one call the
 * proxy refuses must not take the other calls of its batch with it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type BrowserClientEvents,
  type BrowserClientOptions,
  createBrowserClient,
  type EndpointError,
  type KeyValueStorage,
  memoryStorage,
  ValidationError,
} from '../../src/browser/index';
import { ConnectClient } from '../../src/index';
import { createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const ORIGIN = 'https://app.example.com';
const SECRET = 'page-secret-0123456789abcdef-0123456789abcdef';

afterEach(() => {
  vi.useRealTimers();
});

/** The proxy with a secret, and its emulator. The signed-in user is the page's `session.user`. */
function server() {
  const emulator = createConnectEmulator();
  const client = new ConnectClient({ apiKey: 'server-key', fetch: emulator.fetch, maxRetries: 0 });
  const proxy = createConnectProxy({
    client,
    currentUser: (request) => request.headers.get('x-session-user'),
    secret: SECRET,
  });
  return { emulator, proxy };
}

/** A page on `proxy`: a cookie jar, an app session, and the browser client. */
function page(
  proxy: (request: Request) => Promise<Response>,
  options: { storage?: KeyValueStorage; client?: Partial<BrowserClientOptions> } = {},
) {
  const jar = new Map<string, string>();
  const session: { user?: string | undefined } = {};
  const statuses: number[] = [];
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('origin', ORIGIN);
    if (session.user) headers.set('x-session-user', session.user);
    if (jar.size > 0)
      headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await proxy(
      new Request(`${ORIGIN}${String(url)}`, {
        method: init?.method ?? 'POST',
        headers,
        body: init?.body ?? null,
      }),
    );
    const cookie = response.headers.get('set-cookie');
    if (cookie) {
      const [pair = ''] = cookie.split(';');
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    statuses.push(response.status);
    return response;
  };
  const errors: BrowserClientEvents['error'][] = [];
  const connect = createBrowserClient({
    endpoint: '/api/connect',
    storage: options.storage ?? memoryStorage(),
    fetch: fetch as typeof globalThis.fetch,
    flushInterval: 5,
    onError: (event) => errors.push(event),
    ...options.client,
  });
  return { connect, session, statuses, errors };
}

describe('one refused call does not take its batch with it', () => {
  it('sign-out: the signed-in call refused as not_signed_in is dropped alone; the visitor calls batched with it arrive', async () => {
    const { emulator, proxy } = server();
    const p = page(proxy);
    p.session.user = 'u1';
    p.connect.identify('u1', { name: 'Michael' });
    await p.connect.flush();
    // The page signs out without waiting: the app's logout lands before the batch is sent.
    p.connect.track('Signed Out');
    p.connect.reset();
    p.connect.track('Viewed Home');
    p.session.user = undefined;
    expect(await p.connect.flush()).toStrictEqual({ delivered: 1, failed: 1, dropped: 0 });
    expect(p.statuses).toStrictEqual([200, 403, 200]);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]?.messages.map((m) => m.event)).toStrictEqual(['Signed Out']);
    expect((p.errors[0]?.error as EndpointError | undefined)?.error?.reason).toBe('not_signed_in');
    expect(emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([
      [p.connect.anonymousId(), 'Viewed Home'],
    ]);
  });

  it("a page whose clock is 20 minutes fast: refused as not bound, it moves to a new id on the proxy's clock and sends the calls again", async () => {
    const { emulator, proxy } = server();
    const real = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: real + 20 * 60_000 }); // the page's clock
    const p = page(async (request) => {
      vi.setSystemTime(real); // the server's clock
      try {
        return await proxy(request);
      } finally {
        vi.setSystemTime(real + 20 * 60_000);
      }
    });
    const first = p.connect.anonymousId();
    p.connect.identify({ email: 'visitor@example.com' });
    p.connect.track('Viewed Pricing');
    expect(await p.connect.flush()).toStrictEqual({ delivered: 2, failed: 0, dropped: 0 });
    expect(p.statuses).toStrictEqual([403, 200]);
    expect(p.errors).toStrictEqual([]);
    const second = p.connect.anonymousId();
    expect(second).not.toBe(first);
    expect(emulator.users.get(second)?.email).toBe('visitor@example.com');
    expect(emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([
      [second, 'Viewed Pricing'],
    ]);
  });

  it('after a sign-out without reset(), the aliased anonymous id is refused; the page moves to a new one and the visitor calls arrive', async () => {
    const { emulator, proxy } = server();
    const storage = memoryStorage();
    const p = page(proxy, { storage });
    const visitor = p.connect.anonymousId();
    p.session.user = 'u1';
    p.connect.alias('u1');
    expect(await p.connect.flush()).toMatchObject({ delivered: 1 });
    // The app signs out, and forgets the user but not the client's anonymous id (no reset()).
    p.session.user = undefined;
    storage.removeItem('zendesk_connect.user_id');
    p.connect.track('Viewed Home');
    expect(await p.connect.flush()).toStrictEqual({ delivered: 1, failed: 0, dropped: 0 });
    expect(p.statuses).toStrictEqual([200, 403, 200]);
    const next = p.connect.anonymousId();
    expect(next).not.toBe(visitor);
    expect(emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([[next, 'Viewed Home']]);
    expect(emulator.users.get('u1')?.previous_ids).toStrictEqual([visitor]);
  });

  it('what the proxy refuses as invalid throws at the call, with the proxy rules, so it cannot poison a batch', async () => {
    const { emulator, proxy } = server();
    const p = page(proxy);
    p.connect.track('Viewed Pricing');
    const nested: Record<string, unknown> = {};
    let inner = nested;
    for (let i = 0; i < 40; i++) inner = inner.next = {} as Record<string, unknown>;
    for (const bad of [
      () => p.connect.track('e'.repeat(201)),
      () => p.connect.track('Big', { blob: 'x'.repeat(40_000) }),
      () => p.connect.identify({ traits: { blob: 'é'.repeat(17_000) } }),
      () => p.connect.track('Deep', nested),
      () => p.connect.alias('u1', 'u1'),
    ])
      expect(bad).toThrow(ValidationError);
    expect(() => p.connect.track('e'.repeat(201))).toThrow(
      'browser: `event` must be a non-empty string of at most 200 characters',
    );
    expect(() => p.connect.track('Big', { blob: 'x'.repeat(40_000) })).toThrow(
      /^browser: `properties` makes the message \d+ bytes of JSON, over the proxy's 32 KiB$/,
    );
    p.connect.track('😀'.repeat(200)); // 200 characters (code points), fine
    p.connect.track('Checkout Started');
    expect(await p.connect.flush()).toStrictEqual({ delivered: 3, failed: 0, dropped: 0 });
    expect(emulator.events).toHaveLength(3);
  });

  it("batches stay under the proxy's body limit (512 KiB): 40 calls of 30 KiB all arrive", async () => {
    const { emulator, proxy } = server();
    const p = page(proxy, { client: { flushInterval: 60_000 } });
    for (let i = 0; i < 40; i++) p.connect.track('Big', { i, blob: 'x'.repeat(30_000) });
    expect(await p.connect.flush()).toStrictEqual({ delivered: 40, failed: 0, dropped: 0 });
    expect(p.statuses.every((status) => status === 200)).toBe(true);
    expect(emulator.events).toHaveLength(40);
  });
});
