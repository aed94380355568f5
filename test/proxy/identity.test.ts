/**
 * The proxy guards identities: a page may write only the signed-in user and anonymous ids in the
 * browser client's form (with `secret`: only its own). Every attack answers 403 and nothing of
 * its request reaches Connect (checked on the emulator's side).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectClient, ValidationError } from '../../src/index';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import { type ConnectProxyOptions, createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const ORIGIN = 'https://app.example.com';
const VICTIM = 'u-victim';
const MALLORY = 'u-mallory';
const SECRET = 'test-secret-0123456789abcdef-0123456789abcdef';

type Options = Partial<Omit<ConnectProxyOptions, 'client'>>;

/** A proxy whose signed-in user is the request's `x-session-user` header (a number when it parses as one). */
function setUp(options: Options = {}) {
  const emulator = createConnectEmulator();
  const client = new ConnectClient({
    apiKey: 'server-side-key-0123456789abcdef',
    fetch: emulator.fetch,
    maxRetries: 0,
  });
  const create = () =>
    createConnectProxy({
      client,
      currentUser: (request) => request.headers.get('x-session-user'),
      secret: false,
      ...options,
    });
  let proxy = create();
  /** Another process with the same options (a restart, another instance): nothing in memory. */
  const restart = () => {
    proxy = create();
  };
  /** A browser: its own cookie jar, signed in as `user` (or a visitor). */
  const browser = (user?: string) => {
    const jar = new Map<string, string>();
    const send = async (path: string, body: unknown, extra: Record<string, string> = {}) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        origin: ORIGIN,
        ...extra,
      };
      if (user !== undefined) headers['x-session-user'] = user;
      if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = await proxy(
        new Request(`${ORIGIN}/api/connect${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        }),
      );
      const set = response.headers.get('set-cookie');
      if (set) {
        const [pair = ''] = set.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return response;
    };
    return { send, jar };
  };
  return { emulator, client, proxy: (request: Request) => proxy(request), browser, restart };
}

async function seedVictim(emulator: ReturnType<typeof createConnectEmulator>) {
  const seeding = new ConnectClient({ apiKey: 'k', fetch: emulator.fetch });
  await seeding.identify({ userId: VICTIM, traits: { email: 'victim@example.com' } });
  await seeding.close();
  const before = emulator.calls.length;
  return {
    /** Nothing after seeding reached Connect, and the victim is as seeded. */
    untouched() {
      expect(emulator.calls.slice(before)).toStrictEqual([]);
      expect(emulator.users.get(VICTIM)).toMatchObject({
        user_id: VICTIM,
        email: 'victim@example.com',
        previous_ids: [],
        attributes: {},
      });
      expect(emulator.events).toStrictEqual([]);
    },
  };
}

/** `value` with the character at `at` changed to the next one of the base64url alphabet. */
function flipped(value: string, at: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const char = value[at] ?? 'A';
  const next =
    /[0-9a-f]/.test(char) && at < 36
      ? char === 'f'
        ? '0'
        : 'f'
      : alphabet[(alphabet.indexOf(char) + 1) % 64];
  return value.slice(0, at) + next + value.slice(at + 1);
}

async function refusal(response: Response) {
  return { status: response.status, error: ((await response.json()) as { error: unknown }).error };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the attacks of issue 13, with mallory signed in', () => {
  it.each([
    [
      "identify as the victim's anonymous id (rewriting the victim's email)",
      '/batch',
      { batch: [{ type: 'identify', anonymousId: VICTIM, traits: { email: 'mallory@evil.io' } }] },
      { field: 'anonymousId', reason: 'not_anonymous_id' },
    ],
    [
      "track under the victim's id as anonymousId",
      '/batch',
      { batch: [{ type: 'track', anonymousId: VICTIM, event: 'Bought' }] },
      { field: 'anonymousId', reason: 'not_anonymous_id' },
    ],
    [
      'alias the victim into mallory',
      '/batch',
      { batch: [{ type: 'alias', userId: MALLORY, previousId: VICTIM }] },
      { field: 'previousId', reason: 'not_anonymous_id' },
    ],
    [
      "alias the victim into mallory through alias's anonymousId fallback",
      '/alias',
      { userId: MALLORY, anonymousId: VICTIM },
      { field: 'anonymousId', reason: 'not_anonymous_id' },
    ],
    [
      'alias from a null previousId falling back to the victim',
      '/alias',
      { userId: MALLORY, previousId: null, anonymousId: VICTIM },
      { field: 'anonymousId', reason: 'not_anonymous_id' },
    ],
    [
      'track as the victim (userId)',
      '/track',
      { userId: VICTIM, event: 'Bought' },
      { field: 'userId', reason: 'not_current_user' },
    ],
    [
      'identify as the victim (userId)',
      '/identify',
      { userId: VICTIM, traits: { email: 'mallory@evil.io' } },
      { field: 'userId', reason: 'not_current_user' },
    ],
    [
      "identify with userId null, falling back to the victim's id",
      '/identify',
      { userId: null, anonymousId: VICTIM, traits: { email: 'mallory@evil.io' } },
      { field: 'anonymousId', reason: 'not_anonymous_id' },
    ],
    [
      "alias mallory's own anonymous id into the victim",
      '/alias',
      { userId: VICTIM, previousId: newAnonymousId(Date.now()) },
      { field: 'userId', reason: 'not_current_user' },
    ],
    [
      'group as the victim',
      '/group',
      { userId: VICTIM, groupId: 'acme', traits: { plan: 'free' } },
      { field: 'userId', reason: 'not_current_user' },
    ],
    [
      'the victim id with whitespace around it',
      '/track',
      { userId: ` ${VICTIM} `, event: 'Bought' },
      { field: 'userId', reason: 'not_current_user' },
    ],
    [
      "mallory's own id in another case",
      '/track',
      { userId: MALLORY.toUpperCase(), event: 'Bought' },
      { field: 'userId', reason: 'not_current_user' },
    ],
    [
      'a trait naming the victim (traits.userId)',
      '/identify',
      { userId: MALLORY, traits: { userId: VICTIM } },
      { field: 'traits.userId', reason: 'trait_names_another_user' },
    ],
    [
      'a trait naming the victim (traits.id)',
      '/identify',
      { userId: MALLORY, traits: { id: VICTIM } },
      { field: 'traits.id', reason: 'trait_names_another_user' },
    ],
    [
      'a trait naming the victim (traits["User ID"])',
      '/identify',
      { userId: MALLORY, traits: { 'User ID': VICTIM } },
      { field: 'traits.User ID', reason: 'trait_names_another_user' },
    ],
    [
      'a trait naming the victim inside an array (traits.userId: [victim])',
      '/identify',
      { userId: MALLORY, traits: { userId: [VICTIM] } },
      { field: 'traits.userId', reason: 'trait_names_another_user' },
    ],
    [
      'a trait naming the victim inside an object (traits.id: { id: victim })',
      '/identify',
      { userId: MALLORY, traits: { id: { id: VICTIM } } },
      { field: 'traits.id', reason: 'trait_names_another_user' },
    ],
    [
      "a trait that is not mallory's id, even when it names no one (traits.user_id: true)",
      '/identify',
      { userId: MALLORY, traits: { user_id: true } },
      { field: 'traits.user_id', reason: 'trait_names_another_user' },
    ],
  ])('refuses: %s', async (_, path, body, why) => {
    const { emulator, browser } = setUp();
    const victim = await seedVictim(emulator);
    const response = await browser(MALLORY).send(path, body);
    expect(await refusal(response)).toMatchObject({
      status: 403,
      error: { code: 'forbidden', index: 0, ...why },
    });
    victim.untouched();
  });

  it('refuses the whole batch for one bad message, naming its index; nothing of it is forwarded', async () => {
    const { emulator, browser } = setUp();
    const victim = await seedVictim(emulator);
    const mine = newAnonymousId(Date.now());
    const response = await browser(MALLORY).send('/batch', {
      batch: [
        { type: 'identify', anonymousId: mine, traits: { plan: 'trial' } },
        { type: 'track', userId: MALLORY, event: 'Fine' },
        { type: 'page', anonymousId: VICTIM, name: 'skipped anyway' },
        { type: 'alias', userId: MALLORY, previousId: VICTIM },
      ],
    });
    expect(await refusal(response)).toStrictEqual({
      status: 403,
      error: {
        code: 'forbidden',
        reason: 'not_anonymous_id',
        index: 3,
        field: 'previousId',
        message:
          "message 3 (alias): `previousId` is not an anonymous id in the browser client's form, so this request may not write it; nothing was forwarded",
      },
    });
    victim.untouched();
  });

  it('a visitor (no one signed in) may write no user id at all', async () => {
    const { emulator, browser } = setUp();
    const victim = await seedVictim(emulator);
    for (const [path, body] of [
      ['/track', { userId: VICTIM, event: 'Bought' }],
      ['/alias', { userId: VICTIM, previousId: newAnonymousId(Date.now()) }],
      ['/group', { userId: VICTIM, groupId: 'acme' }],
    ] as const) {
      expect(await refusal(await browser().send(path, body))).toMatchObject({
        status: 403,
        error: { reason: 'not_signed_in', field: 'userId' },
      });
    }
    victim.untouched();
  });

  it("refuses an anonymous id that is a real user's id, even a UUID (v4) or a number", async () => {
    const uuidUser = '3f0c9a52-1b7e-4d4a-9c1e-2b5f8d7e6a10'; // Supabase/Cognito-style user id
    const { emulator, browser } = setUp();
    for (const anonymousId of [uuidUser, uuidUser.toUpperCase(), 5, `${newAnonymousId(0)} `]) {
      expect(
        await refusal(
          await browser().send('/identify', { anonymousId, traits: { email: 'x@evil.io' } }),
        ),
      ).toMatchObject({ status: 403, error: { reason: 'not_anonymous_id' } });
    }
    expect(emulator.calls).toStrictEqual([]);
  });

  it.each(['/identify', '/track', '/alias', '/group'])(
    'guards the single-call path %s like the batch',
    async (path) => {
      const { emulator, browser } = setUp();
      const victim = await seedVictim(emulator);
      const body = {
        '/identify': { anonymousId: VICTIM, traits: { email: 'x@evil.io' } },
        '/track': { anonymousId: VICTIM, event: 'Bought' },
        '/alias': { userId: MALLORY, previousId: VICTIM },
        '/group': { userId: VICTIM, groupId: 'acme' },
      }[path];
      expect((await browser(MALLORY).send(path, body)).status).toBe(403);
      victim.untouched();
    },
  );
});

describe('what a request may write', () => {
  it('the signed-in user, compared as Connect compares ids: 5 and "5" are one id', async () => {
    const { emulator, browser } = setUp({
      currentUser: (request) => {
        const user = request.headers.get('x-session-user');
        return user === 'five' ? 5 : user;
      },
    });
    expect((await browser('5').send('/track', { userId: 5, event: 'A' })).status).toBe(200);
    expect((await browser('five').send('/track', { userId: '5', event: 'B' })).status).toBe(200);
    for (const userId of [6, '05', '5.0', ' 5', '5 ', 50]) {
      expect(
        await refusal(await browser('5').send('/track', { userId, event: 'C' })),
      ).toMatchObject({ status: 403, error: { reason: 'not_current_user', field: 'userId' } });
    }
    expect(emulator.events.map((e) => [e.user_id, e.event])).toStrictEqual([
      ['5', 'A'],
      ['5', 'B'],
    ]);
  });

  it('anonymous ids in the browser client form, and an alias from one to the signed-in user', async () => {
    const { emulator, browser } = setUp();
    const anonymousId = newAnonymousId(Date.now());
    const visitor = browser();
    expect(
      (
        await visitor.send('/batch', {
          batch: [
            { type: 'identify', anonymousId, traits: { plan: 'trial' } },
            { type: 'track', anonymousId, event: 'Viewed Pricing' },
          ],
        })
      ).status,
    ).toBe(200);
    const signedIn = browser(MALLORY);
    const response = await signedIn.send('/batch', {
      batch: [
        { type: 'identify', userId: MALLORY, anonymousId, traits: { email: 'm@example.com' } },
        { type: 'alias', userId: MALLORY, previousId: anonymousId },
        { type: 'track', userId: MALLORY, anonymousId, event: 'Signed Up' },
      ],
    });
    expect(response.status).toBe(200);
    expect([...emulator.users.keys()]).toStrictEqual([MALLORY]);
    expect(emulator.users.get(MALLORY)).toMatchObject({
      previous_ids: [anonymousId],
      attributes: { plan: 'trial' },
    });
  });

  it('decided: a trait naming the written id itself is fine (the mapping drops it); context.traits and an unwritten anonymousId never reach Connect, so they pass', async () => {
    const { emulator, browser } = setUp();
    const victim = await seedVictim(emulator);
    const before = emulator.calls.length;
    const response = await browser(MALLORY).send('/batch', {
      batch: [
        {
          type: 'identify',
          userId: MALLORY,
          traits: { userId: MALLORY, id: MALLORY, plan: 'pro' },
        },
        {
          type: 'identify',
          userId: MALLORY,
          anonymousId: VICTIM,
          traits: { name: 'Mallory' },
          context: { traits: { userId: VICTIM, email: 'x@evil.io' } },
        },
        {
          type: 'track',
          userId: MALLORY,
          anonymousId: VICTIM,
          event: 'Shown',
          properties: { userId: VICTIM },
        },
        { type: 'group', userId: MALLORY, groupId: VICTIM, traits: { id: VICTIM } },
      ],
    });
    expect(response.status).toBe(200);
    // Only mallory was written: the victim keeps what was seeded.
    const writes = emulator.calls.slice(before).flatMap((call) => {
      const bodies = Array.isArray(call.body) ? call.body : [call.body];
      return bodies.map((body) => (body as { user_id: unknown }).user_id);
    });
    expect(new Set(writes)).toStrictEqual(new Set([MALLORY]));
    expect(emulator.users.get(VICTIM)).toMatchObject({
      email: 'victim@example.com',
      attributes: {},
    });
    expect(emulator.users.get(MALLORY)?.attributes).toStrictEqual({ plan: 'pro', name: 'Mallory' });
    void victim;
  });

  it('authorize sees the writes, runs after the identity checks and can only refuse more', async () => {
    const seen: unknown[] = [];
    const { emulator, browser } = setUp({
      authorize: ({ message, writes, user, index }) => {
        seen.push({ index, type: message.type, writes, user });
        return message.type !== 'group';
      },
    });
    const anonymousId = newAnonymousId(Date.now());
    const mallory = browser(MALLORY);
    expect(
      (await mallory.send('/alias', { userId: MALLORY, previousId: anonymousId })).status,
    ).toBe(200);
    expect(seen).toStrictEqual([
      {
        index: 0,
        type: 'alias',
        user: MALLORY,
        writes: [
          { field: 'userId', id: MALLORY, kind: 'user' },
          { field: 'previousId', id: anonymousId, kind: 'anonymous' },
        ],
      },
    ]);
    expect(
      await refusal(await mallory.send('/group', { userId: MALLORY, groupId: 'g' })),
    ).toMatchObject({
      status: 403,
      error: { reason: 'authorize', index: 0 },
    });
    // An authorize that allows everything does not open what the identity rules refuse.
    const open = setUp({ authorize: () => true });
    expect(
      (await open.browser(MALLORY).send('/track', { userId: VICTIM, event: 'x' })).status,
    ).toBe(403);
    expect(open.emulator.calls).toStrictEqual([]);
    expect(emulator.calls).toHaveLength(1);
  });

  it('anonymousIdPattern changes the anonymous form', async () => {
    const { emulator, browser } = setUp({ anonymousIdPattern: /^anon-[0-9a-f]{32}$/g });
    const id = `anon-${'ab'.repeat(16)}`;
    for (let i = 0; i < 2; i++) {
      // twice: a /g pattern's lastIndex must not make the second test fail
      expect((await browser().send('/track', { anonymousId: id, event: 'e' })).status).toBe(200);
    }
    expect(
      (await browser().send('/track', { anonymousId: newAnonymousId(Date.now()), event: 'e' }))
        .status,
    ).toBe(403);
    expect(emulator.events).toHaveLength(2);
  });

  it('currentUser may be async, is asked once per request, and must return an id or nothing', async () => {
    let asked = 0;
    const { browser } = setUp({
      currentUser: async () => {
        asked++;
        return MALLORY;
      },
    });
    const response = await browser().send('/batch', {
      batch: [
        { type: 'track', userId: MALLORY, event: 'a' },
        { type: 'track', userId: MALLORY, event: 'b' },
      ],
    });
    expect([response.status, asked]).toStrictEqual([200, 1]);
    const bad = setUp({ currentUser: () => '' as never });
    await expect(bad.browser().send('/track', { userId: 'x', event: 'e' })).rejects.toThrow(
      'createConnectProxy: `currentUser` must return the signed-in user',
    );
    expect(bad.emulator.calls).toStrictEqual([]);
  });

  it('currentUser is required', () => {
    const client = new ConnectClient({ apiKey: 'k', fetch: createConnectEmulator().fetch });
    expect(() => createConnectProxy({ client } as never)).toThrow(
      'createConnectProxy: `currentUser` must be a function',
    );
  });
});

describe('with a secret, an anonymous id belongs to the browser that first used it', () => {
  it('binds a new id to the first browser with an HttpOnly, signed, SameSite cookie, and refuses it from a second browser', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 29, 9) });
    const { emulator, browser } = setUp({ secret: SECRET });
    const id = newAnonymousId(Date.now());
    const victim = browser();
    const first = await victim.send('/identify', { anonymousId: id, traits: { plan: 'trial' } });
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^zendesk_connect_anonymous=[^;]+; Path=\/api\/connect; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/,
    );
    expect(cookie).not.toContain(id); // keyed hashes, not the ids

    vi.setSystemTime(Date.now() + 11 * 60_000); // past the bind window: the id is no longer new
    expect((await victim.send('/track', { anonymousId: id, event: 'Still Mine' })).status).toBe(
      200,
    );

    const stranger = browser(); // a fresh browser: no cookie
    const stolen = await stranger.send('/identify', {
      anonymousId: id,
      traits: { email: 'x@evil.io' },
    });
    expect(await refusal(stolen)).toMatchObject({
      status: 403,
      error: { reason: 'anonymous_id_not_bound', field: 'anonymousId', index: 0, now: Date.now() },
    });
    const mallory = browser(MALLORY); // a browser holding its own binding
    await mallory.send('/track', { anonymousId: newAnonymousId(Date.now()), event: 'Own' });
    expect(mallory.jar.size).toBe(1);
    for (const [path, body] of [
      ['/alias', { userId: MALLORY, previousId: id }],
      ['/track', { anonymousId: id, event: 'x' }],
    ] as const) {
      expect(await refusal(await mallory.send(path, body))).toMatchObject({
        status: 403,
        error: { reason: 'anonymous_id_not_bound' },
      });
    }
    expect(emulator.users.get(id)?.attributes).toStrictEqual({ plan: 'trial' });
    expect(emulator.events.map((e) => e.event)).toStrictEqual(['Still Mine', 'Own']);
  });

  it('refuses a forged or tampered cookie, and a cookie signed with another secret', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 29, 9) });
    const { browser } = setUp({ secret: SECRET });
    const other = setUp({ secret: `${SECRET}-other` });
    const id = newAnonymousId(Date.now());
    const victim = browser();
    await victim.send('/track', { anonymousId: id, event: 'e' });
    const signed = victim.jar.get('zendesk_connect_anonymous') ?? '';
    vi.setSystemTime(Date.now() + 11 * 60_000);
    const forger = browser();
    for (const value of [
      flipped(signed, signed.length - 10), // a signature byte changed
      flipped(signed, signed.length - 1), // the same bytes, spelled another way (spare bits)
      flipped(signed, 3), // an id changed
      signed.replace(/\.[^.]+$/, '.x'),
      `v1.${id}.`,
      id,
    ]) {
      forger.jar.set('zendesk_connect_anonymous', value);
      expect((await forger.send('/track', { anonymousId: id, event: 'x' })).status).toBe(403);
    }
    const elsewhere = other.browser();
    elsewhere.jar.set('zendesk_connect_anonymous', signed);
    expect((await elsewhere.send('/track', { anonymousId: id, event: 'x' })).status).toBe(403);
  });

  it('a browser keeps its recent ids bound across reset(), and only new ids bind', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 29, 9) });
    const { browser } = setUp({ secret: SECRET, bindWindow: 60_000 });
    const tab = browser();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(newAnonymousId(Date.now()));
      expect((await tab.send('/track', { anonymousId: ids[i], event: `e${i}` })).status).toBe(200);
      vi.setSystemTime(Date.now() + 61_000);
    }
    // All three are still this browser's (a queued message of an earlier id may still arrive).
    for (const id of ids)
      expect((await tab.send('/track', { anonymousId: id, event: 'later' })).status).toBe(200);
    // An id made before the window, never seen: not new, so no browser may bind it.
    const old = newAnonymousId(Date.now() - 61_000);
    expect(await refusal(await tab.send('/track', { anonymousId: old, event: 'x' }))).toMatchObject(
      {
        status: 403,
        error: { reason: 'anonymous_id_not_bound' },
      },
    );
  });

  it('binds the anonymous id a signed-in message carries, so a later alias from it passes', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 29, 9) });
    const { browser } = setUp({ secret: SECRET });
    const id = newAnonymousId(Date.now());
    const mallory = browser(MALLORY);
    expect((await mallory.send('/identify', { userId: MALLORY, anonymousId: id })).status).toBe(
      200,
    );
    vi.setSystemTime(Date.now() + 60 * 60_000);
    expect((await mallory.send('/alias', { userId: MALLORY, previousId: id })).status).toBe(200);
  });

  it("the cookie's Path comes from the request path, and cannot carry other attributes (a ';' in the path)", async () => {
    const { proxy } = setUp({ secret: SECRET });
    for (const [path, expected] of [
      ['/api/connect/track', '/api/connect'],
      ['/track', '/'],
      [
        '/api/connect;Domain=example.com;SameSite=None/track',
        '/api/connect%3BDomain=example.com%3BSameSite=None',
      ],
      ['/api/a,b c/track', '/api/a%2Cb%20c'],
    ] as const) {
      const response = await proxy(
        new Request(`${ORIGIN}${path}`, {
          method: 'POST',
          headers: { origin: ORIGIN },
          body: JSON.stringify({ anonymousId: newAnonymousId(Date.now()), event: 'e' }),
        }),
      );
      expect(response.status).toBe(200);
      const attributes = (response.headers.get('set-cookie') ?? '').split('; ').slice(1);
      expect(attributes).toStrictEqual([
        `Path=${expected}`,
        expect.stringMatching(/^Max-Age=\d+$/),
        'HttpOnly',
        'SameSite=Strict',
        'Secure',
      ]);
    }
  });

  it('needs a secret of at least 32 characters', () => {
    const client = new ConnectClient({ apiKey: 'k', fetch: createConnectEmulator().fetch });
    expect(() => createConnectProxy({ client, currentUser: () => null, secret: 'short' })).toThrow(
      'createConnectProxy: `secret` must be a random string of at least 32 characters',
    );
  });

  it('a missing secret (an unset environment variable) throws at creation, naming the field; only secret: false opts out', async () => {
    const client = new ConnectClient({ apiKey: 'k', fetch: createConnectEmulator().fetch });
    const env: Record<string, string | undefined> = {};
    let thrown: unknown;
    try {
      // What `secret: process.env.CONNECT_PROXY_SECRET!` gives when the variable is not set.
      createConnectProxy({ client, currentUser: () => null, secret: env.UNSET as string });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toStrictEqual([
      {
        path: 'secret',
        message: expect.stringMatching(/^createConnectProxy: `secret` is missing/),
      },
    ]);
    expect(() => createConnectProxy({ client, currentUser: () => null } as never)).toThrow(
      ValidationError,
    );
    for (const secret of [true, '', null, 0]) {
      expect(() =>
        createConnectProxy({ client, currentUser: () => null, secret: secret as never }),
      ).toThrow(/`secret`/);
    }
    // The explicit opt-out: anonymous ids are bearer tokens (no cookie is set).
    const open = createConnectProxy({ client, currentUser: () => null, secret: false });
    const response = await open(
      new Request(`${ORIGIN}/api/connect/track`, {
        method: 'POST',
        headers: { origin: ORIGIN },
        body: JSON.stringify({ anonymousId: newAnonymousId(Date.now()), event: 'e' }),
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

describe('an anonymous id aliased into a user is that user: only that user may write it again', () => {
  type Browser = ReturnType<ReturnType<typeof setUp>['browser']>;

  /** A view of `browser` (its cookie jar) signed in as `user`, or the browser itself for a visitor. */
  const as = (browser: Browser, user?: string) => ({
    send: (path: string, body: unknown) =>
      browser.send(path, body, user === undefined ? {} : { 'x-session-user': user }),
  });

  /** The victim, on `browser`: a visitor, then signs in (alias, identify); returns the anonymous id. */
  async function victimSignsUp(browser: Browser) {
    const anonymousId = newAnonymousId(Date.now());
    for (const [user, path, body] of [
      [undefined, '/identify', { anonymousId, traits: { plan: 'trial' } }],
      [VICTIM, '/alias', { userId: VICTIM, previousId: anonymousId }],
      [VICTIM, '/identify', { userId: VICTIM, traits: { email: 'victim@example.com' } }],
    ] as const)
      expect((await as(browser, user).send(path, body)).status).toBe(200);
    return anonymousId;
  }

  /** From the emulator's side: nothing more reaches Connect; the victim stays as they are, merged into no one. */
  function untouchedFromNow(emulator: ReturnType<typeof createConnectEmulator>) {
    const calls = emulator.calls.length;
    const victim = structuredClone(emulator.users.get(VICTIM));
    const events = structuredClone(emulator.events);
    expect(victim).toMatchObject({
      email: 'victim@example.com',
      previous_ids: [expect.any(String)],
    });
    return () => {
      expect(emulator.calls.slice(calls)).toStrictEqual([]);
      expect(emulator.users.get(VICTIM)).toStrictEqual(victim);
      expect(emulator.users.has(MALLORY)).toBe(false);
      expect(emulator.events).toStrictEqual(events);
    };
  }

  /** The review's attacks on an aliased anonymous id: as a visitor, and as mallory signed in. */
  const attacks = (anonymousId: string) =>
    [
      [
        undefined,
        '/identify',
        { anonymousId, traits: { email: 'mallory@evil.io' } },
        'anonymousId',
      ],
      [undefined, '/track', { anonymousId, event: 'Requested Password Reset' }, 'anonymousId'],
      [MALLORY, '/alias', { userId: MALLORY, previousId: anonymousId }, 'previousId'],
      [MALLORY, '/identify', { anonymousId, traits: { email: 'mallory@evil.io' } }, 'anonymousId'],
    ] as const;

  it('with a secret: the next person on a shared browser, after the victim signed out, is refused', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 29, 9) });
    const { emulator, browser, restart } = setUp({ secret: SECRET });
    const shared = browser(); // one browser, one cookie jar: the victim's, then the next person's
    const anonymousId = await victimSignsUp(shared);
    // The victim signs out: reset() starts a new anonymous id, which this browser then uses.
    const next = newAnonymousId(Date.now());
    expect((await shared.send('/track', { anonymousId: next, event: 'Home' })).status).toBe(200);
    // The cookie names neither the old anonymous id nor the user in clear (devtools shows it).
    const cookie = shared.jar.get('zendesk_connect_anonymous') ?? '';
    expect(cookie).not.toContain(anonymousId);
    expect(cookie).not.toContain(VICTIM);
    expect(cookie).not.toContain(next);
    vi.setSystemTime(Date.now() + 24 * 60 * 60_000); // the next day
    restart(); // the cookie alone says it: no memory of the alias in this process
    const untouched = untouchedFromNow(emulator);
    for (const [user, path, body, field] of attacks(anonymousId)) {
      expect(await refusal(await as(shared, user).send(path, body))).toMatchObject({
        status: 403,
        error: { reason: 'anonymous_id_aliased', field },
      });
    }
    // Nor with the lock cut out of the cookie (the signature no longer matches).
    const cut = cookie.replace(/:[A-Za-z0-9_-]{22}/g, '');
    expect(cut).not.toBe(cookie);
    shared.jar.set('zendesk_connect_anonymous', cut);
    expect((await shared.send('/track', { anonymousId, event: 'x' })).status).toBe(403);
    shared.jar.set('zendesk_connect_anonymous', cookie);
    untouched();
    // The victim, signed in again on this browser, may still write it (a late visitor batch).
    expect(
      (await as(shared, VICTIM).send('/track', { anonymousId, event: 'Late Visitor Event' }))
        .status,
    ).toBe(200);
  });

  it('with a secret: new ids pushing it out of the cookie do not free an aliased id, even while it is new', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 29, 9) });
    const { emulator, browser, restart } = setUp({ secret: SECRET });
    const shared = browser();
    const anonymousId = await victimSignsUp(shared);
    for (let i = 0; i < 12; i++)
      await shared.send('/track', { anonymousId: newAnonymousId(Date.now()), event: `e${i}` });
    restart();
    const untouched = untouchedFromNow(emulator);
    for (const [user, path, body] of attacks(anonymousId)) {
      expect(await refusal(await as(shared, user).send(path, body))).toMatchObject({
        status: 403,
        error: { reason: 'anonymous_id_aliased' },
      });
    }
    untouched();
  });

  it('with a secret: a second browser that bound the id while it was new is refused after the alias (this process remembers it)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 29, 9) });
    const { emulator, browser } = setUp({ secret: SECRET });
    const victims = browser();
    const mallorys = browser();
    const anonymousId = newAnonymousId(Date.now());
    // Mallory learned the id (a shared screen) and used it while it was new: her browser bound it.
    expect((await mallorys.send('/track', { anonymousId, event: 'Seen' })).status).toBe(200);
    for (const [user, path, body] of [
      [undefined, '/identify', { anonymousId, traits: { plan: 'trial' } }],
      [VICTIM, '/alias', { userId: VICTIM, previousId: anonymousId }],
      [VICTIM, '/identify', { userId: VICTIM, traits: { email: 'victim@example.com' } }],
    ] as const)
      expect((await as(victims, user).send(path, body)).status).toBe(200);
    const untouched = untouchedFromNow(emulator);
    for (const [user, path, body] of attacks(anonymousId)) {
      expect(await refusal(await as(mallorys, user).send(path, body))).toMatchObject({
        status: 403,
        error: { reason: 'anonymous_id_aliased' },
      });
    }
    untouched();
  });

  it('with secret: false, in this process: anyone who learns the id is refused once it was aliased', async () => {
    const { emulator, browser } = setUp({ secret: false });
    const anonymousId = await victimSignsUp(browser());
    const untouched = untouchedFromNow(emulator);
    for (const [user, path, body] of attacks(anonymousId)) {
      expect(await refusal(await browser(user).send(path, body))).toMatchObject({
        status: 403,
        error: { reason: 'anonymous_id_aliased' },
      });
    }
    untouched();
    expect((await browser(VICTIM).send('/track', { anonymousId, event: 'Late' })).status).toBe(200);
  });

  it('what it cannot know (docs/browser.md says so): with secret: false, a process that never saw the alias forwards a write of the id', async () => {
    const { client, browser } = setUp({ secret: false });
    const anonymousId = await victimSignsUp(browser());
    const elsewhere = createConnectProxy({ client, currentUser: () => null, secret: false });
    const response = await elsewhere(
      new Request(`${ORIGIN}/api/connect/track`, {
        method: 'POST',
        headers: { origin: ORIGIN },
        body: JSON.stringify({ anonymousId, event: 'x' }),
      }),
    );
    expect(response.status).toBe(200);
  });

  it("closing it with authorize and the app's own store (docs/browser.md's example), across processes", async () => {
    const store = new Map<string, string>(); // the app's table: anonymous id → user
    const authorize: ConnectProxyOptions['authorize'] = async ({ message, writes, user }) => {
      for (const { id, kind } of writes) {
        if (kind !== 'anonymous') continue;
        const owner = store.get(String(id));
        if (owner !== undefined && owner !== String(user)) return false;
        if (message.type === 'alias' && user !== undefined) store.set(String(id), String(user));
      }
      return true;
    };
    const { emulator, browser, restart } = setUp({ secret: false, authorize });
    const anonymousId = await victimSignsUp(browser());
    restart(); // another process: it never saw the alias
    const untouched = untouchedFromNow(emulator);
    for (const [user, path, body] of attacks(anonymousId)) {
      expect(await refusal(await browser(user).send(path, body))).toMatchObject({
        status: 403,
        error: { reason: 'authorize' },
      });
    }
    untouched();
  });
});
