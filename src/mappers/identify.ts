import { canonicalTimezone } from '../leaf/timezone';
import { type Id, isUsableString, looksLikeEmail } from '../leaf/values';
import { readIdentify } from '../schemas/fast-paths';
import type { MappingOptions } from '../schemas/mapping-options';
import type { IdentifyMessage, Traits } from '../schemas/messages';
import { identifyMessageSchema } from '../schemas/messages';
import { invalid, parseOrThrow } from '../schemas/parse';
import type { MappingWarning } from '../schemas/warning';
import type { ConnectUser } from '../schemas/wire';
import { devicePlatform, pushFieldFor, pushTokenText } from './device-token';
import { jsonSafeCopy, setOwn } from './json-copy';
import { type MappedCall, warning } from './mapped-call';
import { splitName } from './name';
import { type ResolvedMappingOptions, resolveMappingOptions } from './options';
import { phoneText, toE164 } from './phone';
import { findTrait, groupReservedKeys, type ReservedKeys, type ReservedTrait } from './trait-keys';

const CALL = 'identify';

/**
 * Maps a Segment-style identify call to the body of Connect's `POST /v2/identify`, following
 * `spec/mapping.md`: reserved traits become Connect's top-level fields (names split, phone in
 * E.164, timezone canonical, push token routed by platform); every other trait, and every value
 * that could not be promoted, goes to `attributes`.
 *
 * @throws {ValidationError} when the message is malformed, naming the field.
 * @example
 * ```ts
 * const { path, body } = mapIdentify(
 *   {
 *     userId: '019mr8mf4r',
 *     traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '+1 415 555 2671' },
 *     context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
 *   },
 *   { defaultCountry: 'US' },
 * );
 * // path: '/v2/identify'
 * // body: { user_id: '019mr8mf4r', first_name: 'Michael', last_name: 'Bolton',
 * //         email: 'mbolton@example.com', phone_number: '+14155552671',
 * //         apns: ['XXXYYYZZZ'], attributes: { name: 'Michael Bolton' } }
 * ```
 */
export function mapIdentify(
  message: IdentifyMessage,
  options?: MappingOptions,
): MappedCall<'/v2/identify', ConnectUser> {
  return mapIdentifyAs(message, resolveMappingOptions(options));
}

/**
 * {@link mapIdentify} for a body serialized at once, with options already resolved. Trait values
 * are copied all the same: checking plain data and then serializing it as it is would read it
 * twice, and a getter or a Proxy can answer NaN (sent as null) the second time.
 */
export function mapIdentifyForWire(
  message: IdentifyMessage,
  options: ResolvedMappingOptions,
): MappedCall<'/v2/identify', ConnectUser> {
  return mapIdentifyAs(message, options);
}

function mapIdentifyAs(
  message: IdentifyMessage,
  resolved: ResolvedMappingOptions,
): MappedCall<'/v2/identify', ConnectUser> {
  // The common shapes are checked by hand; zod decides the rest and words every error.
  const input = readIdentify(message) ?? parseOrThrow(identifyMessageSchema(), message, CALL);
  const userId = input.userId ?? input.anonymousId;
  if (userId == null) throw invalid(CALL, 'userId', 'or `anonymousId` is required');

  const traits: Traits = input.traits ?? {};
  const keys = groupReservedKeys(traits);
  const context = input.context ?? {};
  const promoted = new Set<ReservedTrait>();
  const warnings: MappingWarning[] = [];
  const body: ConnectUser = { user_id: userId };

  const first = findTrait(traits, keys.firstName, isUsableString);
  const last = findTrait(traits, keys.lastName, isUsableString);
  const fullName = findTrait(traits, keys.name, isUsableString);
  const split = fullName ? splitName(fullName.value) : {};
  const firstName = first ? first.value.trim() : split.firstName;
  const lastName = last ? last.value.trim() : split.lastName;
  if (firstName !== undefined) body.first_name = firstName;
  if (lastName !== undefined) body.last_name = lastName;
  if (first) promoted.add('firstName');
  if (last) promoted.add('lastName');

  const email = findTrait(traits, keys.email, isUsableString);
  if (email) {
    body.email = email.value.trim();
    promoted.add('email');
    if (!looksLikeEmail(body.email)) {
      warnings.push(
        warning(
          CALL,
          `traits.${email.key}`,
          'invalid_email',
          'does not look like an email address; it was sent as given',
        ),
      );
    }
  } else if (
    // Stryker disable next-line ConditionalExpression: equivalent: a number never looks like an email (the typeof is for TypeScript)
    typeof userId === 'string' &&
    looksLikeEmail(userId)
  ) {
    body.email = userId;
  }

  mapPhone(traits, keys, resolved, body, promoted, warnings);
  mapTimezone(traits, keys, context.timezone, body, promoted, warnings);
  mapPushToken(context, resolved, body, warnings);

  body.attributes = attributesOf(traits, keys, promoted, userId);
  return { path: '/v2/identify', body, warnings };
}

function hasPhoneText(value: unknown): value is unknown {
  return phoneText(value) !== undefined;
}

