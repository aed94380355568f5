import * as z from 'zod/mini';
import { isIanaTimezone } from '../leaf/timezone';
import { codePointLength, isPlainObject } from '../leaf/values';

export type { ConnectEvent, ConnectUser } from './types';

/**
 * Schemas of the JSON bodies Connect accepts (`spec/connect-api.md`). The SDK's mappers only
 * produce bodies these accept; the emulator validates requests with them.
 */

/** An error message that says "is required" when the field is absent. */
const orRequired =
  (problem: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : problem;

const Id = z.union([z.string().check(z.regex(/\S/)), z.number()], {
  error: orRequired('must be a non-empty string or a number'),
});
const Json = z.custom<Record<string, unknown>>(isPlainObject, { error: 'must be an object' });
const TimezoneName = z
  .string()
  .check(
    z.refine(isIanaTimezone, { error: 'must be an IANA time zone name such as Europe/Berlin' }),
  );
const TokenList = z.array(z.string({ error: 'must be a string' }), { error: 'must be an array' });
const EventName = z.string({ error: orRequired('must be a string') }).check(
  z.refine((name) => name.length > 0 && codePointLength(name) <= 200, {
    error: 'must be a non-empty string of at most 200 characters',
  }),
);

/** Schema of {@link ConnectUser}, as strict as Connect's documentation. */
export const ConnectUserSchema = z.object({
  user_id: Id,
  previous_id: z.optional(Id),
  first_name: z.optional(z.string()),
  last_name: z.optional(z.string()),
  email: z.optional(z.string()),
  phone_number: z.optional(z.string()),
  timezone: z.optional(TimezoneName),
  apns: z.optional(TokenList),
  fcm: z.optional(TokenList),
  gcm: z.optional(TokenList),
  attributes: z.optional(Json),
  group_id: z.optional(z.string()),
  group_attributes: z.optional(Json),
});

/**
 * Like {@link ConnectUserSchema}, but with what Connect documents as invalid and may still have
 * stored: any timezone string, tokens of any type.
 */
export const LenientConnectUserSchema = z.extend(ConnectUserSchema, {
  timezone: z.optional(z.string()),
  apns: z.optional(z.array(z.unknown())),
  fcm: z.optional(z.array(z.unknown())),
  gcm: z.optional(z.array(z.unknown())),
});

/** Schema of {@link ConnectEvent}. */
export const ConnectEventSchema = z.object({
  user_id: Id,
  event: EventName,
  properties: z.optional(Json),
  timestamp: z.optional(z.number()),
});

/** Body of `/v2/{apns|fcm|gcm}/register`, and of `/disable` for one token. */
// Length checks are refinements, not .min(): zod's .min() reads `input.length` even after the type
// check failed, and throws a TypeError for `{ length: Object.create(null) }`.
export const PushTokenBodySchema = z.object({
  user_id: Id,
  token: z.string().check(z.refine((token) => token.length > 0, { error: 'must not be empty' })),
});

/** Body of `/v2/{apns|fcm|gcm}/disable` for every token of the platform. */
export const DisableAllTokensBodySchema = z.object({ user_id: Id, all: z.literal(true) });

/** Body of `/v2/{subscribe|unsubscribe}/all`. */
export const SubscribeAllBodySchema = z.object({ user_id: Id });

/** Body of `/v2/{subscribe|unsubscribe}/campaigns`. */
export const SubscribeCampaignsBodySchema = z.object({
  user_id: Id,
  campaign_ids: z
    .array(z.union([z.number(), z.string()]))
    .check(z.refine((ids) => ids.length > 0, { error: 'must not be empty' })),
});
