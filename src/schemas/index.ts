/**
 * `zendesk-connect/schemas`: zod (zod/mini) schemas of the calls' input and of Connect's wire
 * payloads, with their inferred types, for apps that validate at their own edges. zod is an
 * optional peer dependency of this door alone.
 *
 * @packageDocumentation
 */

import {
  disablePushTokenMessageSchema,
  groupMessageSchema,
  pushPlatformSchema,
  registerPushTokenMessageSchema,
  subscriptionMessageSchema,
} from './account-calls';
import { mappingOptionsSchema } from './mapping-options';
import {
  aliasMessageSchema,
  contextSchema,
  deviceContextSchema,
  deviceTokenSchema,
  identifyMessageSchema,
  idSchema,
  timestampInputSchema,
  trackMessageSchema,
} from './messages';

export type {
  DisablePushTokenMessage,
  GroupMessage,
  RegisterPushTokenMessage,
  SubscriptionMessage,
} from './account-calls';
export type { MappingOptions } from './mapping-options';
export type { AliasMessage, IdentifyMessage, TrackMessage, Traits } from './messages';

// The client builds these only when it needs zod (./lazy); this door builds them all at once.

/** Schema of {@link DisablePushTokenMessage}. */
export const DisablePushTokenMessageSchema = disablePushTokenMessageSchema();
/** Schema of {@link GroupMessage}. */
export const GroupMessageSchema = groupMessageSchema();
/** The push platforms Connect has endpoints for. */
export const PushPlatformSchema = pushPlatformSchema();
/** Schema of {@link RegisterPushTokenMessage}. */
export const RegisterPushTokenMessageSchema = registerPushTokenMessageSchema();
/** Schema of {@link SubscriptionMessage}. */
export const SubscriptionMessageSchema = subscriptionMessageSchema();
/** Schema of {@link MappingOptions}. */
export const MappingOptionsSchema = mappingOptionsSchema();
/** Schema of {@link AliasMessage}. */
export const AliasMessageSchema = aliasMessageSchema();
/** The Segment `context` object; only `device`, `os`, `library` and `timezone` are read. */
export const ContextSchema = contextSchema();
/** `context.device`: where the push token and its platform come from. */
export const DeviceContextSchema = deviceContextSchema();
/** A push token: a string, or raw bytes that are sent as lowercase hex. */
export const DeviceTokenSchema = deviceTokenSchema();
/** Schema of {@link IdentifyMessage}. */
export const IdentifyMessageSchema = identifyMessageSchema();
/** A user id: a usable string or a finite number, sent exactly as given. */
export const IdSchema = idSchema();
/** A timestamp: a `Date`, an ISO-8601 string, or Unix seconds / milliseconds. */
export const TimestampInputSchema = timestampInputSchema();
/** Schema of {@link TrackMessage}. */
export const TrackMessageSchema = trackMessageSchema();
export {
  type MappingWarning,
  type MappingWarningCode,
  MappingWarningCodeSchema,
  MappingWarningSchema,
} from './warning';
export {
  type ConnectEvent,
  ConnectEventSchema,
  type ConnectUser,
  ConnectUserSchema,
  DisableAllTokensBodySchema,
  LenientConnectUserSchema,
  PushTokenBodySchema,
  SubscribeAllBodySchema,
  SubscribeCampaignsBodySchema,
} from './wire';
