/**
 * `zendesk-connect/schemas`: zod (zod/mini) schemas of the calls' input and of Connect's wire
 * payloads, with their inferred types, for apps that validate at their own edges. zod is an
 * optional peer dependency of this door alone.
 *
 * @packageDocumentation
 */

export {
  type DisablePushTokenMessage,
  DisablePushTokenMessageSchema,
  type GroupMessage,
  GroupMessageSchema,
  PushPlatformSchema,
  type RegisterPushTokenMessage,
  RegisterPushTokenMessageSchema,
  type SubscriptionMessage,
  SubscriptionMessageSchema,
} from './account-calls';
export { type MappingOptions, MappingOptionsSchema } from './mapping-options';
export {
  type AliasMessage,
  AliasMessageSchema,
  ContextSchema,
  DeviceContextSchema,
  DeviceTokenSchema,
  type IdentifyMessage,
  IdentifyMessageSchema,
  IdSchema,
  TimestampInputSchema,
  type TrackMessage,
  TrackMessageSchema,
  type Traits,
} from './messages';
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
