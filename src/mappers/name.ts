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
  // Stryker disable next-line Regex: equivalent: the rest is trimmed below, so a one-character gap splits the same
  const gap = /\s+/u.exec(trimmed);
  if (!gap) return { firstName: trimmed };
  // Stryker disable next-line MethodExpression: equivalent: the gap is the whole run of whitespace in a trimmed name, so the rest has none at either end
  const lastName = trimmed.slice(gap.index + gap[0].length).trim();
  const firstName = trimmed.slice(0, gap.index);
  // Stryker disable next-line ConditionalExpression,StringLiteral,ObjectLiteral: unreachable: a trimmed name with a gap has something after it
  return lastName === '' ? { firstName } : { firstName, lastName };
}
