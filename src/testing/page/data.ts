import type { CallDetail, CallSummary } from '../calls';
import { connectErrorResponse } from '../connect-errors';
import { jsonResponse, type PlainResponse } from '../plain-http';
import type { EmulatorState } from '../state';
import type { EmulatedEvent, EmulatedUser } from '../store';
import type { EmulatedWrite } from '../write-log';

/**
 * The debugger page's data: `GET /_emulator/{overview,requests,users,events}` as JSON, each a
 * page of a list with its total (never a silent cap), and the feed's `seq` at that moment, so
 * the page follows the feed from exactly there.
 */

/** The header's counts and what faults are armed. */
export interface Overview {
  seq: number;
  requests: number;
  refused: number;
  users: number;
  events: number;
  faults: string[];
}

export interface RequestsPage {
  seq: number;
  total: number;
  refused: number;
  items: CallSummary[];
}

/** A user as the users list shows it; `profile: false` for an id that has events but was never identified. */
export interface UserRow {
  user_id: string;
  profile: boolean;
  name?: string;
  email?: string;
  events: number;
  previous_ids: string[];
  /** When it was created, or its first event arrived. */
  since: number;
}

export interface UsersPage {
  seq: number;
  total: number;
  matching: number;
  offset: number;
  items: UserRow[];
}

/** An event with its position in `emulator.events`. */
export type NumberedEvent = EmulatedEvent & { n: number };

export interface UserPage {
  seq: number;
  /** The id asked for, when it was merged into this user by an alias. */
  mergedFrom?: string;
  user_id: string;
  user: EmulatedUser | null;
  events: { total: number; items: NumberedEvent[] };
  writes: { total: number; items: EmulatedWrite[] };
}

export interface EventsPage {
  seq: number;
  total: number;
  names: { event: string; count: number; last: number }[];
  name?: string;
  matching: number;
  offset: number;
  items: NumberedEvent[];
  /** Matching events per bucket of `bucketMs`, the first starting at `start`, up to now. */
  timeline: { start: number; bucketMs: number; counts: number[] };
}

