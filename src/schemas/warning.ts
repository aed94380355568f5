import * as z from 'zod/mini';

/** Codes of the warnings a mapper can return. */
export const MappingWarningCodeSchema = z.enum([
  'invalid_email',
  'invalid_phone',
  'invalid_timezone',
  'unknown_device_type',
]);

/** Schema of {@link MappingWarning}. */
export const MappingWarningSchema = z.object({
  field: z.string(),
  code: MappingWarningCodeSchema,
  message: z.string(),
});

/**
 * Something in a call that was sent as-is or left out, without stopping the call: an email that
 * does not look like one, a phone number that is not valid, an unknown timezone, a push token
 * whose platform is unknown.
 *
 * @example
 * ```ts
 * const { warnings } = mapIdentify({ userId: 'u1', traits: { timezone: 'GMT+2' } });
 * // [{ field: 'traits.timezone', code: 'invalid_timezone', message: '…' }]
 * ```
 */
export type MappingWarning = z.infer<typeof MappingWarningSchema>;
/** One of `invalid_email`, `invalid_phone`, `invalid_timezone`, `unknown_device_type`. */
export type MappingWarningCode = z.infer<typeof MappingWarningCodeSchema>;
