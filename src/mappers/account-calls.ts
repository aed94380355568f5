import type { Id } from '../leaf/values';
import {
  type DisablePushTokenMessage,
  disablePushTokenMessageSchema,
  type GroupMessage,
  groupMessageSchema,
  type RegisterPushTokenMessage,
  registerPushTokenMessageSchema,
  type SubscriptionMessage,
  subscriptionMessageSchema,
} from '../schemas/account-calls';
import { invalid, parseOrThrow } from '../schemas/parse';
import type { ConnectUser } from '../schemas/wire';
import { pushTokenText } from './device-token';
import { jsonSafeCopy } from './json-copy';
import type { MappedCall } from './mapped-call';

/** The calls beyond identify, track and alias: groups, push tokens and subscriptions. */

/**
 * Maps a group call to Connect's identify with `group_id` (a string) and `group_attributes`.
 *
 * @throws {ValidationError} naming the field.
 * @example
 * ```ts
 * mapGroup({ userId: 'u1', groupId: 42, traits: { plan: 'enterprise' } }).body;
 * // { user_id: 'u1', group_id: '42', group_attributes: { plan: 'enterprise' } }
 * ```
 */
export function mapGroup(message: GroupMessage): MappedCall<'/v2/identify', ConnectUser> {
  const input = parseOrThrow(groupMessageSchema(), message, 'group');
  const groupAttributes =
    input.traits == null
      ? {}
      : (jsonSafeCopy(input.traits, 'traits', 'group') as Record<string, unknown>);
  return {
    path: '/v2/identify',
    body: {
      user_id: input.userId,
      group_id: String(input.groupId),
      group_attributes: groupAttributes,
    },
    warnings: [],
  };
}

/** The body of a push-token call. */
export type PushTokenBody = { user_id: Id; token: string } | { user_id: Id; all: true };

/**
 * Maps a push-token registration to `POST /v2/{platform}/register`. Bytes become lowercase hex.
 *
 * @throws {ValidationError} naming the field.
 * @example
 * ```ts
 * mapRegisterPushToken({ userId: 'u1', platform: 'apns', token: 'abc' });
 * // { path: '/v2/apns/register', body: { user_id: 'u1', token: 'abc' }, warnings: [] }
 * ```
 */
export function mapRegisterPushToken(
  message: RegisterPushTokenMessage,
): MappedCall<`/v2/${string}/register`, PushTokenBody> {
  const input = parseOrThrow(registerPushTokenMessageSchema(), message, 'registerPushToken');
  const token = pushTokenText(input.token);
  if (token === undefined)
    throw invalid('registerPushToken', 'token', 'must be a non-empty string or bytes');
  return {
    path: `/v2/${input.platform}/register`,
    body: { user_id: input.userId, token },
    warnings: [],
  };
}

/**
 * Maps a push-token disable to `POST /v2/{platform}/disable`: one `token`, or `all: true`.
 *
 * @throws {ValidationError} naming the field.
 * @example
 * ```ts
 * mapDisablePushToken({ userId: 'u1', platform: 'fcm', all: true }).body; // { user_id: 'u1', all: true }
 * ```
 */
export function mapDisablePushToken(
  message: DisablePushTokenMessage,
): MappedCall<`/v2/${string}/disable`, PushTokenBody> {
  const call = 'disablePushToken';
  const input = parseOrThrow(disablePushTokenMessageSchema(), message, call);
  const path = `/v2/${input.platform}/disable` as const;
  if (input.all === true) {
    if (input.token !== undefined)
      throw invalid(call, 'token', 'must be left out when `all` is true');
    return { path, body: { user_id: input.userId, all: true }, warnings: [] };
  }
  const token = pushTokenText(input.token);
  if (token === undefined)
    throw invalid(call, 'token', 'must be a non-empty string or bytes (or set `all: true`)');
  return { path, body: { user_id: input.userId, token }, warnings: [] };
}

/** The body of a subscription call. */
export type SubscriptionBody = { user_id: Id } | { user_id: Id; campaign_ids: Id[] };

/**
 * Maps a subscribe or unsubscribe call: every campaign (`/all`), or the listed `campaignIds`
 * (`/campaigns`).
 *
 * @throws {ValidationError} naming the field.
 * @example
 * ```ts
 * mapSubscription('unsubscribe', { userId: 'u1', campaignIds: [12] });
 * // { path: '/v2/unsubscribe/campaigns', body: { user_id: 'u1', campaign_ids: [12] }, warnings: [] }
 * ```
 */
export function mapSubscription(
  action: 'subscribe' | 'unsubscribe',
  message: SubscriptionMessage,
): MappedCall<`/v2/${'subscribe' | 'unsubscribe'}/${'all' | 'campaigns'}`, SubscriptionBody> {
  const input = parseOrThrow(subscriptionMessageSchema(), message, action);
  if (input.campaignIds == null) {
    return { path: `/v2/${action}/all`, body: { user_id: input.userId }, warnings: [] };
  }
  return {
    path: `/v2/${action}/campaigns`,
    body: { user_id: input.userId, campaign_ids: [...input.campaignIds] },
    warnings: [],
  };
}
