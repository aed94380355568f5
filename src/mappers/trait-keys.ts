/** Finds reserved traits whatever their case and punctuation (`First Name` is `firstName`). */

/** The traits the mapping treats specially. */
export const RESERVED_TRAITS = [
  'firstName',
  'lastName',
  'name',
  'email',
  'phone',
  'phoneNumber',
  'phones',
  'timezone',
  'userId',
  'id',
] as const;

/** One of {@link RESERVED_TRAITS}. */
export type ReservedTrait = (typeof RESERVED_TRAITS)[number];

/** The keys of a traits object that match each reserved name, in the object's key order. */
export type ReservedKeys = Partial<Record<ReservedTrait, string[]>>;

const BY_NORMALIZED_KEY = new Map<string, ReservedTrait>(
  RESERVED_TRAITS.map((name) => [name.toLowerCase(), name]),
);

/**
 * A trait key with everything but letters and digits removed, lower-cased.
 *
 * @example
 * ```ts
 * normalizeTraitKey('First Name'); // 'firstname'
 * normalizeTraitKey('e-mail');     // 'email'
 * ```
 */
export function normalizeTraitKey(key: string): string {
  // Stryker disable next-line Regex: equivalent: with the g flag, removing runs or single characters removes the same
  return key.replace(/[^\p{L}\p{Nd}]+/gu, '').toLowerCase();
}

/**
 * The reserved name a trait key stands for, if any.
 *
 * @example
 * ```ts
 * reservedTraitOf('FIRST_NAME'); // 'firstName'
 * reservedTraitOf('plan');       // undefined
 * ```
 */
export function reservedTraitOf(key: string): ReservedTrait | undefined {
  return BY_NORMALIZED_KEY.get(normalizeTraitKey(key));
}

/**
 * Groups the keys of `traits` by the reserved name they match, keeping key order.
 *
 * @example
 * ```ts
 * groupReservedKeys({ first_name: 'A', FirstName: 'B', plan: 'pro' });
 * // { firstName: ['first_name', 'FirstName'] }
 * ```
 */
export function groupReservedKeys(traits: Record<string, unknown>): ReservedKeys {
  const groups: ReservedKeys = {};
  for (const key of Object.keys(traits)) {
    const name = reservedTraitOf(key);
    if (!name) continue;
    const keys = groups[name];
    if (keys) keys.push(key);
    else groups[name] = [key];
  }
  return groups;
}

/** A trait found by {@link findTrait}: its actual key and value. */
export interface FoundTrait<T> {
  key: string;
  value: T;
}

/**
 * The first trait, in key order, among `keys` whose value passes `isUsable`.
 *
 * @example
 * ```ts
 * const traits = { email: ' ', 'E-mail': 'a@b.co' };
 * findTrait(traits, groupReservedKeys(traits).email, isUsableString);
 * // { key: 'E-mail', value: 'a@b.co' }
 * ```
 */
export function findTrait<T>(
  traits: Record<string, unknown>,
  keys: readonly string[] | undefined,
  isUsable: (value: unknown) => value is T,
): FoundTrait<T> | undefined {
  if (!keys) return undefined;
  for (const key of keys) {
    const value = traits[key];
    if (isUsable(value)) return { key, value };
  }
  return undefined;
}
