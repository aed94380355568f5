import * as z from 'zod/mini';
import { codePointLength, isPlainObject, isUsableString } from '../leaf/values';
import type { Traits } from './types';

export type { AliasMessage, IdentifyMessage, TrackMessage, Traits } from './types';

const ID_PROBLEM = 'must be a non-empty string or a finite number';

/** A user id: a usable string or a finite number, sent exactly as given. */
export const IdSchema = z.union(
  [z.string().check(z.regex(/\S/, { error: ID_PROBLEM })), z.number()],
  {
    error: ID_PROBLEM,
  },
);

function plainObject<T extends Record<string, unknown>>() {
  return z.custom<T>(isPlainObject, { error: 'must be a plain object' });
}

/** A push token: a string, or raw bytes that are sent as lowercase hex. */
export const DeviceTokenSchema = z.union(
  [
    z.string(),
    // Any Uint8Array, a Node Buffer included (z.instanceof types it as Uint8Array<ArrayBuffer>).
    z.custom<Uint8Array>((value) => value instanceof Uint8Array),
    z.instanceof(ArrayBuffer),
  ],
  { error: 'must be a string, a Uint8Array or an ArrayBuffer' },
);

/** `context.device`: where the push token and its platform come from. */
export const DeviceContextSchema = z.pipe(
  plainObject<Record<string, unknown>>(),
  z.looseObject({
    type: z.optional(z.unknown()),
    token: z.nullish(DeviceTokenSchema),
  }),
);

/** The Segment `context` object; only `device`, `os`, `library` and `timezone` are read. */
export const ContextSchema = z.pipe(
  plainObject<Record<string, unknown>>(),
  z.looseObject({
    device: z.nullish(DeviceContextSchema),
    timezone: z.optional(z.unknown()),
    os: z.optional(z.unknown()),
    library: z.optional(z.unknown()),
  }),
);

/** A timestamp: a `Date`, an ISO-8601 string, or Unix seconds / milliseconds. */
export const TimestampInputSchema = z.union([z.date(), z.string(), z.number()], {
  error: 'must be a Date, an ISO-8601 string or a number of seconds or milliseconds',
});

const MESSAGE_SHAPE = { error: 'the message must be an object' };

const common = {
  userId: z.nullish(IdSchema),
  anonymousId: z.nullish(IdSchema),
  context: z.nullish(ContextSchema),
  messageId: z.nullish(z.string()),
  timestamp: z.nullish(TimestampInputSchema),
  integrations: z.optional(z.unknown()),
};

/** Schema of {@link IdentifyMessage}. */
export const IdentifyMessageSchema = z.looseObject(
  {
    ...common,
    traits: z.nullish(plainObject<Traits>()),
  },
  MESSAGE_SHAPE,
);

const EVENT_PROBLEM = 'must be a non-empty string of at most 200 characters';

/** Schema of {@link TrackMessage}. */
export const TrackMessageSchema = z.looseObject(
  {
    ...common,
    event: z.custom<string>((value) => isUsableString(value) && codePointLength(value) <= 200, {
      error: EVENT_PROBLEM,
    }),
    properties: z.nullish(plainObject<Record<string, unknown>>()),
  },
  MESSAGE_SHAPE,
);

/** Schema of {@link AliasMessage}. */
export const AliasMessageSchema = z.looseObject(
  {
    ...common,
    userId: IdSchema,
    previousId: z.nullish(IdSchema),
  },
  MESSAGE_SHAPE,
);
