import type { CountryCode } from '../leaf/phone-country';
import { type MappingOptions, mappingOptionsSchema } from '../schemas/mapping-options';
import { parseOrThrow } from '../schemas/parse';
import type { AndroidPushField } from './device-token';

/** {@link MappingOptions} with every default filled in. */
export interface ResolvedMappingOptions {
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /** Where Android tokens go. */
  androidPushField: AndroidPushField;
  /** The country national phone numbers are read in, if any. */
  defaultCountry: CountryCode | undefined;
  /** What happens to a phone number that is not valid. */
  onInvalidPhone: 'keep' | 'drop' | 'reject';
}

const DEFAULTS: ResolvedMappingOptions = {
  now: Date.now,
  androidPushField: 'fcm',
  defaultCountry: undefined,
  onInvalidPhone: 'keep',
};

// A client passes the same options object on every call: validate it once.
const resolved = new WeakMap<MappingOptions, ResolvedMappingOptions>();

/**
 * Validates mapping options and fills in the defaults; throws a `ValidationError` naming the
 * option. The result is cached per options object.
 *
 * @example
 * ```ts
 * resolveMappingOptions({ defaultCountry: 'US' }).onInvalidPhone; // 'keep'
 * ```
 */
export function resolveMappingOptions(options?: MappingOptions): ResolvedMappingOptions {
  if (options === undefined) return DEFAULTS;
  let result = resolved.get(options);
  if (!result) {
    const parsed = parseOrThrow(mappingOptionsSchema(), options, 'options');
    result = {
      now: parsed.now ?? DEFAULTS.now,
      androidPushField: parsed.androidPushField ?? DEFAULTS.androidPushField,
      defaultCountry: parsed.defaultCountry,
      onInvalidPhone: parsed.onInvalidPhone ?? DEFAULTS.onInvalidPhone,
    };
    resolved.set(options, result);
  }
  return result;
}