function firstOfList(value: unknown): value is unknown[] {
  return Array.isArray(value) && hasPhoneText(value[0]);
}

function isPresent(value: unknown): value is unknown {
  return value != null;
}

function unknownZone(field: string): MappingWarning {
  return warning(
    CALL,
    field,
    'invalid_timezone',
    'is not an IANA time zone name such as Europe/Berlin; it was not sent',
  );
}

function mapPhone(
  traits: Traits,
  keys: ReservedKeys,
  options: ResolvedMappingOptions,
  body: ConnectUser,
  promoted: Set<ReservedTrait>,
  warnings: MappingWarning[],
): void {
  let source: { name: ReservedTrait; field: string; text: string } | undefined;
  for (const name of ['phone', 'phoneNumber'] as const) {
    const found = findTrait(traits, keys[name], hasPhoneText);
    if (found) {
      source = { name, field: `traits.${found.key}`, text: phoneText(found.value)! };
      break;
    }
  }
  if (!source) {
    const list = findTrait(traits, keys.phones, firstOfList);
    if (list)
      // Stryker disable next-line StringLiteral: equivalent: the name only tells promote() not to remove phones; '' is no reserved name either
      source = { name: 'phones', field: `traits.${list.key}.0`, text: phoneText(list.value[0])! };
  }
  if (!source) return;

  const e164 = toE164(source.text, options.defaultCountry);
  // `phones` is never removed from attributes: only its first number is sent.
  const promotable = source.name !== 'phones';
  if (e164 !== undefined) {
    body.phone_number = e164;
    if (promotable) promoted.add(source.name);
    return;
  }
  const why = options.defaultCountry
    ? `is not a valid phone number (read in ${options.defaultCountry} when it has no country code)`
    : 'is not a valid phone number (add a country code, or set the defaultCountry option)';
  if (options.onInvalidPhone === 'reject') throw invalid(CALL, source.field, why);
  if (options.onInvalidPhone === 'keep') {
    body.phone_number = source.text;
    if (promotable) promoted.add(source.name);
    warnings.push(warning(CALL, source.field, 'invalid_phone', `${why}; it was sent as given`));
  } else {
    warnings.push(
      warning(CALL, source.field, 'invalid_phone', `${why}; it was left in attributes`),
    );
  }
}

function mapTimezone(
  traits: Traits,
  keys: ReservedKeys,
  contextTimezone: unknown,
  body: ConnectUser,
  promoted: Set<ReservedTrait>,
  warnings: MappingWarning[],
): void {
  if (contextTimezone != null) {
    const zone =
      typeof contextTimezone === 'string' ? canonicalTimezone(contextTimezone) : undefined;
    if (zone !== undefined) {
      body.timezone = zone;
      return;
    }
    warnings.push(unknownZone('context.timezone'));
  }
  const trait =
    findTrait(traits, keys.timezone, isUsableString) ?? findTrait(traits, keys.timezone, isPresent);
  if (!trait) return;
  const zone = typeof trait.value === 'string' ? canonicalTimezone(trait.value) : undefined;
  if (zone === undefined) {
    warnings.push(unknownZone(`traits.${trait.key}`));
    return;
  }
  body.timezone = zone;
  promoted.add('timezone');
}

function mapPushToken(
  context: Record<string, unknown> & { device?: { token?: unknown } | null | undefined },
  options: ResolvedMappingOptions,
  body: ConnectUser,
  warnings: MappingWarning[],
): void {
  const token = pushTokenText(context.device?.token);
  if (token === undefined) return;
  const platform = devicePlatform(context);
  const field = pushFieldFor(platform, options.androidPushField);
  if (field) {
    body[field] = [token];
    return;
  }
  const problem =
    platform === undefined
      ? 'is missing, so the push token was not sent (set it to ios or android)'
      : 'is not a platform Connect pushes to (ios, ipados, tvos, watchos, macos, visionos or android); the push token was not sent';
  warnings.push(warning(CALL, 'context.device.type', 'unknown_device_type', problem));
}

function attributesOf(
  traits: Traits,
  keys: ReservedKeys,
  promoted: ReadonlySet<ReservedTrait>,
  userId: Id,
): Record<string, unknown> {
  const dropped = new Set<string>();
  // Stryker disable next-line ArrayDeclaration: unreachable fallback: a name is promoted only when it has keys
  for (const name of promoted) for (const key of keys[name] ?? []) dropped.add(key);
  // Ids compare as strings: `id: true` is the user id "true", `id: 5` the user id "5".
  // Stryker disable next-line ArrayDeclaration: a ['Stryker was here'] fallback differs only for a trait of that very name equal to the user id
  for (const key of [...(keys.userId ?? []), ...(keys.id ?? [])]) {
    const value = traits[key];
    const scalar =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (scalar && String(value) === String(userId)) dropped.add(key);
  }
  const attributes: Record<string, unknown> = {};
  for (const key of Object.keys(traits)) {
    // Copied even when not kept: a NaN or a BigInt is refused wherever it is in traits.
    const value = jsonSafeCopy(traits[key], 'traits', CALL, key);
    if (value !== undefined && !dropped.has(key)) setOwn(attributes, key, value);
  }
  return attributes;
}
