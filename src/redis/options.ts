import { invalid } from '../schemas/parse';
import { Keys } from './keys';
import type { RedisClient } from './redis-calls';

/** What the producer, the workers and the admin calls share: where the queue lives in Redis. */
export interface RedisQueueOptions {
  /**
   * The ioredis client (a `Redis` or a `Cluster`) to use. The application owns it: the door never
   * closes it. Workers open a few more connections with `redis.duplicate()` for blocking reads.
   */
  redis: RedisClient;
  /** The prefix of every key, so several deployments can share a Redis. Default `'zc'`. */
  prefix?: string;
  /**
   * How many partitions (streams) messages are spread over; fixed for the life of the queue
   * (the first producer or worker records it and the others must agree). Default 16.
   */
  partitions?: number;
}

/** The options as the door uses them. */
export interface ResolvedQueue {
  redis: RedisClient;
  keys: Keys;
}

const DEFAULT_PARTITIONS = 16;

/** Checks the shared options; throws ValidationError naming the field. */
export function resolveQueue(call: string, options: RedisQueueOptions): ResolvedQueue {
  if (typeof options !== 'object' || options === null) {
    throw invalid(call, '', 'takes an options object ({ redis, … })');
  }
  const { redis } = options;
  if (
    typeof redis !== 'object' ||
    redis === null ||
    typeof (redis as { evalsha?: unknown }).evalsha !== 'function'
  ) {
    throw invalid(call, 'redis', 'must be an ioredis client (new Redis(…) or new Cluster(…))');
  }
  const prefix = options.prefix ?? 'zc';
  if (typeof prefix !== 'string' || !/^[\w.-]{1,64}$/.test(prefix)) {
    throw invalid(call, 'prefix', 'must be 1–64 letters, digits, dots, dashes or underscores');
  }
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) {
    throw invalid(call, 'partitions', 'must be a whole number from 1 to 1024');
  }
  return { redis, keys: new Keys(prefix, partitions) };
}

/** A whole number option within bounds, or its default. */
export function wholeOption(
  call: string,
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(call, name, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * Records the partition count on first use and refuses a different one later: a producer and
 * a worker that disagree would put a user's messages in two partitions.
 */
export async function checkSettings(queue: ResolvedQueue): Promise<void> {
  const key = queue.keys.global('settings');
  await queue.redis.hsetnx(key, 'partitions', String(queue.keys.partitions));
  const recorded = Number(await queue.redis.hget(key, 'partitions'));
  if (recorded !== queue.keys.partitions) {
    throw invalid(
      'zendesk-connect/redis',
      'partitions',
      `is ${queue.keys.partitions}, but the queue under prefix '${queue.keys.prefix}' has ${recorded} partitions: use ${recorded}, or another prefix`,
    );
  }
}
