import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type ConnectClientOptions,
  type ConnectLogger,
  resolveClientOptions,
} from '../client-options';
import { type ConnectClientEvents, Emitter } from '../delivery/events';
import { invalid } from '../schemas/parse';
import { type RedisDeliveryStatus, readStatus } from './admin';
import { GROUP, partitionOf } from './keys';
import { SharedLimits } from './limiter';
import {
  checkSettings,
  type RedisQueueOptions,
  type ResolvedQueue,
  resolveQueue,
  wholeOption,
} from './options';
import { type PartitionContext, PartitionRunner } from './partition';
import { isBusyGroup } from './redis-calls';
import { ACQUIRE, RENEW } from './scripts';
import type { WorkerEvents, WorkerOnlyEvents } from './worker-events';

/** The Connect options a worker takes, as `ConnectClient` takes them (same defaults). */
type ConnectDeliveryOptions = Pick<
  ConnectClientOptions,
  | 'apiKey'
  | 'baseUrl'
  | 'fetch'
  | 'timeout'
  | 'maxRetries'
  | 'retry'
  | 'maxBatchSize'
  | 'maxBatchBytes'
  | 'aliasMemory'
  | 'flushInterval'
  | 'maxConcurrentRequests'
  | 'logger'
>;

/**
 * Options of {@link createConnectWorker}. The Connect options mean what they mean for
 * `ConnectClient`, with its defaults; `maxConcurrentRequests` and `flushInterval` apply per
 * partition.
 */
export interface ConnectWorkerOptions extends RedisQueueOptions, ConnectDeliveryOptions {
  /** Requests per second to Connect, shared by every worker of the prefix. Default: no limit. */
  maxRequestsPerSecond?: number;
  /** Requests in flight to Connect at once, shared by every worker of the prefix. Default: no limit. */
  maxRequestsInFlight?: number;
  /**
   * How long a partition's lease lasts without renewal, in ms: a crashed worker's partitions are
   * taken over after it. At least twice `timeout` (no attempt starts unless the lease outlasts
   * it). Default 30,000.
   */
  leaseTtl?: number;
  /** Entries read from a stream at a time. Default 500. */
  readCount?: number;
  /** Entries a partition holds (read, not yet acked) before it stops reading. Default 5,000. */
  maxEntriesInHand?: number;
  /** The most partitions this worker works at once. Default: its fair share of the live workers. */
  maxPartitions?: number;
  /** This worker's name in Redis (its consumer name and lease holder). Default: host, pid and a random suffix. */
  workerId?: string;
}

/** How a worker's messages ended, as {@link ConnectWorker.close} reports them. */
export interface WorkerReport {
  /** Accepted by Connect, and acked. */
  delivered: number;
  /** Finally failed, moved to a dead-letter stream, and acked. */
  deadLettered: number;
}

/** Options of {@link ConnectWorker.close}. */
export interface WorkerCloseOptions {
  /** Milliseconds to deliver what is in hand before leaving it to the next worker. Default 10 s. */
  timeout?: number;
}

/** Alias progress keys outlive any sane outage of a partition's workers. */
const ALIAS_TTL = 7 * 24 * 3600 * 1000;

/**
 * Delivers what producers queued in Redis: takes a fair share of the partitions (a lease each),
 * and delivers each with `ConnectClient`'s engine (batching, byte limits, retries, order per
 * user), acking an entry once its message was accepted or finally failed (then dead-lettered).
 * A crashed worker's partitions are taken over when their leases expire. Made by
 * {@link createConnectWorker}.
 *
 * @example
 * ```ts
 * const worker: ConnectWorker = createConnectWorker({ redis, apiKey: env.CONNECT_API_KEY });
 * await worker.ready();
 * console.info(`${worker.id} holds partitions ${worker.partitions.join(', ')}`);
 * ```
 */
export class ConnectWorker {
  /** The worker's name in Redis. */
  readonly id: string;
  private readonly queue: ResolvedQueue;
  private readonly ctx: PartitionContext;
  private readonly emitter: Emitter;
  private readonly own = new Map<keyof WorkerOnlyEvents, Set<(payload: never) => void>>();
  private readonly runners = new Map<number, PartitionRunner>();
  private readonly leaseTtl: number;
  private readonly maxPartitions: number;
  private readonly logger: ConnectLogger | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticking: Promise<void> | undefined;
  private closing: Promise<WorkerReport> | undefined;
  private readonly started: Promise<void>;

