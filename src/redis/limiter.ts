import { randomUUID } from 'node:crypto';
import { retryAfterOf } from '../delivery/retry-policy';
import type { FetchLike } from '../delivery/transport';
import type { Keys } from './keys';
import type { RedisClient } from './redis-calls';
import { PAUSE, PERMIT } from './scripts';

/** What the shared limiter needs. */
export interface SharedLimitsOptions {
  redis: RedisClient;
  keys: Keys;
  /** Requests per second, account-wide; 0 for no limit. */
  maxRequestsPerSecond: number;
  /** Requests in flight at once, account-wide; 0 for no limit. */
  maxRequestsInFlight: number;
  /** How long a crashed worker's slot is held before it frees itself: the request timeout and more. */
  slotTtl: number;
  /** The longest Retry-After honoured. */
  maxRetryAfter: number;
  /** Extra milliseconds on the rate window, so arrivals never bunch past the limit. */
  rateMargin: number;
}

/**
 * Limits every worker of an account together, in Redis: a permit per attempt (a rate window,
 * a count of requests in flight, and a pause a 429's Retry-After sets for everyone). The engine
 * is unchanged: `permit()` is the transport's `beforeAttempt`, and `wrap(fetch)` frees the slot
 * and reports 429s.
 */
export class SharedLimits {
  /** Slots granted to attempts that have not called fetch yet, oldest first. */
  private readonly granted: string[] = [];

  constructor(private readonly options: SharedLimitsOptions) {}

  get active(): boolean {
    return this.options.maxRequestsPerSecond > 0 || this.options.maxRequestsInFlight > 0;
  }

  /** Waits for a permit; rejects when `stopped()` turns true or Redis fails. */
  async permit(stopped: () => boolean): Promise<void> {
    const { redis, keys, maxRequestsPerSecond, maxRequestsInFlight, slotTtl, rateMargin } =
      this.options;
    for (;;) {
      if (stopped()) throw new Error('stopped');
      const token = randomUUID();
      const asked = performance.now();
      const wait = Number(
        await PERMIT.run(
          redis,
          [keys.global('rate'), keys.global('slots'), keys.global('pause'), keys.global('pace')],
          [maxRequestsPerSecond, 1_000 + rateMargin, maxRequestsInFlight, slotTtl, token],
        ),
      );
      if (wait === 0) {
        if (performance.now() - asked <= rateMargin / 2) {
          if (maxRequestsInFlight > 0) this.granted.push(token);
          return;
        }
        // The answer came late (this process or Redis was starved): used now, the request would
        // leave long after its grant and bunch up with later ones. It is dropped; the rate only
        // errs low.
        if (maxRequestsInFlight > 0) void redis.zrem(keys.global('slots'), token).catch(() => {});
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 250)));
    }
  }

  /** The fetch the workers' transports call: frees the attempt's slot, and turns a 429 into a pause for all. */
  wrap(fetch: FetchLike): FetchLike {
    const { redis, keys, maxRequestsInFlight, maxRetryAfter } = this.options;
    return async (url, init) => {
      const slot = maxRequestsInFlight > 0 ? this.granted.shift() : undefined;
      try {
        const response = await fetch(url, init);
        if (response.status === 429) {
          const ms = retryAfterOf(response.headers.get('retry-after'));
          if (ms !== undefined && ms > 0) {
            await PAUSE.run(redis, [keys.global('pause')], [Math.min(ms, maxRetryAfter)]).catch(
              () => {},
            );
          }
        }
        return response;
      } finally {
        if (slot) void redis.zrem(keys.global('slots'), slot).catch(() => {});
      }
    };
  }
}
