/**
 * The identity rules themselves (src/proxy/identity.ts), pure: which ids each call writes, each
 * refusal word for word, the binding consulted and claimed only when it should be, the alias
 * memory's bound and the age window of a new anonymous id.
 */
import { describe, expect, it, vi } from 'vitest';
import { newAnonymousId } from '../../src/leaf/anonymous-id';
import type { Holding } from '../../src/proxy/binding';
import {
  createAliasMemory,
  type IdentityContext,
  isNewAnonymousId,
  type ProxyCallType,
  refusalOf,
  writesOf,
} from '../../src/proxy/identity';

const ANON = newAnonymousId(Date.UTC(2026, 0, 1));
const OTHER_ANON = newAnonymousId(Date.UTC(2026, 0, 2));

/** A context: signed in as `user`, anonymous ids are ANON-shaped (UUID v7), with an optional binding. */
function context(
  user: string | number | undefined,
  options: {
    aliased?: Record<string, string>;
    holds?: Holding;
    isNew?: boolean;
    noBinding?: boolean;
  } = {},
) {
  const claimed = new Set<string>();
  const binding = {
    holds: vi.fn(
      (id: string): Holding => (claimed.has(id) ? 'bound' : (options.holds ?? 'unbound')),
    ),
    isNew: vi.fn((_id: string) => options.isNew ?? true),
    claim: vi.fn((id: string) => {
      claimed.add(id);
    }),
  };
  const ctx: IdentityContext = {
    user,
    isAnonymousForm: (id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id),
    aliasedInto: (id) => options.aliased?.[id],
    ...(options.noBinding ? {} : { binding }),
  };
  return { ctx, binding };
}

const check = (type: ProxyCallType, message: Record<string, unknown>, ctx: IdentityContext) =>
  refusalOf(type, message, writesOf(type, message), ctx);

describe('writesOf', () => {
  it('identify and track write userId, else anonymousId', () => {
    for (const type of ['identify', 'track'] as const) {
      expect(writesOf(type, { userId: 'u1', anonymousId: ANON })).toStrictEqual([
        { field: 'userId', id: 'u1', kind: 'user' },
      ]);
      expect(writesOf(type, { userId: 0 })).toStrictEqual([
        { field: 'userId', id: 0, kind: 'user' },
      ]);
      for (const userId of [undefined, null])
        expect(writesOf(type, { userId, anonymousId: ANON })).toStrictEqual([
          { field: 'anonymousId', id: ANON, kind: 'anonymous' },
        ]);
    }
  });

  it('alias writes userId and previousId, else anonymousId', () => {
    expect(writesOf('alias', { userId: 'u1', previousId: ANON, anonymousId: 'x' })).toStrictEqual([
      { field: 'userId', id: 'u1', kind: 'user' },
      { field: 'previousId', id: ANON, kind: 'anonymous' },
    ]);
    for (const previousId of [undefined, null])
      expect(writesOf('alias', { userId: 'u1', previousId, anonymousId: ANON })).toStrictEqual([
        { field: 'userId', id: 'u1', kind: 'user' },
        { field: 'anonymousId', id: ANON, kind: 'anonymous' },
      ]);
  });

  it('group writes userId', () => {
    expect(writesOf('group', { userId: 'u1', anonymousId: ANON, groupId: 'g' })).toStrictEqual([
      { field: 'userId', id: 'u1', kind: 'user' },
    ]);
  });
});

