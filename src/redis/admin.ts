import type { CallType } from '../delivery/events';
import { entryTime } from './entry';
import { GROUP } from './keys';
import { type RedisQueueOptions, type ResolvedQueue, resolveQueue } from './options';
import { entriesOf } from './redis-calls';
import { REDRIVE } from './scripts';

/** One partition's state. */
export interface PartitionStatus {
  partition: number;
  /** Entries in the stream: not yet acked (waiting, or in flight). */
  depth: number;
  /** Entries read by a worker and not yet acked. */
  inFlight: number;
  /** Entries no worker has read yet. */
  lag: number;
  /** Milliseconds since the oldest entry not yet acked was appended (0 when none). */
  oldestAgeMs: number;
  /** Entries in the partition's dead-letter stream. */
  deadLetters: number;
  /** The worker holding the partition's lease, or null. */
  owner: string | null;
}

/** The state of a Redis queue, as {@link connectRedisStatus} reads it. */
export interface RedisDeliveryStatus {
  partitions: PartitionStatus[];
  /** Sums over the partitions. */
  totals: { depth: number; inFlight: number; lag: number; deadLetters: number };
  /** Live workers and when their heartbeat expires (epoch ms). */
  workers: { id: string; expiresAt: number }[];
  /** Until when (epoch ms, Redis's clock) a 429 paused every worker, or null. */
  pausedUntil: number | null;
}

/** Options of {@link listDeadLetters} and {@link redriveDeadLetters}. */
export interface DeadLetterOptions extends RedisQueueOptions {
  /** Only this partition's dead letters. Default: every partition. */
  partition?: number;
  /** At most this many per partition, oldest first. Default 100. */
  count?: number;
  /** Only these dead letters (ids from {@link listDeadLetters}); with `partition`. Default: all. */
  ids?: readonly string[];
}

/** A message that finally failed, with its error. */
export interface DeadLetter {
  partition: number;
  /** Its id in the dead-letter stream. */
  id: string;
  messageId: string;
  type: CallType;
  /** The endpoint it would have gone to alone, and its wire JSON. */
  path: string;
  json: string;
  /** The Connect user ids it writes. */
  ids: string[];
  error: { name: string; code: string; message: string; status?: number };
  /** When it was dead-lettered, epoch ms. */
  failedAt: number;
}

/** Reads the queue's state. */
export async function readStatus(queue: ResolvedQueue): Promise<RedisDeliveryStatus> {
  const { redis, keys } = queue;
  const pipeline = redis.pipeline();
  for (let p = 0; p < keys.partitions; p++) {
    pipeline.xlen(keys.of(p, 'stream'));
    pipeline.call('XPENDING', keys.of(p, 'stream'), GROUP);
    pipeline.xrange(keys.of(p, 'stream'), '-', '+', 'COUNT', '1');
    pipeline.xlen(keys.of(p, 'dead'));
    pipeline.get(keys.of(p, 'lease'));
  }
  pipeline.zrange(keys.global('workers'), '0', '-1', 'WITHSCORES');
  pipeline.get(keys.global('pause'));
  const replies = ((await pipeline.exec()) ?? []).map(([error, value]) =>
    error ? undefined : value,
  );
  const now = Date.now();
  const partitions: PartitionStatus[] = [];
  for (let p = 0; p < keys.partitions; p++) {
    const [depth, pending, oldest, dead, lease] = replies.slice(p * 5, p * 5 + 5);
    const first = entriesOf(oldest)[0];
    const inFlight = Number((pending as unknown[] | undefined)?.[0] ?? 0);
    partitions.push({
      partition: p,
      depth: Number(depth ?? 0),
      inFlight,
      // Acked entries are deleted, so what the stream holds beyond the pending ones is unread.
      lag: Math.max(0, Number(depth ?? 0) - inFlight),
      oldestAgeMs: first ? Math.max(0, now - entryTime(first.id)) : 0,
      deadLetters: Number(dead ?? 0),
      owner: typeof lease === 'string' ? lease.slice(0, lease.lastIndexOf('#')) : null,
    });
  }
  const flat = (replies[keys.partitions * 5] as string[] | undefined) ?? [];
  const workers: { id: string; expiresAt: number }[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) {
    workers.push({ id: String(flat[index]), expiresAt: Number(flat[index + 1]) });
  }
  const paused = Number(replies[keys.partitions * 5 + 1] ?? 0);
  const totals = { depth: 0, inFlight: 0, lag: 0, deadLetters: 0 };
  for (const p of partitions) {
    totals.depth += p.depth;
    totals.inFlight += p.inFlight;
    totals.lag += p.lag;
    totals.deadLetters += p.deadLetters;
  }
  return { partitions, totals, workers, pausedUntil: paused > 0 ? paused : null };
}