  /** @throws {ValidationError} when an option is invalid, naming it (never echoing the key). */
  constructor(options: ConnectWorkerOptions) {
    const call = 'createConnectWorker';
    this.queue = resolveQueue(call, options);
    const picked: Record<string, unknown> = {};
    for (const name of [
      'apiKey',
      'baseUrl',
      'fetch',
      'timeout',
      'maxRetries',
      'retry',
      'maxBatchSize',
      'maxBatchBytes',
      'aliasMemory',
      'flushInterval',
      'maxConcurrentRequests',
      'logger',
    ] as const) {
      if (options[name] !== undefined) picked[name] = options[name];
    }
    // ConnectClient's own checks and defaults (its messages name ConnectClient's options).
    const resolved = resolveClientOptions(picked as unknown as ConnectClientOptions, {
      fetch: globalThis.fetch?.bind(globalThis),
      isBrowser: false,
    });
    const { timeout, retry, fetch } = resolved;
    this.leaseTtl = wholeOption(call, 'leaseTtl', options.leaseTtl, 30_000, 100);
    if (this.leaseTtl < 2 * timeout) {
      throw invalid(
        call,
        'leaseTtl',
        `must be at least twice timeout (${timeout} ms): no attempt starts unless the lease outlasts it`,
      );
    }
    const { partitions } = this.queue.keys;
    this.maxPartitions = wholeOption(
      call,
      'maxPartitions',
      options.maxPartitions,
      partitions,
      1,
      partitions,
    );
    this.id = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    if (typeof this.id !== 'string' || this.id === '' || this.id.includes('#')) {
      throw invalid(call, 'workerId', 'must be a non-empty string without #');
    }
    this.logger = resolved.logger || undefined;
    this.emitter = new Emitter((error) =>
      this.logger?.error?.('zendesk-connect: an event listener threw', { error }),
    );
    const limits = new SharedLimits({
      redis: this.queue.redis,
      keys: this.queue.keys,
      maxRequestsPerSecond: wholeOption(
        call,
        'maxRequestsPerSecond',
        options.maxRequestsPerSecond,
        0,
        1,
      ),
      maxRequestsInFlight: wholeOption(
        call,
        'maxRequestsInFlight',
        options.maxRequestsInFlight,
        0,
        1,
      ),
      slotTtl: timeout + 5_000,
      maxRetryAfter: retry.maxRetryAfter,
      rateMargin: 250,
    });
    this.ctx = {
      redis: this.queue.redis,
      keys: this.queue.keys,
      workerId: this.id,
      emitter: this.emitter,
      emit: (event, payload) => this.emitOwn(event, payload),
      limits,
      fetch: limits.active ? limits.wrap(fetch) : fetch,
      apiKey: resolved.apiKey,
      baseUrl: resolved.baseUrl,
      timeout,
      retry,
      maxBatchSize: resolved.maxBatchSize,
      maxBatchBytes: resolved.maxBatchBytes,
      aliasMemory: resolved.aliasMemory,
      flushInterval: resolved.flushInterval,
      maxConcurrentRequests: resolved.maxConcurrentRequests,
      readCount: wholeOption(call, 'readCount', options.readCount, 500, 1, 10_000),
      maxEntriesInHand: wholeOption(call, 'maxEntriesInHand', options.maxEntriesInHand, 5_000, 1),
      blockMs: Math.min(1_000, Math.floor(this.leaseTtl / 3)),
      aliasTtl: ALIAS_TTL,
      counts: { delivered: 0, deadLettered: 0 },
    };
    if (this.logger) this.forwardToLogger(this.logger);
    this.started = this.start();
    this.started.catch(() => {});
  }