describe('refusalOf', () => {
  it('a user id needs someone signed in, and that someone', () => {
    expect(check('track', { userId: 'u1' }, context(undefined).ctx)).toStrictEqual({
      reason: 'not_signed_in',
      field: 'userId',
      problem:
        '`userId` names a user, but no one is signed in: a visitor may write only anonymous ids',
    });
    expect(check('track', { userId: 'u2' }, context('u1').ctx)).toStrictEqual({
      reason: 'not_current_user',
      field: 'userId',
      problem: '`userId` is not the signed-in user',
    });
    expect(check('track', { userId: 'u1' }, context('u1').ctx)).toBeUndefined();
    // Compared as strings: 42 and '42' are one Connect user.
    expect(check('track', { userId: 42 }, context('42').ctx)).toBeUndefined();
    expect(check('track', { userId: '42' }, context(42).ctx)).toBeUndefined();
  });

  it('an anonymous write needs the anonymous form', () => {
    expect(check('track', { anonymousId: 'u-victim' }, context(undefined).ctx)).toStrictEqual({
      reason: 'not_anonymous_id',
      field: 'anonymousId',
      problem:
        "`anonymousId` is not an anonymous id in the browser client's form, so this request may not write it",
    });
    expect(check('alias', { userId: 'u1', previousId: 'u-victim' }, context('u1').ctx)?.field).toBe(
      'previousId',
    );
  });

  it('an id aliased into a user is that user’s alone', () => {
    const aliased = { [ANON]: 'u1' };
    const refusal = {
      reason: 'anonymous_id_aliased',
      field: 'anonymousId',
      problem:
        '`anonymousId` was aliased into a user who is not signed in here: only that user may write it',
    };
    expect(
      check('track', { anonymousId: ANON }, context(undefined, { aliased }).ctx),
    ).toStrictEqual(refusal);
    expect(check('track', { anonymousId: ANON }, context('u2', { aliased }).ctx)).toStrictEqual(
      refusal,
    );
    expect(check('track', { anonymousId: ANON }, context('u1', { aliased }).ctx)).toBeUndefined();
    expect(
      check('track', { anonymousId: ANON }, context(undefined, { holds: 'aliased_to_other' }).ctx),
    ).toStrictEqual(refusal);
    expect(
      check('track', { anonymousId: ANON }, context(undefined, { holds: 'aliased_to_user' }).ctx),
    ).toBeUndefined();
  });

  it('with a binding: a bound id passes, an unbound one is claimed when new, refused when not', () => {
    const bound = context(undefined, { holds: 'bound' });
    expect(check('track', { anonymousId: ANON }, bound.ctx)).toBeUndefined();
    expect(bound.binding.holds).toHaveBeenCalledWith(ANON);
    expect(bound.binding.claim).not.toHaveBeenCalled();
    expect(bound.binding.isNew).not.toHaveBeenCalled();

    const fresh = context(undefined);
    expect(check('track', { anonymousId: ANON }, fresh.ctx)).toBeUndefined();
    expect(fresh.binding.isNew).toHaveBeenCalledWith(ANON);
    expect(fresh.binding.claim).toHaveBeenCalledExactlyOnceWith(ANON);

    const old = context(undefined, { isNew: false });
    expect(check('track', { anonymousId: ANON }, old.ctx)).toStrictEqual({
      reason: 'anonymous_id_not_bound',
      field: 'anonymousId',
      problem: '`anonymousId` is bound to another browser, or too old to be bound to this one',
    });
    expect(old.binding.claim).not.toHaveBeenCalled();

    // Without a binding (no secret), the anonymous form is enough.
    expect(
      check('track', { anonymousId: ANON }, context(undefined, { noBinding: true }).ctx),
    ).toBeUndefined();
  });

  it('checks every write of an alias, in order', () => {
    expect(check('alias', { userId: 'u2', previousId: ANON }, context('u1').ctx)?.reason).toBe(
      'not_current_user',
    );
    expect(
      check('alias', { userId: 'u1', previousId: ANON }, context('u1', { isNew: false }).ctx)
        ?.reason,
    ).toBe('anonymous_id_not_bound');
  });

  it('an identify’s userId or id trait may be only the written id, or nothing', () => {
    const ok = context('u1').ctx;
    const refusedTrait = (key: string, value: unknown) =>
      check('identify', { userId: 'u1', traits: { plan: 'pro', [key]: value } }, ok);
    for (const key of ['userId', 'user_id', 'id', 'ID', 'Id'])
      expect(refusedTrait(key, 'u2')).toStrictEqual({
        reason: 'trait_names_another_user',
        field: `traits.${key}`,
        problem: `\`traits.${key}\` names another user than the one this message writes`,
      });
    for (const value of [['u1'], { id: 'u1' }, 'U1', 0, false])
      expect(refusedTrait('userId', value)?.reason).toBe('trait_names_another_user');
    for (const value of ['u1', null, undefined])
      expect(refusedTrait('userId', value)).toBeUndefined();
    expect(refusedTrait('email', 'u2@example.com')).toBeUndefined();
    // Numbers and booleans compare as their text.
    expect(check('identify', { userId: 7, traits: { id: 7 } }, context('7').ctx)).toBeUndefined();
    expect(check('identify', { userId: 7, traits: { id: '7' } }, context('7').ctx)).toBeUndefined();
    expect(
      check('identify', { userId: 'true', traits: { id: true } }, context('true').ctx),
    ).toBeUndefined();
    // The written id is the anonymous one for a visitor.
    expect(
      check('identify', { anonymousId: ANON, traits: { userId: ANON } }, context(undefined).ctx),
    ).toBeUndefined();
    expect(
      check('identify', { anonymousId: ANON, traits: { userId: 'u1' } }, context(undefined).ctx)
        ?.field,
    ).toBe('traits.userId');
  });

  it('reads traits only on an identify, and only a plain object', () => {
    const ctx = context('u1').ctx;
    for (const type of ['track', 'group', 'alias'] as const)
      expect(
        check(type, { userId: 'u1', previousId: ANON, traits: { userId: 'u2' } }, ctx),
      ).toBeUndefined();
    expect(check('identify', { userId: 'u1', traits: ['u2'] }, ctx)).toBeUndefined();
  });

  it('binds an anonymous id a signed-in message carries, when new, never refusing for it', () => {
    const fresh = context('u1');
    expect(check('track', { userId: 'u1', anonymousId: ANON }, fresh.ctx)).toBeUndefined();
    expect(fresh.binding.claim).toHaveBeenCalledExactlyOnceWith(ANON);

    for (const options of [{ holds: 'bound' as const }, { isNew: false }]) {
      const kept = context('u1', options);
      expect(check('track', { userId: 'u1', anonymousId: ANON }, kept.ctx)).toBeUndefined();
      expect(kept.binding.claim).not.toHaveBeenCalled();
    }
    for (const anonymousId of ['u-victim', 42, undefined]) {
      const other = context('u1');
      expect(check('track', { userId: 'u1', anonymousId }, other.ctx)).toBeUndefined();
      expect(other.binding.claim).not.toHaveBeenCalled();
      expect(other.binding.holds).not.toHaveBeenCalled();
    }
  });
});

