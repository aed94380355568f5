import * as z from 'zod/mini';

export type { MappingWarning, MappingWarningCode } from './types';

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
