import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import type { CountryCode } from '../leaf/phone-country';
import { phoneMetadata } from '../leaf/phone-metadata';

/**
 * Normalizes phone numbers to E.164 with libphonenumber-js, on its "min" metadata without the
 * display formats (see ../leaf/phone-metadata).
 */

/**
 * A phone trait's value as text: usable strings trimmed, non-negative integers as digit strings.
 * Anything else is not a phone number.
 *
 * @example
 * ```ts
 * phoneText(' +1 415 555 2671 '); // '+1 415 555 2671'
 * phoneText(4155552671);          // '4155552671'
 * phoneText(true);                // undefined
 * ```
 */
export function phoneText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isSafeInteger is false for anything but a number (the typeof is for TypeScript)
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

/**
 * The E.164 form of a valid phone number, or `undefined` when it is not valid. National numbers
 * are read in `defaultCountry`.
 *
 * @example
 * ```ts
 * toE164('+1 415 555 2671');     // '+14155552671'
 * toE164('(415) 555-2671', 'US'); // '+14155552671'
 * toE164('1234567890', 'US');     // undefined
 * ```
 */
export function toE164(text: string, defaultCountry?: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(
    text,
    // Stryker disable next-line ConditionalExpression: equivalent: libphonenumber-js reads { defaultCountry: undefined } as {} (the test is for exactOptionalPropertyTypes)
    defaultCountry === undefined ? {} : { defaultCountry },
    phoneMetadata(),
  );
  return parsed?.isValid() ? parsed.number : undefined;
}
