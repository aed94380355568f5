import type { MappingOptions } from '../schemas/mapping-options';
import { type AliasMessage, aliasMessageSchema } from '../schemas/messages';
import { invalid, parseOrThrow } from '../schemas/parse';
import type { ConnectUser } from '../schemas/wire';
import type { MappedCall } from './mapped-call';
import { resolveMappingOptions } from './options';

const CALL = 'alias';

/**
 * Maps a Segment-style alias call to Connect's `POST /v2/identify` with `previous_id`: Connect
 * merges the user known by the earlier id into `userId`. `previousId` falls back to
 * `anonymousId`, as analytics.js does.
 *
 * @throws {ValidationError} when an id is missing or malformed, or both ids are the same.
 * @example
 * ```ts
 * mapAlias({ userId: '019mr8mf4r', anonymousId: 'anon-1' }).body;
 * // { user_id: '019mr8mf4r', previous_id: 'anon-1' }
 * ```
 */
export function mapAlias(
  message: AliasMessage,
  options?: MappingOptions,
): MappedCall<'/v2/identify', ConnectUser> {
  resolveMappingOptions(options);
  const input = parseOrThrow(aliasMessageSchema(), message, CALL);
  const previousId = input.previousId ?? input.anonymousId;
  if (previousId == null) throw invalid(CALL, 'previousId', 'or `anonymousId` is required');
  if (String(previousId) === String(input.userId)) {
    throw invalid(CALL, 'previousId', 'must differ from `userId`');
  }
  return {
    path: '/v2/identify',
    body: { user_id: input.userId, previous_id: previousId },
    warnings: [],
  };
}
