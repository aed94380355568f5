import * as z from 'zod/mini';
import { codePointLength, isPlainObject, isUsableString } from '../leaf/values';
import { lazy } from './lazy';
import type { Traits } from './types';

export type { AliasMessage, IdentifyMessage, TrackMessage, Traits } from './types';

const ID_PROBLEM = 'must be a non-empty string or a finite number';

/** A user id: a usable string or a finite number, sent exactly as given. */
export const idSchema = lazy(() =>
  z.union([z.string().check(z.regex(/\S/, { error: ID_PROBLEM })), z.number()], {
    error: ID_PROBLEM,
  }),
);

function plainObject<T extends Record<string, unknown>>() {
  return z.custom<T>(isPlainObject, { error: 'must be a plain object' });
}

/** A push token: a string, or raw bytes that are sent as lowercase hex. */
export const deviceTokenSchema = lazy(() =>
  z.union(
    [
      z.string(),
      // Any Uint8Array, a Node Buffer included (z.instanceof types it as Uint8Array<ArrayBuffer>).
      z.custom<Uint8Array>((value) => value instanceof Uint8Array),
      z.instanceof(ArrayBuffer),
    ],
    { error: 'must be a string, a Uint8Array or an ArrayBuffer' },
  ),
);

/** `context.device`: where the push token and its platform come from. */
export const deviceContextSchema = lazy(() =>
  z.pipe(
    plainObject<Record<string, unknown>>(),
    z.looseObject({
      type: z.optional(z.unknown()),
      token: z.nullish(deviceTokenSchema()),
    }),
  ),
);

/** The Segment `context` object; only `device`, `os`, `library` and `timezone` are read. */
export const contextSchema = lazy(() =>
  z.pipe(
    plainObject<Record<string, unknown>>(),
    z.looseObject({
      device: z.nullish(deviceContextSchema()),
      timezone: z.optional(z.unknown()),
      os: z.optional(z.unknown()),
      library: z.optional(z.unknown()),
    }),
  ),
);

/** A timestamp: a `Date`, an ISO-8601 string, or Unix seconds / milliseconds. */
export const timestampInputSchema = lazy(() =>
  z.union([z.date(), z.string(), z.number()], {
    error: 'must be a Date, an ISO-8601 string or a number of seconds or milliseconds',
  }),
);

const MESSAGE_SHAPE = { error: 'the message must be an object' };

const common = () => ({
  userId: z.nullish(idSchema()),
  anonymousId: z.nullish(idSchema()),
  context: z.nullish(contextSchema()),
  messageId: z.nullish(z.string()),
  timestamp: z.nullish(timestampInputSchema()),
  integrations: z.optional(z.unknown()),
});

/** Schema of {@link IdentifyMessage}. */
export const identifyMessageSchema = lazy(() =>
  z.looseObject(
    {
      ...common(),
      traits: z.nullish(plainObject<Traits>()),
    },
    MESSAGE_SHAPE,
  ),
);

const EVENT_PROBLEM = 'must be a non-empty string of at most 200 characters';

/** Schema of {@link TrackMessage}. */
export const trackMessageSchema = lazy(() =>
  z.looseObject(
    {
      ...common(),
      event: z.custom<string>((value) => isUsableString(value) && codePointLength(value) <= 200, {
        error: EVENT_PROBLEM,
      }),
      properties: z.nullish(plainObject<Record<string, unknown>>()),
    },
    MESSAGE_SHAPE,
  ),
);

/** Schema of {@link AliasMessage}. */
export const aliasMessageSchema = lazy(() =>
  z.looseObject(
    {
      ...common(),
      userId: idSchema(),
      previousId: z.nullish(idSchema()),
    },
    MESSAGE_SHAPE,
  ),
);
