import type { MappingOptions } from '../schemas/mapping-options';
import {
  mapDisablePushToken,
  mapGroup,
  mapRegisterPushToken,
  mapSubscription,
} from './account-calls';
import { mapAlias } from './alias';
import { mapIdentify } from './identify';
import type { MappedCall } from './mapped-call';
import { mapTrack } from './track';

/**
 * Every call the SDK sends, once: its mapper, the batch endpoint its messages share (`users`:
 * `/v2/identify/batch`; `events`: `/v2/track/batch`; `direct`: sent alone), and whether it is a
 * call of Segment's tracking API that pages and analytics.js send (`segment`). The call types,
 * the typed `beforeSend` calls, the client's dispatch and the proxy's forwarding derive from it.
 */
export const CALLS = {
  identify: { map: mapIdentify, lane: 'users', segment: true },
  track: { map: mapTrack, lane: 'events', segment: true },
  alias: { map: mapAlias, lane: 'users', segment: true },
  group: { map: mapGroup, lane: 'users', segment: true },
  registerPushToken: { map: mapRegisterPushToken, lane: 'direct', segment: false },
  disablePushToken: { map: mapDisablePushToken, lane: 'direct', segment: false },
  subscribe: {
    map: (message: Parameters<typeof mapSubscription>[1]) => mapSubscription('subscribe', message),
    lane: 'direct',
    segment: false,
  },
  unsubscribe: {
    map: (message: Parameters<typeof mapSubscription>[1]) =>
      mapSubscription('unsubscribe', message),
    lane: 'direct',
    segment: false,
  },
} as const;

/** The kinds of call the client sends. */
export type CallType = keyof typeof CALLS;

/** The message a call of type `T` takes. */
export type MessageOf<T extends CallType> = Parameters<(typeof CALLS)[T]['map']>[0];

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

/** The calls of Segment's tracking API (what pages and analytics.js send). */
export type SegmentCallType = {
  [T in CallType]: (typeof CALLS)[T]['segment'] extends true ? T : never;
}[CallType];

/** Which requests a message can share. */
export type Lane = (typeof CALLS)[CallType]['lane'];

/** True for a string naming a call type. */
export function isCallType(type: unknown): type is CallType {
  return typeof type === 'string' && Object.hasOwn(CALLS, type);
}

/** Maps a call of any type with the client's mapping options; throws `ValidationError`. */
export function mapCall(
  type: CallType,
  message: unknown,
  options: MappingOptions,
): MappedCall<string, unknown> {
  const map = CALLS[type].map as (
    message: unknown,
    options: MappingOptions,
  ) => MappedCall<string, unknown>;
  return map(message, options);
}
