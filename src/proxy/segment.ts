/**
 * Segment's tracking API as analytics.js and Segment's server libraries send it: its paths, its
 * write keys, its clock-skew rule and its page calls. Pure: the request's parts and the receive
 * time come in as arguments.
 */
import { isPlainObject } from '../leaf/values';
import { toUnixSeconds } from '../mappers/timestamp';
import type { ProxyCallType } from './identity';

/** What a path asks for: a batch, or one call of a type (page and screen included). */
export type Route = 'batch' | ProxyCallType | 'page' | 'screen';

/**
 * A path's last segment, in every spelling Segment's senders use: the words (`…/track`, and so
 * `…/v1/track`), analytics.js's first letters (`…/t`, and `…/b` for its batches), and
 * `…/v1/import`, the batch path of analytics-ruby.
 */
const ROUTES = new Map<string, Route>([
  ['batch', 'batch'],
  ['b', 'batch'],
  ['import', 'batch'],
  ['identify', 'identify'],
  ['i', 'identify'],
  ['track', 'track'],
  ['t', 'track'],
  ['alias', 'alias'],
  ['a', 'alias'],
  ['group', 'group'],
  ['g', 'group'],
  ['page', 'page'],
  ['p', 'page'],
  ['screen', 'screen'],
  ['s', 'screen'],
]);

/** The paths, for the 404's message. */
export const PATHS =
  '…/batch (or …/b, …/v1/batch, …/v1/import), …/identify, …/track, …/alias, …/group, …/page, …/screen (or their first letters, or …/v1/…)';

/**
 * The route of a path, by its last segment (trailing slashes ignored), or `undefined`.
 *
 * @example
 * ```ts
 * routeOf('/api/connect/v1/batch'); // 'batch'
 * routeOf('/api/connect/t');        // 'track'
 * ```
 */
export function routeOf(pathname: string): Route | undefined {
  return ROUTES.get(pathname.replace(/\/+$/, '').split('/').pop() ?? '');
}

/**
 * The write key a request names: the user name of its HTTP Basic `Authorization` (analytics.js
 * and Segment's libraries send `Basic base64(writeKey + ':')`), else its body's `writeKey`, or
 * `undefined` when it names none. Every `writeKey` it carries (the body's, each message's) must
 * be that one; an `Authorization` of another scheme is not a write key and is ignored.
 */
export function writeKeyOf(
  authorization: string | null,
  body: unknown,
  messages: readonly Record<string, unknown>[],
): { key: string | undefined } | { problem: string } {
  let key: string | undefined;
  const basic = /^basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (basic) {
    let decoded: string;
    try {
      decoded = atob(basic[1] ?? '');
    } catch {
      return { problem: 'Authorization is not HTTP Basic with the write key as its user name' };
    }
    const colon = decoded.indexOf(':');
    key = (colon < 0 ? decoded : decoded.slice(0, colon)) || undefined;
  }
  const carried = [
    isPlainObject(body) ? body.writeKey : undefined,
    ...messages.map((m) => m.writeKey),
  ];
  for (const value of carried) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string')
      return { problem: '`writeKey` must be a string (the write key of a source)' };
    key ??= value;
    if (value !== key)
      return { problem: 'the request names two write keys (Authorization, `writeKey`)' };
  }
  return { key: key || undefined };
}

/** Epoch milliseconds of a timestamp as the mapping reads it, or `undefined`. */
export function millisecondsOf(value: unknown): number | undefined {
  const seconds = toUnixSeconds(value);
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * Segment's clock-skew rule: `timestamp = receivedAt - (sentAt - timestamp)`. The sender's clock
 * made both `timestamp` and `sentAt`, so its error drops out: the event keeps its distance from
 * the send, placed on the server's clock. Returns the message with the corrected `timestamp` (an
 * ISO string), or the message itself when it has no readable `timestamp` (the mapping then uses
 * the server's now, or names the bad field). `sentAt` is epoch milliseconds.
 *
 * @example
 * ```ts
 * // A page whose clock runs an hour fast: sentAt 11:00:05 on its clock, received at 10:00:05.
 * corrected({ timestamp: '…T11:00:00.000Z' }, Date.parse('…T11:00:05Z'), Date.parse('…T10:00:05Z'));
 * // { timestamp: '…T10:00:00.000Z' }
 * ```
 */
export function corrected(
  message: Record<string, unknown>,
  sentAt: number,
  receivedAt: number,
): Record<string, unknown> {
  const timestamp = millisecondsOf(message.timestamp);
  if (timestamp === undefined) return message;
  const date = new Date(receivedAt - (sentAt - timestamp));
  return Number.isNaN(date.getTime()) ? message : { ...message, timestamp: date.toISOString() };
}

/**
 * A page or screen call as a track named `event`: its `properties`, with its `name` and
 * `category` unless the properties hold those already.
 */
export function pageAsTrack(
  message: Record<string, unknown>,
  event: string,
): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  if (message.name != null) named.name = message.name;
  if (message.category != null) named.category = message.category;
  const properties = message.properties;
  return {
    ...message,
    type: 'track',
    event,
    // Anything but an object (or nothing) is left for the mapping to refuse, naming the field.
    properties:
      properties == null
        ? named
        : isPlainObject(properties)
          ? { ...named, ...properties }
          : properties,
  };
}