  /**
   * Listens to an event: `ConnectClient`'s (`request`, `response`, `retry`, `delivered`,
   * `error`, `drop`) and the worker's own (`partition`, `deadLetter`). Returns the function that
   * stops listening.
   *
   * @example
   * ```ts
   * worker.on('deadLetter', ({ partition, messageId, error }) => console.error(partition, messageId, error.message));
   * worker.on('partition', ({ partition, event }) => console.info(`partition ${partition} ${event}`));
   * ```
   */
  on<E extends keyof WorkerEvents>(
    event: E,
    listener: (payload: WorkerEvents[E]) => void,
  ): () => void {
    if (event === 'partition' || event === 'deadLetter') {
      return this.onOwn(event as keyof WorkerOnlyEvents, listener as never);
    }
    return this.emitter.on(event as keyof ConnectClientEvents, listener as never);
  }

  private onOwn<E extends keyof WorkerOnlyEvents>(
    event: E,
    listener: (payload: WorkerOnlyEvents[E]) => void,
  ): () => void {
    let set = this.own.get(event);
    if (!set) {
      set = new Set();
      this.own.set(event, set);
    }
    const stored = listener as (payload: never) => void;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  }

  /** The partitions this worker holds now. */
  get partitions(): number[] {
    return [...this.runners.entries()]
      .filter(([, runner]) => runner.state === 'running')
      .map(([partition]) => partition)
      .sort((a, b) => a - b);
  }

  /** Resolves once the worker is registered and has made its first round of leases. */
  ready(): Promise<void> {
    return this.started;
  }

  /**
   * The queue's state: per partition its depth, entries in flight, lag, dead letters and holder;
   * the live workers; the shared pause.
   *
   * @example
   * ```ts
   * const { partitions } = await worker.status();
   * for (const p of partitions) console.log(p.partition, p.depth, p.inFlight, p.deadLetters, p.owner);
   * ```
   */
  status(): Promise<RedisDeliveryStatus> {
    return readStatus(this.queue);
  }

  /**
   * Stops taking partitions, delivers what each holds by the deadline, acks it and gives the
   * leases up. What is not delivered by then stays in Redis, pending, for the next worker (its
   * leases are left to expire, so nothing of this worker can land after the next one's sends).
   * Calling it again returns the same promise.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', async () => {
   *   const { delivered, deadLettered } = await worker.close({ timeout: 20_000 });
   *   console.info(`worker stopped: ${delivered} delivered, ${deadLettered} dead-lettered`);
   * });
   * ```
   */
  close(options: WorkerCloseOptions = {}): Promise<WorkerReport> {
    const timeout = wholeOption('close', 'timeout', options.timeout, 10_000, 0, 2_147_483_647);
    this.closing ??= this.shutDown(timeout);
    return this.closing;
  }

  private async shutDown(timeout: number): Promise<WorkerReport> {
    const deadline = Date.now() + timeout;
    await this.started.catch(() => {});
    await this.ticking;
    await Promise.all([...this.runners.values()].map((runner) => runner.drain(deadline)));
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.queue.redis.zrem(this.queue.keys.global('workers'), this.id).catch(() => {});
    return { ...this.ctx.counts };
  }

