import type * as z from 'zod/mini';
import { setOwn } from '../mappers/json-copy';
import type { LenientConnectUserSchema } from '../schemas/wire';

/** A user body as Connect accepts it, tokens of any type (the lenient mode stores them too). */
export type StorableUser = z.infer<typeof LenientConnectUserSchema>;

/** The emulator's state: users and events, with Connect's upsert and alias-merge semantics. */

/** A user as the emulator stores it. Ids are strings: Connect stores numbers as strings. */
export interface EmulatedUser {
  user_id: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone_number?: string;
  timezone?: string;
  group_id?: string;
  /** Push tokens per platform, each token once, in the order first registered. */
  apns: unknown[];
  fcm: unknown[];
  gcm: unknown[];
  attributes: Record<string, unknown>;
  group_attributes: Record<string, unknown>;
  /** Ids merged into this user by alias (`previous_id`), oldest first. */
  previous_ids: string[];
  /** True after `unsubscribe/all`, false again after `subscribe/all`. */
  unsubscribed_all: boolean;
  /** Campaigns the user unsubscribed from. */
  unsubscribed_campaigns: string[];
  /** Epoch milliseconds. */
  created_at: number;
  updated_at: number;
}

/** An event as the emulator stores it. */
export interface EmulatedEvent {
  user_id: string;
  event: string;
  properties: Record<string, unknown>;
  /** Unix seconds, as sent (or the time it was received). */
  timestamp: number;
  /** Epoch milliseconds when the emulator received it. */
  received_at: number;
}

/** Which push platform a token list belongs to. */
export type PushPlatform = 'apns' | 'fcm' | 'gcm';

const TOP_LEVEL = [
  'first_name',
  'last_name',
  'email',
  'phone_number',
  'timezone',
  'group_id',
] as const;
const PLATFORMS: readonly PushPlatform[] = ['apns', 'fcm', 'gcm'];

/** Users by id and events in arrival order, changed only through Connect's operations. */
export class EmulatorStore {
  readonly users = new Map<string, EmulatedUser>();
  readonly events: EmulatedEvent[] = [];
  /** Earlier ids joined to a user by alias: an alias is permanent, so later calls under them reach that user. */
  private readonly aliases = new Map<string, string>();

  /** The id a call under `id` reaches, following aliases. */
  resolve(id: string | number): string {
    let current = String(id);
    for (let hops = 0; hops < 100; hops++) {
      const next = this.aliases.get(current);
      if (next === undefined) break;
      current = next;
    }
    return current;
  }

  /** Identify: an upsert (fields replace, attributes merge, tokens accumulate); with `previous_id`, an alias merge. */
  identify(body: StorableUser, now: number): EmulatedUser {
    const id = body.previous_id === undefined ? this.resolve(body.user_id) : String(body.user_id);
    let user = this.users.get(id) ?? this.newUser(id, now);
    if (body.previous_id !== undefined) {
      const previousId = this.resolve(body.previous_id);
      if (previousId !== id) {
        this.aliases.set(previousId, id);
        this.aliases.delete(id);
      }
      const previous = this.users.get(previousId);
      if (previous && previousId !== id) {
        user = mergeUsers(previous, user);
        this.users.delete(previousId);
      }
      if (previousId !== id && !user.previous_ids.includes(previousId))
        user.previous_ids.push(previousId);
      for (const event of this.events) if (event.user_id === previousId) event.user_id = id;
    }
    for (const field of TOP_LEVEL) {
      const value = body[field];
      if (value !== undefined) user[field] = value;
    }
    for (const platform of PLATFORMS) addTokens(user[platform], body[platform] ?? []);
    mergeInto(user.attributes, body.attributes);
    mergeInto(user.group_attributes, body.group_attributes);
    user.updated_at = now;
    this.users.set(id, user);
    return user;
  }

