import * as z from 'zod/mini';
import { isPlainObject } from '../leaf/values';
import { DeviceTokenSchema, IdSchema } from './messages';

const MESSAGE_SHAPE = { error: 'the message must be an object' };

/** Schema of {@link GroupMessage}. */
export const GroupMessageSchema = z.looseObject(
  {
    userId: IdSchema,
    groupId: IdSchema,
    traits: z.nullish(
      z.custom<Record<string, unknown>>(isPlainObject, { error: 'must be a plain object' }),
    ),
    messageId: z.nullish(z.string()),
  },
  MESSAGE_SHAPE,
);

/** The push platforms Connect has endpoints for. */
export const PushPlatformSchema = z.enum(['apns', 'fcm', 'gcm'], {
  error: "must be 'apns', 'fcm' or 'gcm'",
});

/** Schema of {@link RegisterPushTokenMessage}. */
export const RegisterPushTokenMessageSchema = z.looseObject(
  {
    userId: IdSchema,
    platform: PushPlatformSchema,
    token: DeviceTokenSchema,
    messageId: z.nullish(z.string()),
  },
  MESSAGE_SHAPE,
);

/** Schema of {@link DisablePushTokenMessage}. */
export const DisablePushTokenMessageSchema = z.looseObject(
  {
    userId: IdSchema,
    platform: PushPlatformSchema,
    token: z.optional(DeviceTokenSchema),
    all: z.optional(z.literal(true, { error: 'must be true when given' })),
    messageId: z.nullish(z.string()),
  },
  MESSAGE_SHAPE,
);

/** Schema of {@link SubscriptionMessage}. */
export const SubscriptionMessageSchema = z.looseObject(
  {
    userId: IdSchema,
    campaignIds: z.nullish(
      z.array(IdSchema, { error: 'must be an array of campaign ids' }).check(
        // A refinement, not a length check: see PushTokenBodySchema in ./wire.
        z.refine((ids) => ids.length > 0, {
          error: 'must not be empty; leave it out for every campaign',
        }),
      ),
    ),
    messageId: z.nullish(z.string()),
  },
  MESSAGE_SHAPE,
);

/**
 * Puts a user in a group: Connect's identify with `group_id` and `group_attributes`.
 *
 * @example
 * ```ts
 * const message: GroupMessage = { userId: 'u1', groupId: 'acme', traits: { plan: 'enterprise' } };
 * ```
 */
export type GroupMessage = z.input<typeof GroupMessageSchema>;

/**
 * Registers a push token for a user on one platform.
 *
 * @example
 * ```ts
 * const message: RegisterPushTokenMessage = { userId: 'u1', platform: 'apns', token: 'a1b2c3' };
 * ```
 */
export type RegisterPushTokenMessage = z.input<typeof RegisterPushTokenMessageSchema>;

/**
 * Disables one push token of a user, or (`all: true`) every token on the platform.
 *
 * @example
 * ```ts
 * const one: DisablePushTokenMessage = { userId: 'u1', platform: 'fcm', token: 't1' };
 * const all: DisablePushTokenMessage = { userId: 'u1', platform: 'fcm', all: true };
 * ```
 */
export type DisablePushTokenMessage = z.input<typeof DisablePushTokenMessageSchema>;

/**
 * Subscribes or unsubscribes a user: from every campaign, or from the listed ones.
 *
 * @example
 * ```ts
 * const everything: SubscriptionMessage = { userId: 'u1' };
 * const some: SubscriptionMessage = { userId: 'u1', campaignIds: [12, 34] };
 * ```
 */
export type SubscriptionMessage = z.input<typeof SubscriptionMessageSchema>;
