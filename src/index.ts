/**
 * `zendesk-connect`: send Segment-style identify, track and alias calls to Zendesk Connect.
 *
 * @packageDocumentation
 */
export { type CloseOptions, ConnectClient } from './client';
export type { CallType, ConnectClientEvents, DropReason, Listener } from './delivery/events';
export type { DeliveryReport, DeliveryResult } from './delivery/queue';
export { RETRY_STATUSES, retryAfterOf } from './delivery/retry-policy';
export type { FetchLike } from './delivery/transport';
export * from './errors';
export {
  mapDisablePushToken,
  mapGroup,
  mapRegisterPushToken,
  mapSubscription,
  type PushTokenBody,
  type SubscriptionBody,
} from './mappers/account-calls';
export * from './mappers/index';
export * from './schemas/index';
export { VERSION } from './version';
