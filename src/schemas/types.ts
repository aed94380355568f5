import type { CountryCode } from '../leaf/phone-country';
import type { Id } from '../leaf/values';

/**
 * The shapes of the calls users make and of the bodies Connect receives, as plain types: what the
 * API docs show and what `.d.ts` files carry, with no dependency of their own. The zod schemas
 * next to them check values against the same shapes (`test/schemas/types.test.ts` keeps the two
 * in step).
 */

/** A time: a `Date`, an ISO-8601 string, or Unix seconds or milliseconds. */
export type TimestampInput = Date | string | number;

/** A push token: a string, or raw bytes (sent as lowercase hex). */
export type DeviceToken = string | Uint8Array | ArrayBuffer;

/** The push platforms Connect has endpoints for. */
export type PushPlatform = 'apns' | 'fcm' | 'gcm';

/**
 * User traits in Segment's shape. The reserved ones are found whatever their case and punctuation
 * (`first_name`, `First Name` and `FIRSTNAME` all count as `firstName`); every other trait is sent
 * to Connect as a custom attribute.
 *
 * @example
 * ```ts
 * const traits: Traits = { name: 'Michael Bolton', email: 'mbolton@example.com', plan: 'pro' };
 * ```
 */
export interface Traits {
  /** A full name: split into Connect's first and last name when those are not given. */
  name?: string | null | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  email?: string | null | undefined;
  /** A phone number, normalized to E.164 (digits as a number are read as a string). */
  phone?: string | number | null | undefined;
  phoneNumber?: string | number | null | undefined;
  /** Phone numbers; the first is sent. */
  phones?: ReadonlyArray<string | number> | null | undefined;
  /** An IANA time zone name such as `Europe/Berlin`. */
  timezone?: string | null | undefined;
  /** Any other trait: a custom attribute, any JSON value (a `Date` becomes its ISO string). */
  [trait: string]: unknown;
}

/** `context.device`: where a push token and its platform come from. */
export interface DeviceContext {
  /** `ios`, `android`, … (any case): the token's platform. */
  type?: string | null | undefined;
  token?: DeviceToken | null | undefined;
  [key: string]: unknown;
}

/** The Segment `context`; only `device`, `os`, `library` and `timezone` are read. */
export interface SegmentContext {
  device?: DeviceContext | null | undefined;
  /** An IANA time zone name; wins over the `timezone` trait. */
  timezone?: string | null | undefined;
  os?: unknown;
  library?: unknown;
  [key: string]: unknown;
}

/** The fields every Segment-style call may carry. */
export interface SegmentFields {
  /** The user's permanent id. */
  userId?: Id | null | undefined;
  /** The visitor's id before sign-up; used where there is no `userId`. */
  anonymousId?: Id | null | undefined;
  context?: SegmentContext | null | undefined;
  /** Your id for the message, reported back in results and events; not sent to Connect. */
  messageId?: string | null | undefined;
  /** When it happened. */
  timestamp?: TimestampInput | null | undefined;
  /** Segment's integrations object: accepted and ignored. */
  integrations?: unknown;
  [key: string]: unknown;
}

/**
 * A Segment-style identify call: who the user is and what is known about them.
 * `userId` or, before sign-up, `anonymousId` is required.
 *
 * @example
 * ```ts
 * const message: IdentifyMessage = {
 *   userId: '019mr8mf4r',
 *   traits: { name: 'Michael Bolton', email: 'mbolton@example.com' },
 *   context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
 * };
 * ```
 */
export interface IdentifyMessage extends SegmentFields {
  traits?: Traits | null | undefined;
}

/**
 * A Segment-style track call: something a user did. With a tracking plan, `Event` is one of the
 * plan's event names and `Properties` its properties.
 *
 * @example
 * ```ts
 * const message: TrackMessage = {
 *   userId: '019mr8mf4r',
 *   event: 'Signed Up',
 *   properties: { plan: 'Startup', source: 'Analytics Academy' },
 * };
 * ```
 */
export interface TrackMessage<
  Event extends string = string,
  Properties extends object = Record<string, unknown>,
> extends SegmentFields {
  /** The event name, at most 200 characters. */
  event: Event;
  properties?: Properties | null | undefined;
}

/**
 * A tracking plan: each event name with the type of its properties, as an interface or type.
 * `new ConnectClient<MyPlan>(…)` then accepts only the plan's events, each with its properties.
 *
 * @example
 * ```ts
 * interface MyPlan {
 *   'Signed Up': { plan: 'Startup' | 'Growth' };
 *   'Order Completed': { revenue: number; currency: string };
 * }
 * const connect = new ConnectClient<MyPlan>({ apiKey: env.CONNECT_API_KEY });
 * connect.track({ userId: 'u1', event: 'Signed Up', properties: { plan: 'Startup' } });
 * ```
 */
export type TrackingPlan = object;

/** The plan of a client without one: any event name, any properties. */
export interface AnyEvents {
  [event: string]: Record<string, unknown>;
}

/** A track call of the plan: one of its events, with that event's properties. */
export type PlannedTrackMessage<Plan extends TrackingPlan> = {
  [Event in keyof Plan & string]: TrackMessage<Event, Plan[Event] & object>;
}[keyof Plan & string];

/**
 * A Segment-style alias call: joins an earlier id (`previousId`, else `anonymousId`) to `userId`.
 *
 * @example
 * ```ts
 * const message: AliasMessage = { userId: '019mr8mf4r', previousId: 'anon-1' };
 * ```
 */
