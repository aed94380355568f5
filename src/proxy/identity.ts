/**
 * Which Connect users a message writes, and whether a request may write them. Pure: the signed-in
 * user, the anonymous form and the browser's bound ids come in as arguments.
 */
import { anonymousIdTime } from '../leaf/anonymous-id';
import { type Id, isPlainObject } from '../leaf/values';
import type { SegmentCallType } from '../mappers/calls';
import { reservedTraitOf } from '../mappers/trait-keys';
import type { Holding } from './binding';

/** The call types the proxy forwards to Connect. */
export type ProxyCallType = SegmentCallType;

/**
 * One Connect user id a message writes: `userId` (a user), else `anonymousId` (an anonymous
 * user); an alias also writes `previousId`, which falls back to `anonymousId`.
 */
export interface ProxyWrite {
  /** The message field the id comes from. */
  field: 'userId' | 'anonymousId' | 'previousId';
  /** The id, as the message gave it. */
  id: Id;
  /** `user` for `userId`; `anonymous` for an anonymous id, or an alias's earlier id. */
  kind: 'user' | 'anonymous';
}

/** Why the proxy refused a message (the `reason` of its 403 body). */
export type ProxyRefusalReason =
  | 'not_signed_in'
  | 'not_current_user'
  | 'not_anonymous_id'
  | 'anonymous_id_not_bound'
  | 'anonymous_id_aliased'
  | 'trait_names_another_user'
  | 'authorize';

/** A refusal: why, and the field that named the id. */
export interface Refusal {
  reason: ProxyRefusalReason;
  field: string;
  problem: string;
}

/** What the identity rules are checked against, for one request. */
export interface IdentityContext {
  /** The signed-in user, or `undefined` for a visitor. */
  user: Id | undefined;
  /** True for an id in the anonymous form. */
  isAnonymousForm(id: Id): boolean;
  /**
   * The user an anonymous id was aliased into, as far as this process knows (the aliases it
   * forwarded lately), as a string; `undefined` when it knows of none.
   */
  aliasedInto(id: string): string | undefined;
  /**
   * With a secret: how this browser holds an id (bound, aliased into a user), whether an id is
   * new enough to bind, and binding it.
   */
  binding?: { holds(id: string): Holding; isNew(id: string): boolean; claim(id: string): void };
}

const present = (value: unknown) => value !== undefined && value !== null;

/**
 * The Connect user ids `message` writes (it passed validation, so the ids are well formed).
 *
 * @example
 * ```ts
 * writesOf('alias', { userId: 'u1', anonymousId: 'a1' });
 * // [{ field: 'userId', id: 'u1', kind: 'user' }, { field: 'anonymousId', id: 'a1', kind: 'anonymous' }]
 * ```
 */
export function writesOf(type: ProxyCallType, message: Record<string, unknown>): ProxyWrite[] {
  const user = (): ProxyWrite => ({ field: 'userId', id: message.userId as Id, kind: 'user' });
  const anonymous = (field: 'anonymousId' | 'previousId'): ProxyWrite => ({
    field,
    id: message[field] as Id,
    kind: 'anonymous',
  });
  switch (type) {
    case 'identify':
    case 'track':
      return [present(message.userId) ? user() : anonymous('anonymousId')];
    case 'alias':
      return [user(), anonymous(present(message.previousId) ? 'previousId' : 'anonymousId')];
    default:
      return [user()];
  }
}

/**
 * Whether this request may send `message`: every id it writes must be the signed-in user (a
 * user id) or an anonymous id in the anonymous form (and, with a secret, bound to this browser or
 * new); an identify's `userId`/`id` traits may be only the written id or null (any other
 * value, an array or object included, would reach Connect as an attribute).
 */
