/** zod (zod/mini) schemas of call input, options and Connect's wire payloads, with their inferred types. */

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
export {
  type ConnectClientOptions,
  ConnectClientOptionsSchema,
  type ConnectLogger,
  type OutgoingCall,
  type RetryPolicy,
  RetryPolicySchema,
} from './client-options';
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
export type { CallName } from './parse';
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
