/** Small predicates over call input, shared by the schemas and the mappers. */

/** A value Connect accepts as a user id: a usable string or a finite number. */
export type Id = string | number;

/**
 * True for a string with at least one non-whitespace character.
 *
 * @example
 * ```ts
 * isUsableString(' a '); // true
 * isUsableString('  ');  // false
 * ```
 */
export function isUsableString(value: unknown): value is string {
  return typeof value === 'string' && /\S/.test(value);
}

/**
 * True for a usable string or a finite number: what the mapping spec calls an id.
 *
 * @example
 * ```ts
 * isId('019mr8mf4r'); // true
 * isId(42);           // true
 * isId(Number.NaN);   // false
 * ```
 */
export function isId(value: unknown): value is Id {
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isFinite is false for anything but a number (the typeof is for TypeScript)
  return isUsableString(value) || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * True for `{}`-style objects (`Object.prototype` or `null` prototype): not arrays, dates or class instances.
 *
 * @example
 * ```ts
 * isPlainObject({ plan: 'pro' }); // true
 * isPlainObject(new Date());      // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `x@y.z` with no whitespace: enough to catch a name or a phone number in the email field.
 *
 * @example
 * ```ts
 * looksLikeEmail('mbolton@example.com'); // true
 * looksLikeEmail('Michael Bolton');      // false
 * ```
 */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/**
 * Length in Unicode code points, as Connect counts an event name.
 *
 * @example
 * ```ts
 * codePointLength('😀😀'); // 2 (while '😀😀'.length is 4)
 * ```
 */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}
