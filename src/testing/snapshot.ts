import type { EmulatedEvent, EmulatedUser } from './store';

/** What `GET /_emulator/state` answers and `emulator.snapshot()` returns. */
export interface EmulatorSnapshot {
  /** Every user, by id order of creation. */
  users: EmulatedUser[];
  /** Events received in the last 24 hours, oldest first. */
  events: EmulatedEvent[];
  /** How many times each event name was received in the last 24 hours, most frequent first. */
  eventCounts: { event: string; count: number }[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The snapshot of users and of the last 24 hours of events at `now`, as Connect's Events page
 * counts them.
 *
 * @example
 * ```ts
 * const { eventCounts } = snapshotOf(emulator.users.values(), emulator.events, Date.now());
 * ```
 */
export function snapshotOf(
  users: Iterable<EmulatedUser>,
  events: readonly EmulatedEvent[],
  now: number,
): EmulatorSnapshot {
  const recent = events.filter((event) => now - event.received_at < DAY_MS);
  const counts = new Map<string, number>();
  for (const { event } of recent) counts.set(event, (counts.get(event) ?? 0) + 1);
  return {
    users: [...users],
    events: recent,
    eventCounts: [...counts]
      .map(([event, count]) => ({ event, count }))
      .sort((a, b) => b.count - a.count || a.event.localeCompare(b.event)),
  };
}
