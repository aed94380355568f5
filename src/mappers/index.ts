/** The pure mapping core: Segment-style calls in, Connect payloads out. No I/O, no clock, no globals. */
export { mapAlias } from './alias';
export {
  type AndroidPushField,
  devicePlatform,
  type PushField,
  pushFieldFor,
  pushTokenText,
} from './device-token';
export { mapIdentify } from './identify';
export { jsonSafeCopy, MAX_JSON_DEPTH } from './json-copy';
export type { MappedCall } from './mapped-call';
export { type SplitName, splitName } from './name';
export { type ResolvedMappingOptions, resolveMappingOptions } from './options';
export { type CountryCode, isPhoneCountry, phoneText, toE164 } from './phone';
export { parseIso8601, toUnixSeconds } from './timestamp';
export { canonicalTimezone, isIanaTimezone } from './timezone';
export { mapTrack } from './track';
export {
  type FoundTrait,
  findTrait,
  groupReservedKeys,
  normalizeTraitKey,
  RESERVED_TRAITS,
  type ReservedKeys,
  type ReservedTrait,
  reservedTraitOf,
} from './trait-keys';
export {
  codePointLength,
  type Id,
  isId,
  isPlainObject,
  isUsableString,
  looksLikeEmail,
} from './values';
