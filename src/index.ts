/**
 * `zendesk-connect`: send Segment-style identify, track and alias calls to Zendesk Connect.
 * The root holds what most users need: the client, its errors and types, and the pure mappers.
 * zod schemas of the inputs and of Connect's payloads are at `zendesk-connect/schemas`.
 *
 * @packageDocumentation
 */
export { type CloseOptions, ConnectClient, type PreparedCall } from './client';
export type { ConnectClientOptions, ConnectLogger } from './client-options';
export type { ConnectClientEvents, DropReason, Listener } from './delivery/events';
export type { DeliveryReport, DeliveryResult } from './delivery/queue';
export type { RetryPolicy } from './delivery/retry-policy';
export type { FetchLike } from './delivery/transport';
export * from './errors';
export type { CountryCode } from './leaf/phone-country';
export type { Id } from './leaf/values';
export {
  mapDisablePushToken,
  mapGroup,
  mapRegisterPushToken,
  mapSubscription,
  type PushTokenBody,
  type SubscriptionBody,
} from './mappers/account-calls';
export { mapAlias } from './mappers/alias';
export type {
  CallMessages,
  CallType,
  MessageOf,
  OutgoingCall,
  SegmentCallType,
} from './mappers/calls';
export { mapIdentify } from './mappers/identify';
export type { MappedCall } from './mappers/mapped-call';
export { mapTrack } from './mappers/track';
export type {
  DisablePushTokenMessage,
  GroupMessage,
  RegisterPushTokenMessage,
  SubscriptionMessage,
} from './schemas/account-calls';
export type { MappingOptions } from './schemas/mapping-options';
export type { AliasMessage, IdentifyMessage, TrackMessage, Traits } from './schemas/messages';
export type {
  AnyEvents,
  DeviceContext,
  DeviceToken,
  PlannedTrackMessage,
  PushPlatform,
  SegmentContext,
  SegmentFields,
  TimestampInput,
  TrackingPlan,
} from './schemas/types';
export type { MappingWarning, MappingWarningCode } from './schemas/warning';
export type { ConnectEvent, ConnectUser } from './schemas/wire';
export { VERSION } from './version';
