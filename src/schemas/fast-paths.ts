import { type Id, isPlainObject } from '../leaf/values';
import type { SegmentContext, TimestampInput, Traits } from './types';

/**
 * Hand-written checks for the common, valid shapes of a track and an identify: what
 * `TrackMessageSchema` and `IdentifyMessageSchema` accept, read without zod (which costs several
 * microseconds a call). Each check reads the fields the mapper uses, once each, and returns
 * them; it returns `undefined` when the message is not valid *or* when it is not sure (a message
 * that is not a plain object, an event longer than 200 UTF-16 units). Then the mapper parses
 * with zod, which decides and words the error: a check may send a valid message to zod, never
 * pass one zod refuses. test/mappers/fast-path.test.ts holds the two paths to the same outputs
 * and errors over random input.
 *
 * One difference is deliberate: zod reads every key of the message (it copies them), a check
 * only the keys it maps, so a getter that throws on a key the mapping never reads fails the call
 * on zod's path only.
 */

/** What the track mapper reads of a valid message. */
export interface TrackInput {
  userId: Id | null | undefined;
  anonymousId: Id | null | undefined;
  event: string;
  properties: Record<string, unknown> | null | undefined;
  timestamp: TimestampInput | null | undefined;
}

/** What the identify mapper reads of a valid message; `context` as zod would give it. */
export interface IdentifyInput {
  userId: Id | null | undefined;
  anonymousId: Id | null | undefined;
  traits: Traits | null | undefined;
  context: SegmentContext | null | undefined;
}

const NOT_BLANK = /\S/;

/** `IdSchema`, nullish: a string with a non-blank character, or a finite number. */
function isNullishId(value: unknown): boolean {
  if (value == null) return true;
  if (typeof value === 'string') return NOT_BLANK.test(value);
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isFinite is false for anything but a number (the typeof is for TypeScript)
  return typeof value === 'number' && Number.isFinite(value);
}

/** `TimestampInputSchema`, nullish: a valid `Date`, any string, or a finite number. */
function isNullishTimestamp(value: unknown): boolean {
  if (value == null || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** `DeviceTokenSchema`, nullish: a string, a `Uint8Array` (a Node `Buffer` too) or an `ArrayBuffer`. */
function isNullishToken(token: unknown): boolean {
  return (
    token == null ||
    typeof token === 'string' ||
    token instanceof Uint8Array ||
    token instanceof ArrayBuffer
  );
}

/**
 * `ContextSchema`, nullish: the context as zod would give it (the keys the mapper reads, `device`
 * copied as zod copies it), or `false` when it is not valid.
 */
function readContext(context: unknown): SegmentContext | null | undefined | false {
  if (context == null) return context as null | undefined;
  if (!isPlainObject(context)) return false;
  const { device, timezone, os, library } = context;
  if (device == null) return { device, timezone, os, library } as SegmentContext;
  if (!isPlainObject(device)) return false;
  const { type, token } = device;
  if (!isNullishToken(token)) return false;
  return { device: { type, token }, timezone, os, library } as SegmentContext;
}

/**
 * The fields of a track that `TrackMessageSchema` accepts, or `undefined` when it may not (zod
 * decides).
 */
export function readTrack(message: unknown): TrackInput | undefined {
  if (!isPlainObject(message)) return undefined;
  const { userId, anonymousId, event, properties, timestamp, context, messageId } = message;
  if (
    // The event: at most 200 code points; 200 UTF-16 units or fewer always are.
    typeof event !== 'string' ||
    event.length > 200 ||
    !NOT_BLANK.test(event) ||
    !isNullishId(userId) ||
    !isNullishId(anonymousId) ||
    !(properties == null || isPlainObject(properties)) ||
    !isNullishTimestamp(timestamp) ||
    !(messageId == null || typeof messageId === 'string') ||
    readContext(context) === false
  ) {
    return undefined;
  }
  return { userId, anonymousId, event, properties, timestamp } as TrackInput;
}

/**
 * The fields of an identify that `IdentifyMessageSchema` accepts, or `undefined` when it may not
 * (zod decides).
 */
export function readIdentify(message: unknown): IdentifyInput | undefined {
  if (!isPlainObject(message)) return undefined;
  const { userId, anonymousId, traits, context, timestamp, messageId } = message;
  const read = readContext(context);
  if (
    read === false ||
    !isNullishId(userId) ||
    !isNullishId(anonymousId) ||
    !(traits == null || isPlainObject(traits)) ||
    !isNullishTimestamp(timestamp) ||
    !(messageId == null || typeof messageId === 'string')
  ) {
    return undefined;
  }
  return { userId, anonymousId, traits, context: read } as IdentifyInput;
}