describe('refusalOf, more edges', () => {
  it('a visitor may not write an id aliased into a user named "undefined"', () => {
    const aliased = { [ANON]: 'undefined' };
    expect(check('track', { anonymousId: ANON }, context(undefined, { aliased }).ctx)?.reason).toBe(
      'anonymous_id_aliased',
    );
    expect(
      check('track', { anonymousId: ANON }, context('undefined', { aliased }).ctx),
    ).toBeUndefined();
  });

  it("binds an alias's new previousId to the browser", () => {
    const fresh = context('u1');
    expect(check('alias', { userId: 'u1', previousId: ANON }, fresh.ctx)).toBeUndefined();
    expect(fresh.binding.claim).toHaveBeenCalledExactlyOnceWith(ANON);
  });

  it('never binds a carried anonymousId that is not a string, whatever the anonymous form says', () => {
    const { ctx, binding } = context('u1');
    const lenient = { ...ctx, isAnonymousForm: () => true };
    expect(check('track', { userId: 'u1', anonymousId: 42 }, lenient)).toBeUndefined();
    expect(binding.holds).not.toHaveBeenCalled();
    expect(binding.claim).not.toHaveBeenCalled();
  });
});

describe('createAliasMemory', () => {
  it('remembers the latest user of an id, forgetting the least recently remembered past its limit', () => {
    const memory = createAliasMemory(2);
    expect(memory.get(ANON)).toBeUndefined();
    memory.remember('a', 'u1');
    memory.remember('b', 'u2');
    expect([memory.get('a'), memory.get('b')]).toStrictEqual(['u1', 'u2']);
    // Remembering `a` again makes it the most recent: `b` goes first.
    memory.remember('a', 'u3');
    memory.remember('c', 'u4');
    expect([memory.get('a'), memory.get('b'), memory.get('c')]).toStrictEqual([
      'u3',
      undefined,
      'u4',
    ]);
    const none = createAliasMemory(0);
    none.remember('a', 'u1');
    expect(none.get('a')).toBeUndefined();
  });
});

describe('isNewAnonymousId', () => {
  it('is new within the window either way, its edges included', () => {
    const created = Date.UTC(2026, 0, 1);
    const id = newAnonymousId(created);
    expect(isNewAnonymousId(id, created, 1000)).toBe(true);
    expect(isNewAnonymousId(id, created + 1000, 1000)).toBe(true);
    expect(isNewAnonymousId(id, created + 1001, 1000)).toBe(false);
    expect(isNewAnonymousId(id, created - 1000, 1000)).toBe(true);
    expect(isNewAnonymousId(id, created - 1001, 1000)).toBe(false);
  });

  it('is always new for an id that carries no time', () => {
    expect(isNewAnonymousId('0e06f1a1-a014-46a2-afc1-0f09bdb617ee', 0, 0)).toBe(true);
    expect(isNewAnonymousId(OTHER_ANON.toUpperCase(), 0, 0)).toBe(true);
  });
});
