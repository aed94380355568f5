import { readTrack } from '../schemas/fast-paths';
import type { MappingOptions } from '../schemas/mapping-options';
import { type TrackMessage, trackMessageSchema } from '../schemas/messages';
import { invalid, parseOrThrow } from '../schemas/parse';
import type { MappingWarning } from '../schemas/warning';
import type { ConnectEvent } from '../schemas/wire';
import { jsonSafeCopy } from './json-copy';
import type { MappedCall } from './mapped-call';
import { type ResolvedMappingOptions, resolveMappingOptions } from './options';
import { toUnixSeconds } from './timestamp';

const CALL = 'track';

/**
 * Maps a Segment-style track call to the body of Connect's `POST /v2/track`: the event name as
 * given, a JSON-safe copy of `properties`, and the timestamp in Unix seconds (the `now` option's
 * time when the call has none).
 *
 * @throws {ValidationError} when the message is malformed, naming the field.
 * @example
 * ```ts
 * mapTrack({
 *   userId: 'u1',
 *   event: 'Signed Up',
 *   properties: { plan: 'Startup' },
 *   timestamp: '2015-04-06T12:31:32.123Z',
 * }).body;
 * // { user_id: 'u1', event: 'Signed Up', properties: { plan: 'Startup' }, timestamp: 1428323492.123 }
 * ```
 */
export function mapTrack(
  message: TrackMessage,
  options?: MappingOptions,
): MappedCall<'/v2/track', ConnectEvent> {
  return mapTrackAs(message, resolveMappingOptions(options), []);
}

const NO_WARNINGS: never[] = [];

/**
 * {@link mapTrack} for a body serialized at once, with options already resolved: its `warnings`
 * (none) must not be kept or changed. `properties` are copied all the same: checking plain data
 * and then serializing it as it is would read it twice, and a getter or a Proxy can answer NaN
 * (sent as null) the second time.
 */
export function mapTrackForWire(
  message: TrackMessage,
  options: ResolvedMappingOptions,
): MappedCall<'/v2/track', ConnectEvent> {
  return mapTrackAs(message, options, NO_WARNINGS);
}

function mapTrackAs(
  message: TrackMessage,
  { now }: ResolvedMappingOptions,
  warnings: MappingWarning[],
): MappedCall<'/v2/track', ConnectEvent> {
  // The common shapes are checked by hand; zod decides the rest and words every error.
  const input = readTrack(message) ?? parseOrThrow(trackMessageSchema(), message, CALL);
  const userId = input.userId ?? input.anonymousId;
  if (userId == null) throw invalid(CALL, 'userId', 'or `anonymousId` is required');

  let timestamp: number | undefined;
  if (input.timestamp == null) {
    timestamp = Math.round(now()) / 1000;
  } else {
    timestamp = toUnixSeconds(input.timestamp);
    if (timestamp === undefined) {
      throw invalid(
        CALL,
        'timestamp',
        'must be a valid Date, an ISO-8601 date or date-time (2015-04-06T12:31:32.123Z), or a finite number of seconds or milliseconds',
      );
    }
  }
  const properties =
    input.properties == null
      ? {}
      : (jsonSafeCopy(input.properties, 'properties', CALL) as Record<string, unknown>);
  return {
    path: '/v2/track',
    body: { user_id: userId, event: input.event, properties, timestamp },
    warnings,
  };
}