export interface AliasMessage extends SegmentFields {
  userId: Id;
  previousId?: Id | null | undefined;
}

/**
 * Puts a user in a group: Connect's identify with `group_id` and `group_attributes`.
 *
 * @example
 * ```ts
 * const message: GroupMessage = { userId: 'u1', groupId: 'acme', traits: { plan: 'enterprise' } };
 * ```
 */
export interface GroupMessage {
  userId: Id;
  groupId: Id;
  /** The group's attributes. */
  traits?: Record<string, unknown> | null | undefined;
  messageId?: string | null | undefined;
  [key: string]: unknown;
}

/**
 * Registers a push token for a user on one platform.
 *
 * @example
 * ```ts
 * const message: RegisterPushTokenMessage = { userId: 'u1', platform: 'apns', token: 'a1b2c3' };
 * ```
 */
export interface RegisterPushTokenMessage {
  userId: Id;
  platform: PushPlatform;
  token: DeviceToken;
  messageId?: string | null | undefined;
  [key: string]: unknown;
}

/**
 * Disables one push token of a user, or (`all: true`) every token on the platform.
 *
 * @example
 * ```ts
 * const one: DisablePushTokenMessage = { userId: 'u1', platform: 'fcm', token: 't1' };
 * const all: DisablePushTokenMessage = { userId: 'u1', platform: 'fcm', all: true };
 * ```
 */
export interface DisablePushTokenMessage {
  userId: Id;
  platform: PushPlatform;
  token?: DeviceToken | undefined;
  all?: true | undefined;
  messageId?: string | null | undefined;
  [key: string]: unknown;
}

/**
 * Subscribes or unsubscribes a user: from every campaign, or from the listed ones.
 *
 * @example
 * ```ts
 * const everything: SubscriptionMessage = { userId: 'u1' };
 * const some: SubscriptionMessage = { userId: 'u1', campaignIds: [12, 34] };
 * ```
 */
export interface SubscriptionMessage {
  userId: Id;
  /** The campaigns; leave it out for every campaign. */
  campaignIds?: Id[] | null | undefined;
  messageId?: string | null | undefined;
  [key: string]: unknown;
}

/**
 * How the mappers turn calls into Connect payloads.
 *
 * @example
 * ```ts
 * const options: MappingOptions = { defaultCountry: 'US', onInvalidPhone: 'drop' };
 * mapIdentify({ userId: 'u1', traits: { phone: '(415) 555-2671' } }, options);
 * ```
 */
export interface MappingOptions {
  /** The clock, in epoch milliseconds, for tracks without a timestamp. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Where Android tokens go: `'fcm'` or legacy `'gcm'`. Default `'fcm'`. */
  androidPushField?: 'fcm' | 'gcm' | undefined;
  /** The country national phone numbers are read in, such as `'US'`. Default none. */
  defaultCountry?: CountryCode | undefined;
  /**
   * A phone number that is not valid is sent as given (`'keep'`), left in attributes (`'drop'`)
   * or refused with a `ValidationError` (`'reject'`); each but `'reject'` adds an
   * `invalid_phone` warning. Default `'keep'`.
   */
  onInvalidPhone?: 'keep' | 'drop' | 'reject' | undefined;
}

/** One of `invalid_email`, `invalid_phone`, `invalid_timezone`, `unknown_device_type`. */
export type MappingWarningCode =
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_timezone'
  | 'unknown_device_type';

/**
 * Something in a call that was sent as-is or left out, without stopping the call: an email that
 * does not look like one, a phone number that is not valid, an unknown timezone, a push token
 * whose platform is unknown.
 *
 * @example
 * ```ts
 * const { warnings } = mapIdentify({ userId: 'u1', traits: { timezone: 'GMT+2' } });
 * // [{ field: 'traits.timezone', code: 'invalid_timezone', message: '…' }]
 * ```
 */
export interface MappingWarning {
  /** The field, as the caller named it (`traits.timezone`). */
  field: string;
  code: MappingWarningCode;
  /** A sentence naming the call and the field. */
  message: string;
}

/**
 * A user as Connect stores it: the body of `POST /v2/identify`. An alias is a user body with
 * `previous_id` and nothing else.
 *
 * @example
 * ```ts
 * const user: ConnectUser = {
 *   user_id: '019mr8mf4r',
 *   first_name: 'Michael',
 *   last_name: 'Bolton',
 *   apns: ['XXXYYYZZZ'],
 *   attributes: { plan: 'pro' },
 * };
 * ```
 */
export interface ConnectUser {
  user_id: Id;
  previous_id?: Id | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
  email?: string | undefined;
  phone_number?: string | undefined;
  /** An IANA time zone name. */
  timezone?: string | undefined;
  apns?: string[] | undefined;
  fcm?: string[] | undefined;
  gcm?: string[] | undefined;
  attributes?: Record<string, unknown> | undefined;
  group_id?: string | undefined;
  group_attributes?: Record<string, unknown> | undefined;
}

/**
 * An event as Connect stores it: the body of `POST /v2/track`; `timestamp` is Unix seconds.
 *
 * @example
 * ```ts
 * const event: ConnectEvent = {
 *   user_id: '019mr8mf4r',
 *   event: 'Signed Up',
 *   properties: { plan: 'Startup' },
 *   timestamp: 1428323492.123,
 * };
 * ```
 */
export interface ConnectEvent {
  user_id: Id;
  event: string;
  properties?: Record<string, unknown> | undefined;
  /** Unix seconds (fractions allowed). */
  timestamp?: number | undefined;
}
