import * as z from 'zod/mini';
import { isPlainObject } from '../leaf/values';
import { lazy } from './lazy';
import { deviceTokenSchema, idSchema } from './messages';

export type {
  DisablePushTokenMessage,
  GroupMessage,
  RegisterPushTokenMessage,
  SubscriptionMessage,
} from './types';

const MESSAGE_SHAPE = { error: 'the message must be an object' };

/** Schema of {@link GroupMessage}. */
export const groupMessageSchema = lazy(() =>
  z.looseObject(
    {
      userId: idSchema(),
      groupId: idSchema(),
      traits: z.nullish(
        z.custom<Record<string, unknown>>(isPlainObject, { error: 'must be a plain object' }),
      ),
      messageId: z.nullish(z.string()),
    },
    MESSAGE_SHAPE,
  ),
);

/** The push platforms Connect has endpoints for. */
export const pushPlatformSchema = lazy(() =>
  z.enum(['apns', 'fcm', 'gcm'], {
    error: "must be 'apns', 'fcm' or 'gcm'",
  }),
);

/** Schema of {@link RegisterPushTokenMessage}. */
export const registerPushTokenMessageSchema = lazy(() =>
  z.looseObject(
    {
      userId: idSchema(),
      platform: pushPlatformSchema(),
      token: deviceTokenSchema(),
      messageId: z.nullish(z.string()),
    },
    MESSAGE_SHAPE,
  ),
);

/** Schema of {@link DisablePushTokenMessage}. */
export const disablePushTokenMessageSchema = lazy(() =>
  z.looseObject(
    {
      userId: idSchema(),
      platform: pushPlatformSchema(),
      token: z.optional(deviceTokenSchema()),
      all: z.optional(z.literal(true, { error: 'must be true when given' })),
      messageId: z.nullish(z.string()),
    },
    MESSAGE_SHAPE,
  ),
);

/** Schema of {@link SubscriptionMessage}. */
export const subscriptionMessageSchema = lazy(() =>
  z.looseObject(
    {
      userId: idSchema(),
      campaignIds: z.nullish(
        z.array(idSchema(), { error: 'must be an array of campaign ids' }).check(
          // A refinement, not a length check: see PushTokenBodySchema in ./wire.
          z.refine((ids) => ids.length > 0, {
            error: 'must not be empty; leave it out for every campaign',
          }),
        ),
      ),
      messageId: z.nullish(z.string()),
    },
    MESSAGE_SHAPE,
  ),
);
