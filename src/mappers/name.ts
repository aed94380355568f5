/** Splits a full name into Connect's first and last name. */

/** First and last name taken from a full name; either may be absent. */
export interface SplitName {
  firstName?: string;
  lastName?: string;
}

/**
 * Splits `name` at its first run of whitespace (any Unicode whitespace), after trimming.
 * The first word is the first name; the rest, trimmed, is the last name if non-empty.
 *
 * @example
 * ```ts
 * splitName('Mary Ann van der Berg'); // { firstName: 'Mary', lastName: 'Ann van der Berg' }
 * splitName('Cher');                  // { firstName: 'Cher' }
 * splitName('   ');                   // {}
 * ```
 */
export function splitName(name: string): SplitName {
  const trimmed = name.trim();
  if (trimmed === '') return {};
  const gap = /\s+/u.exec(trimmed);
  if (!gap) return { firstName: trimmed };
  const lastName = trimmed.slice(gap.index + gap[0].length).trim();
  const firstName = trimmed.slice(0, gap.index);
  return lastName === '' ? { firstName } : { firstName, lastName };
}