  /** Registers the consumer groups, then starts the rounds; retried while Redis cannot be reached. */
  private async start(): Promise<void> {
    for (;;) {
      try {
        await this.prepare();
        break;
      } catch (error) {
        if (this.closing || (error as { code?: string })?.code === 'validation_error') throw error;
        this.logger?.error?.('zendesk-connect: the worker could not reach Redis; trying again', {
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    await this.tick();
  }

  private async prepare(): Promise<void> {
    const { redis, keys } = this.queue;
    await checkSettings(this.queue);
    await Promise.all(
      Array.from({ length: keys.partitions }, (_, p) =>
        redis
          .xgroup('CREATE', keys.of(p, 'stream'), GROUP, '0', 'MKSTREAM')
          .catch((error: unknown) => {
            if (!isBusyGroup(error)) throw error;
          }),
      ),
    );
  }

  /** Heartbeat, lease renewals, then a fair share of the partitions. */
  private tick(): Promise<void> {
    this.ticking = this.round()
      .catch((error: unknown) => {
        this.logger?.error?.('zendesk-connect: a worker round failed', { error });
      })
      .finally(() => {
        this.ticking = undefined;
        if (this.closing && this.runners.size === 0) return;
        this.timer = setTimeout(
          () => void this.tick(),
          Math.max(50, Math.floor(this.leaseTtl / 3)),
        );
        this.timer.unref?.();
      });
    return this.ticking;
  }

  private async round(): Promise<void> {
    const { redis, keys } = this.queue;
    const started = Date.now();
    const workers = keys.global('workers');
    await redis.zadd(workers, started + this.leaseTtl, this.id);
    await redis.zremrangebyscore(workers, '-inf', started);
    const live = Math.max(1, await redis.zcard(workers));
    for (const [partition, runner] of this.runners) {
      if (runner.state !== 'running' && runner.state !== 'draining') continue;
      const kept = await RENEW.run(
        redis,
        [keys.of(partition, 'lease')],
        [runner.token, this.leaseTtl],
      ).catch(() => 0);
      if (kept === 1) runner.validUntil = started + this.leaseTtl;
      else runner.fence('lease lost: it expired before it was renewed');
    }
    if (this.closing) return;
    const share = Math.min(this.maxPartitions, Math.ceil(keys.partitions / live));
    const running = [...this.runners.values()].filter((runner) => runner.state === 'running');
    const draining = [...this.runners.values()].some((runner) => runner.state === 'draining');
    if (running.length > share && !draining) {
      // Too many for a fair share: drain the extra ones and give them up.
      for (const runner of running.slice(share)) void runner.drain(Date.now() + this.leaseTtl / 2);
      return;
    }
    const offset = partitionOf(this.id, keys.partitions);
    for (let index = 0; index < keys.partitions && this.runners.size < share; index++) {
      const partition = (offset + index) % keys.partitions;
      if (this.runners.has(partition)) continue;
      const token = (await ACQUIRE.run(
        redis,
        [keys.of(partition, 'lease'), keys.of(partition, 'epoch')],
        [this.id, this.leaseTtl],
      )) as string | null;
      if (!token) continue;
      const runner = new PartitionRunner(this.ctx, partition, token, started + this.leaseTtl);
      this.runners.set(partition, runner);
      void runner.finished.then(() => {
        if (this.runners.get(partition) === runner) this.runners.delete(partition);
      });
      this.emitOwn('partition', { partition, event: 'acquired' });
      void runner.run();
    }
  }

  private emitOwn<E extends keyof WorkerOnlyEvents>(event: E, payload: WorkerOnlyEvents[E]): void {
    for (const listener of this.own.get(event) ?? []) {
      try {
        (listener as (payload: WorkerOnlyEvents[E]) => void)(payload);
      } catch (error) {
        try {
          this.logger?.error?.('zendesk-connect: an event listener threw', { error });
        } catch {
          // Nowhere left to report to.
        }
      }
    }
  }

  private forwardToLogger(logger: ConnectLogger): void {
    this.emitter.on('retry', ({ path, retryCount, error }) =>
      logger.debug?.(
        `zendesk-connect: retrying POST ${path} (retry ${retryCount}): ${error.message}`,
      ),
    );
    this.onOwn('deadLetter', ({ partition, entryId, messageId, type, error }) =>
      logger.error?.(`zendesk-connect: ${type} dead-lettered: ${error.message}`, {
        partition,
        entryId,
        messageId,
        code: error.code,
      }),
    );
    this.onOwn('partition', ({ partition, event, reason }) => {
      const line = `zendesk-connect: partition ${partition} ${event}${reason ? ` (${reason})` : ''}`;
      if (event === 'lost') logger.warn?.(line);
      else logger.info?.(line);
    });
  }
}

/**
 * Starts a worker of the Redis door: it takes a fair share of the partitions and delivers their
 * messages with `ConnectClient`'s engine, acking each once Connect accepted it or it finally
 * failed (then it goes to a dead-letter stream). Run as many as you like: each partition is
 * worked by one worker at a time.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createConnectWorker } from 'zendesk-connect/redis';
 *
 * const worker = createConnectWorker({
 *   redis: new Redis(process.env.REDIS_URL),
 *   apiKey: process.env.CONNECT_API_KEY!,
 *   maxRequestsPerSecond: 50, // account-wide, shared by every worker
 * });
 * process.once('SIGTERM', () => void worker.close());
 * ```
 */
export function createConnectWorker(options: ConnectWorkerOptions): ConnectWorker {
  return new ConnectWorker(options);
}
