import * as z from 'zod/mini';
import { isPlainObject } from '../leaf/values';
import { DeviceTokenSchema, IdSchema } from './messages';

export type {
  DisablePushTokenMessage,
  GroupMessage,
  RegisterPushTokenMessage,
  SubscriptionMessage,
} from './types';

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
