import * as z from 'zod/mini';
import { type CountryCode, isPhoneCountry } from '../leaf/phone-country';

/** Schema of {@link MappingOptions}. */
export const MappingOptionsSchema = z.object({
  /** The clock, in epoch milliseconds; default `Date.now`. */
  now: z.optional(
    z.custom<() => number>((value) => typeof value === 'function', { error: 'must be a function' }),
  ),
  /** Where Android tokens go: `'fcm'` (default) or `'gcm'`. */
  androidPushField: z.optional(z.enum(['fcm', 'gcm'])),
  /** The country national phone numbers are read in. */
  defaultCountry: z.optional(
    z.custom<CountryCode>((value) => typeof value === 'string' && isPhoneCountry(value), {
      error: 'must be an ISO 3166-1 alpha-2 country code such as US',
    }),
  ),
  /** `'keep'` (default), `'drop'` or `'reject'` a phone number that is not valid. */
  onInvalidPhone: z.optional(z.enum(['keep', 'drop', 'reject'])),
});

/**
 * How the mappers turn calls into Connect payloads.
 *
 * - `now`: the clock, in epoch milliseconds, for tracks without a timestamp. Default `Date.now`.
 * - `androidPushField`: where Android tokens go, `'fcm'` (default) or legacy `'gcm'`.
 * - `defaultCountry`: the country national phone numbers are read in, such as `'US'`.
 * - `onInvalidPhone`: a phone number that is not valid is sent as given (`'keep'`, default),
 *   left in attributes (`'drop'`), or refused with a `ValidationError` (`'reject'`); each but
 *   `'reject'` adds an `invalid_phone` warning.
 *
 * @example
 * ```ts
 * const options: MappingOptions = { defaultCountry: 'US', onInvalidPhone: 'drop' };
 * mapIdentify({ userId: 'u1', traits: { phone: '(415) 555-2671' } }, options);
 * ```
 */
export type MappingOptions = z.input<typeof MappingOptionsSchema>;