  /** Track: appends an event. */
  track(
    body: {
      user_id: string | number;
      event: string;
      properties?: Record<string, unknown> | undefined;
      timestamp?: number | undefined;
    },
    now: number,
  ): EmulatedEvent {
    const event: EmulatedEvent = {
      user_id: this.resolve(body.user_id),
      event: body.event,
      properties: body.properties ?? {},
      timestamp: body.timestamp ?? now / 1000,
      received_at: now,
    };
    this.events.push(event);
    return event;
  }

  /** Register: adds a token to the user's list for the platform (creating the user). */
  registerToken(platform: PushPlatform, userId: string | number, token: string, now: number): void {
    const user = this.upsert(userId, now);
    addTokens(user[platform], [token]);
  }

  /** Disable: removes one token, or every token of the platform. */
  disableToken(
    platform: PushPlatform,
    userId: string | number,
    token: string | 'all',
    now: number,
  ): void {
    const user = this.upsert(userId, now);
    user[platform] = token === 'all' ? [] : user[platform].filter((t) => t !== token);
  }

  /** Subscribe or unsubscribe, from everything or from the listed campaigns. */
  setSubscription(
    userId: string | number,
    subscribed: boolean,
    campaignIds: readonly (string | number)[] | 'all',
    now: number,
  ): void {
    const user = this.upsert(userId, now);
    if (campaignIds === 'all') {
      user.unsubscribed_all = !subscribed;
      if (subscribed) user.unsubscribed_campaigns = [];
      return;
    }
    const ids = campaignIds.map(String);
    user.unsubscribed_campaigns = subscribed
      ? user.unsubscribed_campaigns.filter((id) => !ids.includes(id))
      : [...new Set([...user.unsubscribed_campaigns, ...ids])];
  }

  /** Forgets every user and event. */
  clear(): void {
    this.users.clear();
    this.aliases.clear();
    this.events.length = 0;
  }

  private upsert(userId: string | number, now: number): EmulatedUser {
    const id = this.resolve(userId);
    let user = this.users.get(id);
    if (!user) {
      user = this.newUser(id, now);
      this.users.set(id, user);
    }
    user.updated_at = now;
    return user;
  }

  private newUser(id: string, now: number): EmulatedUser {
    return {
      user_id: id,
      apns: [],
      fcm: [],
      gcm: [],
      attributes: {},
      group_attributes: {},
      previous_ids: [],
      unsubscribed_all: false,
      unsubscribed_campaigns: [],
      created_at: now,
      updated_at: now,
    };
  }
}

/** `later` wins on every field it has; lists and attribute maps are combined. */
function mergeUsers(earlier: EmulatedUser, later: EmulatedUser): EmulatedUser {
  const merged: EmulatedUser = { ...earlier, user_id: later.user_id };
  for (const field of TOP_LEVEL) {
    const value = later[field];
    if (value !== undefined) merged[field] = value;
  }
  for (const platform of PLATFORMS) merged[platform] = [...earlier[platform]];
  for (const platform of PLATFORMS) addTokens(merged[platform], later[platform]);
  merged.attributes = {};
  mergeInto(merged.attributes, earlier.attributes);
  mergeInto(merged.attributes, later.attributes);
  merged.group_attributes = {};
  mergeInto(merged.group_attributes, earlier.group_attributes);
  mergeInto(merged.group_attributes, later.group_attributes);
  merged.previous_ids = [...earlier.previous_ids, earlier.user_id, ...later.previous_ids];
  merged.unsubscribed_all = earlier.unsubscribed_all || later.unsubscribed_all;
  merged.unsubscribed_campaigns = [
    ...new Set([...earlier.unsubscribed_campaigns, ...later.unsubscribed_campaigns]),
  ];
  merged.created_at = Math.min(earlier.created_at, later.created_at);
  return merged;
}

function addTokens(list: unknown[], tokens: readonly unknown[]): void {
  for (const token of tokens) if (!list.includes(token)) list.push(token);
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown> | undefined,
): void {
  if (!source) return;
  for (const key of Object.keys(source)) setOwn(target, key, source[key]);
}