/** Answers a debugger data path, or `undefined` when it is not one. */
export function pageData(
  state: EmulatorState,
  path: string,
  params: URLSearchParams,
): PlainResponse | undefined {
  const seq = state.feed.seq;
  const limit = whole(params.get('limit'), 100, 1, 1_000);
  const offset = whole(params.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  if (path === '/_emulator/overview') {
    const overview: Overview = {
      seq,
      requests: state.calls.calls.length,
      refused: state.calls.refused,
      users: state.store.users.size,
      events: state.store.events.length,
      faults: state.faults.describe(),
    };
    return jsonResponse(200, overview);
  }
  if (path === '/_emulator/requests') {
    const before = params.get('before');
    const page: RequestsPage = {
      seq,
      ...state.calls.page({
        refusedOnly: params.get('filter') === 'refused',
        before: before === null ? undefined : whole(before, 0, 0, Number.MAX_SAFE_INTEGER),
        limit,
      }),
    };
    return jsonResponse(200, page);
  }
  const request = /^\/_emulator\/requests\/(\d+)$/.exec(path);
  if (request) {
    const detail: CallDetail | undefined = state.calls.detail(Number(request[1]));
    return detail ? jsonResponse(200, { seq, ...detail }) : notFound(`no request ${request[1]}`);
  }
  if (path === '/_emulator/users')
    return jsonResponse(200, usersPage(state, params, offset, limit));
  if (path.startsWith('/_emulator/users/')) {
    const id = decode(path.slice('/_emulator/users/'.length));
    const page = id === undefined ? undefined : userPage(state, id, limit);
    return page ? jsonResponse(200, page) : notFound(`no user, event or write under ${id}`);
  }
  if (path === '/_emulator/events')
    return jsonResponse(200, eventsPage(state, params, offset, limit));
  return undefined;
}

function usersPage(
  state: EmulatorState,
  params: URLSearchParams,
  offset: number,
  limit: number,
): UsersPage {
  const { users, events } = state.store;
  const counts = new Map<string, { count: number; first: number }>();
  for (const event of events) {
    const seen = counts.get(event.user_id);
    if (seen) seen.count++;
    else counts.set(event.user_id, { count: 1, first: event.received_at });
  }
  const rows: UserRow[] = [];
  for (const user of users.values()) {
    const row: UserRow = {
      user_id: user.user_id,
      profile: true,
      events: counts.get(user.user_id)?.count ?? 0,
      previous_ids: user.previous_ids,
      since: user.created_at,
    };
    const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
    if (name) row.name = name;
    if (user.email !== undefined) row.email = user.email;
    rows.push(row);
  }
  for (const [id, { count, first }] of counts) {
    if (!users.has(id))
      rows.push({ user_id: id, profile: false, events: count, previous_ids: [], since: first });
  }
  const query = (params.get('q') ?? '').trim().toLowerCase();
  const matching = query
    ? rows.filter((row) => {
        const user = users.get(row.user_id);
        return [row.user_id, row.name, row.email, user?.phone_number, ...row.previous_ids].some(
          (value) => value?.toLowerCase().includes(query),
        );
      })
    : rows;
  // Newest first; a stable sort keeps creation order among equal times.
  const sorted = matching
    .map((row, index) => ({ row, index }))
    .sort((a, b) => b.row.since - a.row.since || b.index - a.index)
    .map(({ row }) => row);
  return {
    seq: state.feed.seq,
    total: rows.length,
    matching: matching.length,
    offset,
    items: sorted.slice(offset, offset + limit),
  };
}

function userPage(state: EmulatorState, asked: string, limit: number): UserPage | undefined {
  const id = state.store.resolve(asked);
  const user = state.store.users.get(id) ?? null;
  const all = state.store.events;
  const events: NumberedEvent[] = [];
  all.forEach((event, n) => {
    if (event.user_id === id) events.push({ ...event, n });
  });
  const writes = state.writesOf(id);
  if (!user && events.length === 0 && writes.length === 0) return undefined;
  const page: UserPage = {
    seq: state.feed.seq,
    user_id: id,
    user,
    events: { total: events.length, items: events.slice(0, limit) },
    writes: { total: writes.length, items: writes.slice(0, limit) },
  };
  if (id !== asked) page.mergedFrom = asked;
  return page;
}

function eventsPage(
  state: EmulatorState,
  params: URLSearchParams,
  offset: number,
  limit: number,
): EventsPage {
  const all = state.store.events;
  const names = new Map<string, { event: string; count: number; last: number }>();
  for (const event of all) {
    const entry = names.get(event.event);
    if (entry) {
      entry.count++;
      entry.last = event.received_at;
    } else names.set(event.event, { event: event.event, count: 1, last: event.received_at });
  }
  const name = params.get('name') ?? undefined;
  /** Positions in `all` of the matching events, when filtered by name. */
  const chosen: number[] | undefined = name === undefined ? undefined : [];
  if (chosen)
    all.forEach((event, n) => {
      if (event.event === name) chosen.push(n);
    });
  const matching = chosen?.length ?? all.length;
  const items: NumberedEvent[] = [];
  for (let i = matching - 1 - offset; i >= 0 && items.length < limit; i--) {
    const n = chosen ? (chosen[i] as number) : i;
    items.push({ ...(all[n] as EmulatedEvent), n });
  }
  const times = chosen
    ? chosen.map((n) => (all[n] as EmulatedEvent).received_at)
    : all.map((event) => event.received_at);
  const page: EventsPage = {
    seq: state.feed.seq,
    total: all.length,
    names: [...names.values()].sort((a, b) => b.count - a.count || a.event.localeCompare(b.event)),
    matching,
    offset,
    items,
    timeline: timeline(times, state.now()),
  };
  if (name !== undefined) page.name = name;
  return page;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Bucket sizes a person reads at a glance. */
const BUCKETS = [
  ...[1, 2, 5, 10, 15, 30].map((s) => s * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((m) => m * MINUTE),
  ...[1, 2, 3, 6, 12, 24].map((h) => h * HOUR),
];
const MAX_BARS = 60;

/**
 * Counts per bucket of the times given, from the first to `now`: the smallest readable bucket
 * that fits in 60 bars; with more than 60 days, the last 60.
 */
export function timeline(times: readonly number[], now: number): EventsPage['timeline'] {
  if (times.length === 0) return { start: now, bucketMs: SECOND, counts: [] };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    if (time < first) first = time;
    if (time > last) last = time;
  }
  const end = Math.max(now, last);
  const bucketMs =
    BUCKETS.find((size) => Math.floor(end / size) - Math.floor(first / size) < MAX_BARS) ??
    (BUCKETS[BUCKETS.length - 1] as number);
  const all = Math.floor(end / bucketMs) - Math.floor(first / bucketMs) + 1;
  const bars = Math.min(all, MAX_BARS);
  const start = (Math.floor(end / bucketMs) - bars + 1) * bucketMs;
  const counts = new Array<number>(bars).fill(0);
  for (const time of times) {
    const bar = Math.floor((time - start) / bucketMs);
    if (bar >= 0) counts[bar] = (counts[bar] ?? 0) + 1;
  }
  return { start, bucketMs, counts };
}

function whole(text: string | null, fallback: number, min: number, max: number): number {
  const value = text === null || text === '' ? Number.NaN : Number(text);
  return Number.isInteger(value) ? Math.min(Math.max(value, min), max) : fallback;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function notFound(message: string): PlainResponse {
  return connectErrorResponse(404, message);
}
