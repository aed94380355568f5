import type {
  DisablePushTokenMessage,
  GroupMessage,
  RegisterPushTokenMessage,
  SubscriptionMessage,
} from '../schemas/account-calls';
import type { MappingOptions } from '../schemas/mapping-options';
import type { AliasMessage, IdentifyMessage, TrackMessage } from '../schemas/messages';
import {
  mapDisablePushToken,
  mapGroup,
  mapRegisterPushToken,
  mapSubscription,
} from './account-calls';
import { mapAlias } from './alias';
import { mapIdentify, mapIdentifyForWire } from './identify';
import type { MappedCall } from './mapped-call';
import type { ResolvedMappingOptions } from './options';
import { mapTrack, mapTrackForWire } from './track';

/** The message each kind of call takes. */
export interface CallMessages {
  identify: IdentifyMessage;
  track: TrackMessage;
  alias: AliasMessage;
  group: GroupMessage;
  registerPushToken: RegisterPushTokenMessage;
  disablePushToken: DisablePushTokenMessage;
  subscribe: SubscriptionMessage;
  unsubscribe: SubscriptionMessage;
}

/** The kinds of call the client sends. */
export type CallType = keyof CallMessages;

/** Which requests a message can share. */
export type Lane = 'users' | 'events' | 'direct';

/** What the table knows of a call. */
interface CallSpec<T extends CallType> {
  map(message: CallMessages[T], options?: MappingOptions): MappedCall<string, unknown>;
  /** The mapper for a body serialized at once, when it can skip copying plain data. */
  wire?(message: CallMessages[T], options: ResolvedMappingOptions): MappedCall<string, unknown>;
  lane: Lane;
}

/**
 * Every call the SDK sends, once: its mapper and the batch endpoint its messages share (`users`:
 * `/v2/identify/batch`; `events`: `/v2/track/batch`; `direct`: sent alone). The client's dispatch
 * and `validate` derive from it; the proxy forwards the `SEGMENT_CALLS`.
 */
export const CALLS = {
  identify: { map: mapIdentify, wire: mapIdentifyForWire, lane: 'users' },
  track: { map: mapTrack, wire: mapTrackForWire, lane: 'events' },
  alias: { map: mapAlias, lane: 'users' },
  group: { map: mapGroup, lane: 'users' },
  registerPushToken: { map: mapRegisterPushToken, lane: 'direct' },
  disablePushToken: { map: mapDisablePushToken, lane: 'direct' },
  subscribe: {
    map: (message: SubscriptionMessage) => mapSubscription('subscribe', message),
    lane: 'direct',
  },
  unsubscribe: {
    map: (message: SubscriptionMessage) => mapSubscription('unsubscribe', message),
    lane: 'direct',
  },
} as const satisfies { [T in CallType]: CallSpec<T> };

/** The message a call of type `T` takes. */
export type MessageOf<T extends CallType> = CallMessages[T];

/**
 * A call as `beforeSend` sees it: its type and its Segment-style message, typed by the type.
 *
 * @example
 * ```ts
 * const beforeSend = (call: OutgoingCall) =>
 *   call.type === 'track' && call.message.event === 'Heartbeat' ? null : call;
 * ```
 */
export type OutgoingCall = { [T in CallType]: { type: T; message: MessageOf<T> } }[CallType];

/** A call of Segment's tracking API that reaches Connect: what pages and analytics.js send. */
export type SegmentCallType = Extract<CallType, 'identify' | 'track' | 'alias' | 'group'>;

/** Every {@link SegmentCallType} (test/client/types.test.ts checks none is missing). */
export const SEGMENT_CALLS = [
  'identify',
  'track',
  'alias',
  'group',
] as const satisfies readonly SegmentCallType[];

/** True for a string naming a call type. */
export function isCallType(type: unknown): type is CallType {
  return typeof type === 'string' && Object.hasOwn(CALLS, type);
}

type AnyMapper = (message: unknown, options: MappingOptions) => MappedCall<string, unknown>;

/** Maps a call of any type with the client's mapping options; throws `ValidationError`. */
export function mapCall(
  type: CallType,
  message: unknown,
  options: MappingOptions,
): MappedCall<string, unknown> {
  return (CALLS[type].map as AnyMapper)(message, options);
}

/**
 * {@link mapCall} for a body that is serialized at once and then dropped: it may share plain
 * data with the message instead of copying it, and its warnings must not be changed. `resolved`
 * is `options` resolved.
 */
export function mapCallForWire(
  type: CallType,
  message: unknown,
  options: MappingOptions,
  resolved: ResolvedMappingOptions,
): MappedCall<string, unknown> {
  const spec: { map: unknown; wire?: unknown } = CALLS[type];
  if (spec.wire) {
    return (spec.wire as (m: unknown, o: ResolvedMappingOptions) => MappedCall<string, unknown>)(
      message,
      resolved,
    );
  }
  return (spec.map as AnyMapper)(message, options);
}