/**
 * Reads a Redis queue's state without running a worker: per partition its depth, in-flight
 * entries, lag, dead letters and holder; the live workers; the shared pause. The CLI's
 * `connect-redis status` prints it.
 *
 * @example
 * ```ts
 * const status = await connectRedisStatus({ redis });
 * console.log(status.totals); // { depth: 0, inFlight: 0, lag: 0, deadLetters: 1 }
 * ```
 */
export function connectRedisStatus(options: RedisQueueOptions): Promise<RedisDeliveryStatus> {
  return readStatus(resolveQueue('connectRedisStatus', options));
}

function partitionsOf(call: string, queue: ResolvedQueue, options: DeadLetterOptions): number[] {
  const all = Array.from({ length: queue.keys.partitions }, (_, p) => p);
  if (options.partition === undefined) return all;
  if (!all.includes(options.partition)) {
    throw new RangeError(`${call}: partition must be from 0 to ${queue.keys.partitions - 1}`);
  }
  return [options.partition];
}

/**
 * Lists dead letters (messages that finally failed), oldest first, with their errors.
 *
 * @example
 * ```ts
 * for (const letter of await listDeadLetters({ redis })) {
 *   console.log(letter.partition, letter.id, letter.type, letter.error.message);
 * }
 * ```
 */
export async function listDeadLetters(options: DeadLetterOptions): Promise<DeadLetter[]> {
  const queue = resolveQueue('listDeadLetters', options);
  const letters: DeadLetter[] = [];
  for (const partition of partitionsOf('listDeadLetters', queue, options)) {
    const key = queue.keys.of(partition, 'dead');
    const raw = options.ids
      ? (await Promise.all(options.ids.map((id) => queue.redis.xrange(key, id, id)))).flat()
      : await queue.redis.xrange(key, '-', '+', 'COUNT', String(options.count ?? 100));
    for (const { id, fields } of entriesOf(raw)) {
      let ids: string[] = [];
      try {
        ids = JSON.parse(fields.i ?? '[]');
      } catch {
        // An unreadable entry dead-lettered as it was.
      }
      const status = Number(fields['err.status']);
      letters.push({
        partition,
        id,
        messageId: fields.mid ?? '',
        type: fields.t as CallType,
        path: fields.p ?? '',
        json: fields.j ?? '',
        ids,
        error: {
          name: fields['err.name'] ?? 'ConnectError',
          code: fields['err.code'] ?? 'connect_error',
          message: fields['err.message'] ?? '',
          ...(Number.isFinite(status) ? { status } : {}),
        },
        failedAt: Number(fields['err.at'] ?? entryTime(id)),
      });
    }
  }
  return letters;
}

/**
 * Sends dead letters again: moves them (all, a partition's, or the listed `ids`) back to their
 * partition's stream, at its end, where workers pick them up like new messages. Answers how
 * many were moved.
 *
 * @example
 * ```ts
 * const moved = await redriveDeadLetters({ redis, partition: 3 });
 * ```
 */
export async function redriveDeadLetters(options: DeadLetterOptions): Promise<number> {
  const queue = resolveQueue('redriveDeadLetters', options);
  let moved = 0;
  for (const partition of partitionsOf('redriveDeadLetters', queue, options)) {
    const dead = queue.keys.of(partition, 'dead');
    let ids = options.ids ? [...options.ids] : undefined;
    for (;;) {
      ids ??= entriesOf(
        await queue.redis.xrange(dead, '-', '+', 'COUNT', String(options.count ?? 100)),
      ).map((entry) => entry.id);
      if (ids.length === 0) break;
      moved += Number(
        await REDRIVE.run(queue.redis, [dead, queue.keys.of(partition, 'stream')], ids),
      );
      if (options.ids || options.count !== undefined) break;
      ids = undefined;
    }
  }
  return moved;
}
