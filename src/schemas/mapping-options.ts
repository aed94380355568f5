import * as z from 'zod/mini';
import { type CountryCode, isPhoneCountry } from '../leaf/phone-country';
import { lazy } from './lazy';

/** Schema of {@link MappingOptions}. */
export const mappingOptionsSchema = lazy(() =>
  z.object({
    /** The clock, in epoch milliseconds; default `Date.now`. */
    now: z.optional(
      z.custom<() => number>((value) => typeof value === 'function', {
        error: 'must be a function',
      }),
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
  }),
);

export type { MappingOptions } from './types';