export function refusalOf(
  type: ProxyCallType,
  message: Record<string, unknown>,
  writes: readonly ProxyWrite[],
  context: IdentityContext,
): Refusal | undefined {
  for (const { field, id, kind } of writes) {
    if (kind === 'user') {
      if (context.user === undefined) {
        return {
          reason: 'not_signed_in',
          field,
          problem: `\`${field}\` names a user, but no one is signed in: a visitor may write only anonymous ids`,
        };
      }
      if (String(id) !== String(context.user)) {
        return {
          reason: 'not_current_user',
          field,
          problem: `\`${field}\` is not the signed-in user`,
        };
      }
      continue;
    }
    if (!context.isAnonymousForm(id)) {
      return {
        reason: 'not_anonymous_id',
        field,
        problem: `\`${field}\` is not an anonymous id in the browser client's form, so this request may not write it`,
      };
    }
    // An id aliased into a user is that user (Connect makes an alias permanent): only that user
    // may write it again, whoever else learned or bound it.
    const owner = context.aliasedInto(String(id));
    const binding = context.binding;
    const holding = binding?.holds(id as string);
    if (
      (owner !== undefined && (context.user === undefined || String(context.user) !== owner)) ||
      holding === 'aliased_to_other'
    ) {
      return {
        reason: 'anonymous_id_aliased',
        field,
        problem: `\`${field}\` was aliased into a user who is not signed in here: only that user may write it`,
      };
    }
    if (binding && holding === 'unbound') {
      if (!binding.isNew(id as string)) {
        return {
          reason: 'anonymous_id_not_bound',
          field,
          problem: `\`${field}\` is bound to another browser, or too old to be bound to this one`,
        };
      }
      binding.claim(id as string);
    }
  }
  if (type === 'identify' && isPlainObject(message.traits)) {
    // Stryker disable next-line OptionalChaining: unreachable: every call writes at least one id (the ?. is for the type)
    const written = String(writes[0]?.id);
    for (const key of Object.keys(message.traits)) {
      const name = reservedTraitOf(key);
      if (name !== 'userId' && name !== 'id') continue;
      const value = message.traits[key];
      // Only the written id itself (which the mapping drops) or nothing: any other value, an
      // array or object that may hold an id anywhere inside included, reaches Connect as an
      // attribute that could name another user.
      const same =
        (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
        String(value) === written;
      if (value != null && !same) {
        return {
          reason: 'trait_names_another_user',
          field: `traits.${key}`,
          problem: `\`traits.${key}\` names another user than the one this message writes`,
        };
      }
    }
  }
  // An anonymous id the message carries but does not write (a signed-in call): bound when new, so
  // a later alias from it passes; never a reason to refuse.
  const carried = message.anonymousId;
  const binding = context.binding;
  if (
    binding &&
    typeof carried === 'string' &&
    context.isAnonymousForm(carried) &&
    binding.holds(carried) === 'unbound' &&
    binding.isNew(carried)
  ) {
    binding.claim(carried);
  }
  return undefined;
}

/** Anonymous ids this process saw aliased into a user (as strings), the oldest forgotten past `limit`. */
export interface AliasMemory {
  /** The user `id` was aliased into, if remembered. */
  get(id: string): string | undefined;
  /** Remembers that `id` was aliased into `user`. */
  remember(id: string, user: string): void;
}

/** An {@link AliasMemory} of at most `limit` ids. */
export function createAliasMemory(limit: number): AliasMemory {
  const users = new Map<string, string>();
  return {
    get: (id) => users.get(id),
    remember(id, user) {
      users.delete(id);
      users.set(id, user);
      if (users.size > limit) {
        const oldest = users.keys().next();
        // Stryker disable next-line ConditionalExpression: unreachable: the map is over its limit, so not empty (the check is for the type)
        if (!oldest.done) users.delete(oldest.value);
      }
    },
  };
}

/**
 * True when the anonymous id was created within `window` ms of `now` (either way: a page's clock
 * may run ahead), so no other browser can have held it for long. An id that carries no creation
 * time (analytics.js's UUID v4s: any form but the browser client's UUID v7) is always new: the
 * proxy cannot tell a new one from an old one, so the first browser that sends it binds it.
 */
export function isNewAnonymousId(id: string, now: number, window: number): boolean {
  const created = anonymousIdTime(id);
  return created === undefined || Math.abs(now - created) <= window;
}
