/**
 * A property over random batches: whatever a page posts, nothing the proxy forwards writes a
 * Connect user id the request may not write. Checked on the emulator's side, from the bodies
 * Connect received, not from the proxy's answer.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectClient } from '../../src/index';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import { createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const ORIGIN = 'https://app.example.com';
const SECRET = 'property-secret-0123456789abcdef-0123456789';
const NOW = Date.UTC(2026, 10, 29, 9);
const HOUR = 60 * 60_000;

const emulator = createConnectEmulator();
const client = new ConnectClient({
  apiKey: 'property-key',
  fetch: emulator.fetch,
  maxRetries: 0,
  flushInterval: 0,
});
const currentUser = (request: Request) => {
  const user = request.headers.get('x-session-user');
  return user === 'five' ? 5 : user;
};
const proxies = {
  open: createConnectProxy({ client, currentUser, secret: false }),
  secret: createConnectProxy({ client, currentUser, secret: SECRET }),
};

/**
 * Anonymous ids: mine (bound to this browser an hour ago), the victim's (bound to another browser
 * an hour ago), one this browser used and then aliased into the victim (a shared computer), a new
 * one, an old one no browser holds.
 */
const ids = {} as Record<'mine' | 'victims' | 'aliased' | 'fresh' | 'oldUnseen', string>;
let myCookie = '';

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW - HOUR });
  const bind = async (id: string) => {
    const response = await proxies.secret(
      new Request(`${ORIGIN}/api/connect/track`, {
        method: 'POST',
        headers: { origin: ORIGIN },
        body: JSON.stringify({ anonymousId: id, event: 'Bound' }),
      }),
    );
    expect(response.status).toBe(200);
    return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };
  ids.mine = newAnonymousId(Date.now());
  ids.victims = newAnonymousId(Date.now());
  ids.oldUnseen = newAnonymousId(Date.now());
  myCookie = await bind(ids.mine);
  await bind(ids.victims);
  // The victim signed in on this browser: its anonymous id is aliased into the victim.
  ids.aliased = newAnonymousId(Date.now());
  for (const proxy of [proxies.secret, proxies.open]) {
    const response = await proxy(
      new Request(`${ORIGIN}/api/connect/alias`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'x-session-user': 'u-victim', cookie: myCookie },
        body: JSON.stringify({ userId: 'u-victim', previousId: ids.aliased }),
      }),
    );
    expect(response.status).toBe(200);
    myCookie = (response.headers.get('set-cookie') ?? '').split(';')[0] || myCookie;
  }
  vi.setSystemTime(NOW);
  ids.fresh = newAnonymousId(Date.now());
});
afterAll(() => {
  vi.useRealTimers();
});

/** Ids drawn from a small pool: users (the signed-in ones, the victim, near misses), anonymous ids, nothing. */
const pool = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<unknown>('u-mallory', 5, '5') },
    {
      weight: 4,
      arbitrary: fc.constantFrom<unknown>(
        ids.mine,
        ids.fresh,
        ids.victims,
        ids.aliased,
        ids.oldUnseen,
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        'u-victim',
        ' u-mallory',
        'U-MALLORY',
        '5 ',
        '3f0c9a52-1b7e-4d4a-9c1e-2b5f8d7e6a10', // a v4 UUID: someone's user id
        ids.victims.toUpperCase(),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined) },
  );

const traitKey = fc.constantFrom('userId', 'id', 'user_id', 'ID', 'plan');
const message = () =>
  fc.record(
    {
      type: fc.constantFrom('identify', 'track', 'alias', 'group', 'page'),
      userId: pool(),
      anonymousId: pool(),
      previousId: pool(),
      groupId: fc.constantFrom('acme', 'u-victim', 5),
      event: fc.constant('Did Something'),
      traits: fc.dictionary(
        traitKey,
        fc.oneof(
          pool(),
          pool().map((id) => [id]),
          pool().map((id) => ({ id })),
        ),
        { maxKeys: 1 },
      ),
      context: fc.record({ traits: fc.record({ userId: pool() }) }),
      messageId: fc.constantFrom('m-1', 'u-victim'),
    },
    { requiredKeys: ['type', 'event', 'groupId'] },
  );

describe('the proxy, over random batches', () => {
  it('forwards nothing that writes an id the request may not write', async () => {
    const outcomes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'five' | 'u-mallory' | undefined>(undefined, 'u-mallory', 'five'),
        fc.boolean(),
        fc.array(message(), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('/batch', '/single'),
        async (user, withSecret, batch, shape) => {
          const before = emulator.calls.length;
          const headers: Record<string, string> = { origin: ORIGIN };
          if (user !== undefined) headers['x-session-user'] = user;
          if (withSecret) headers.cookie = myCookie;
          const first = batch[0]!;
          const single = shape === '/single' && first.type !== 'page';
          const response = await (withSecret ? proxies.secret : proxies.open)(
            new Request(`${ORIGIN}/api/connect/${single ? first.type : 'batch'}`, {
              method: 'POST',
              headers,
              body: JSON.stringify(single ? first : { batch }),
            }),
          );
          outcomes.set(response.status, (outcomes.get(response.status) ?? 0) + 1);
          await client.flush();

          // What this request may write: the signed-in user, as Connect compares ids; anonymous
          // ids in the browser client's form; with the secret, only this browser's or new ones;
          // never an id aliased into another user (the victim).
          const allowed = new Set<string>();
          if (user !== undefined) allowed.add(user === 'five' ? '5' : user);
          allowed.add(ids.fresh);
          allowed.add(ids.mine);
          if (!withSecret) {
            allowed.add(ids.victims);
            allowed.add(ids.oldUnseen);
          }
          for (const call of emulator.calls.slice(before)) {
            const bodies = Array.isArray(call.body) ? call.body : [call.body];
            for (const body of bodies as Record<string, unknown>[]) {
              expect(allowed).toContain(String(body.user_id));
              if (body.previous_id !== undefined)
                expect(allowed).toContain(String(body.previous_id));
              // No attribute names another user as its userId/id, not even inside an array or object.
              for (const [key, value] of Object.entries(
                (body.attributes ?? {}) as Record<string, unknown>,
              )) {
                if (/^(user_?id|id)$/i.test(key) && value !== null)
                  expect(JSON.stringify(value)).toBe(JSON.stringify(String(body.user_id)));
              }
            }
          }
          if (response.status === 400 || response.status === 403)
            expect(emulator.calls.length).toBe(before);
        },
      ),
      { numRuns: 500 },
    );
    // Not vacuous: requests were forwarded, and refused for identity.
    expect(outcomes.get(200) ?? 0).toBeGreaterThan(20);
    expect(outcomes.get(403) ?? 0).toBeGreaterThan(20);
  }, 60_000);
});
