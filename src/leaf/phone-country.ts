import { isSupportedCountry } from 'libphonenumber-js/core';
import { type CountryCode, phoneMetadata } from './phone-metadata';

/** The countries phone numbers can be read in: libphonenumber-js's list, on our metadata. */

export type { CountryCode };

/**
 * True when libphonenumber-js knows `country` (an ISO 3166-1 alpha-2 code).
 *
 * @example
 * ```ts
 * isPhoneCountry('US'); // true
 * isPhoneCountry('XX'); // false
 * ```
 */
export function isPhoneCountry(country: string): country is CountryCode {
  return isSupportedCountry(country as CountryCode, phoneMetadata());
}
