import { BadRequestError, ClientClosedError, type ConnectError, QueueFullError } from '../errors';
import type { MappingWarning } from '../schemas/warning';
import type { CallType, DropReason, Emitter } from './events';
import { Fifo } from './fifo';
import type { SendResult } from './transport';

/** Coalesces messages into batches, bounds and orders them, and settles each exactly once. */

/**
 * Which requests a message can share: users (identify, alias, group) go to the identify batch
 * endpoint, events (track) to the track batch endpoint; the rest are sent alone.
 */
export type Lane = 'users' | 'events' | 'direct';

/** What a settled call resolves with. */
export interface DeliveryResult {
  /** The message's id: the call's `messageId`, or a UUID the client made. */
  messageId: string;
  /** HTTP attempts that carried it (0 when `beforeSend` dropped it). */
  attempts: number;
  /** What the mapping warned about. */
  warnings: MappingWarning[];
}

/** Counts of how every message ended, as `close()` reports them. */
export interface DeliveryReport {
  delivered: number;
  failed: number;
  dropped: number;
}

/** A message waiting or in flight. */
export interface QueuedMessage {
  messageId: string;
  type: CallType;
  lane: Lane;
  /** The single endpoint, for a request of this message alone. */
  path: string;
  body: unknown;
  warnings: MappingWarning[];
}

/** A queued message with its settlement; a class so every entry has one shape. */
class Entry {
  attempts = 0;
  settled = false;
  /** Set right after construction: the promise the caller holds. */
  promise!: Promise<DeliveryResult>;

  constructor(
    readonly message: QueuedMessage,
    /** Enqueue order, 1-based: what flush waiters compare against. */
    readonly seq: number,
    readonly resolve: (result: DeliveryResult) => void,
    readonly reject: (error: ConnectError) => void,
  ) {}
}

interface FlushWaiter {
  /** The last message this flush waits for. */
  upTo: number;
  /** Messages up to `upTo` not yet settled. */
  remaining: number;
  resolve(): void;
}

/** What {@link DeliveryQueue} needs. */
export interface DeliveryQueueOptions {
  maxBatchSize: number;
  flushInterval: number;
  maxQueueSize: number;
  maxConcurrentRequests: number;
  send(path: string, body: unknown): Promise<SendResult>;
  emitter: Emitter;
}

const BATCH_PATHS: Record<Exclude<Lane, 'direct'>, string> = {
  users: '/v2/identify/batch',
  events: '/v2/track/batch',
};

/** The delivery engine behind `ConnectClient`. */
export class DeliveryQueue {
  private readonly lanes: Record<Lane, Fifo<Entry>> = {
    users: new Fifo(),
    direct: new Fifo(),
    events: new Fifo(),
  };
  /** Batches on the wire, for `abandon()`. */
  private readonly inFlightBatches = new Set<Entry[]>();
  private unsettledCount = 0;
  private inFlight = 0;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private lingerExpired = false;
  private waiters: FlushWaiter[] = [];
  private sharedFlush: { promise: Promise<void>; coversUpTo: number } | undefined;
  private enqueued = 0;
  private readonly counts: DeliveryReport = { delivered: 0, failed: 0, dropped: 0 };
  /** The settle functions of the promise made last: one shared executor, no closure per call. */
  private lastResolve: (result: DeliveryResult) => void = noop;
  private lastReject: (error: ConnectError) => void = noop;
  private readonly captureSettlers = (
    resolve: (result: DeliveryResult) => void,
    reject: (error: ConnectError) => void,
  ) => {
    this.lastResolve = resolve;
    this.lastReject = reject;
  };

  constructor(private readonly options: DeliveryQueueOptions) {}

  /** How every message so far has ended. */
  report(): DeliveryReport {
    return { ...this.counts };
  }

  /** Messages waiting or in flight. */
  get size(): number {
    return this.unsettledCount;
  }

  /**
   * Queues a message; its promise settles when Connect accepted it or it finally failed. A
   * rejected promise is always marked handled, so ignoring it is safe.
   */
  enqueue(message: QueuedMessage): Promise<DeliveryResult> {
    if (this.unsettledCount >= this.options.maxQueueSize) {
      const error = new QueueFullError(
        `${message.type}: the queue holds ${this.options.maxQueueSize} messages (maxQueueSize); the call was dropped`,
      );
      this.recordDrop(message, 'queue_full', error);
      const refused = Promise.reject(error);
      refused.catch(noop);
      return refused;
    }
    const promise = new Promise<DeliveryResult>(this.captureSettlers);
    const entry = new Entry(message, ++this.enqueued, this.lastResolve, this.lastReject);
    entry.promise = promise;
    const lane = this.lanes[message.lane];
    lane.push(entry);
    this.unsettledCount++;
    if (lane.length >= this.options.maxBatchSize) this.dispatch();
    else this.armLinger();
    return promise;
  }

  /** Counts a message dropped before it was queued, and reports it. */
  recordDrop(
    message: Pick<QueuedMessage, 'messageId' | 'type'>,
    reason: DropReason,
    error?: ConnectError,
  ): void {
    this.counts.dropped++;
    this.options.emitter.emit('drop', {
      reason,
      messageId: message.messageId,
      type: message.type,
      ...(error ? { error } : {}),
    });
  }

  /**
   * Sends everything queued now, without waiting out the linger, and resolves when every
   * message queued before the call has settled. Concurrent calls share one promise.
   */
  flush(): Promise<void> {
    if (this.sharedFlush && this.sharedFlush.coversUpTo === this.enqueued)
      return this.sharedFlush.promise;
    if (this.unsettledCount === 0) return Promise.resolve();
    // Every unsettled message was enqueued before now, so all of them are this flush's to wait for.
    const promise = new Promise<void>((resolve) => {
      this.waiters.push({ upTo: this.enqueued, remaining: this.unsettledCount, resolve });
    });
    const shared = { promise, coversUpTo: this.enqueued };
    this.sharedFlush = shared;
    void promise.then(() => {
      if (this.sharedFlush === shared) this.sharedFlush = undefined;
    });
    this.dispatch();
    return promise;
  }

  /**
   * Ends every unsettled message now: queued ones are dropped, in-flight ones fail, both with
   * `ClientClosedError`. For `close()` past its deadline.
   */
  abandon(): void {
    this.clearLinger();
    for (const lane of Object.values(this.lanes)) {
      for (const entry of lane.drain()) {
        const { type } = entry.message;
        const error = new ClientClosedError(
          `${type}: the client was closed before the message was sent`,
        );
        this.recordDrop(entry.message, 'closed', error);
        this.reject(entry, error);
      }
    }
    for (const batch of [...this.inFlightBatches]) {
      for (const entry of batch) {
        const { type } = entry.message;
        this.fail(
          entry,
          new ClientClosedError(`${type}: the client was closed before Connect answered`),
        );
      }
    }
  }

  private armLinger(): void {
    if (this.lingerTimer !== undefined || this.lingerExpired) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.lingerExpired = true;
      this.dispatch();
    }, this.options.flushInterval);
  }

  private clearLinger(): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  private dispatch(): void {
    while (this.inFlight < this.options.maxConcurrentRequests) {
      const batch = this.takeBatch(this.lingerExpired || this.waiters.length > 0);
      if (!batch) break;
      this.inFlight++;
      this.inFlightBatches.add(batch);
      void this.sendBatch(batch).finally(() => {
        this.inFlight--;
        this.inFlightBatches.delete(batch);
        this.dispatch();
      });
    }
    const queued = this.lanes.users.length + this.lanes.direct.length + this.lanes.events.length;
    if (queued === 0) {
      this.lingerExpired = false;
      this.clearLinger();
    } else if (!this.lingerExpired) {
      this.armLinger();
    }
  }

  /**
   * The next request's messages: full batches first; partial ones too once they may go. Users
   * before events, except that an alias waits until every event queued before it has settled:
   * Connect moves the earlier user's events when it merges, so an event that arrived after the
   * alias would stay behind on the old id.
   */
  private takeBatch(partialAllowed: boolean): Entry[] | undefined {
    const { maxBatchSize } = this.options;
    const users = this.usersReady(maxBatchSize);
    if (users >= maxBatchSize) return this.lanes.users.take(maxBatchSize);
    if (this.lanes.events.length >= maxBatchSize) return this.lanes.events.take(maxBatchSize);
    if (!partialAllowed) return undefined;
    if (users > 0) return this.lanes.users.take(users);
    if (this.lanes.direct.length > 0) return this.lanes.direct.take(1);
    if (this.lanes.events.length > 0) return this.lanes.events.take(maxBatchSize);
    return undefined;
  }

  /** How many users-lane messages, from the front, may go now (up to `limit`). */
  private usersReady(limit: number): number {
    const lane = this.lanes.users;
    const oldestEvent = this.oldestUnsettledEvent();
    let ready = 0;
    while (ready < Math.min(limit, lane.length)) {
      const entry = lane.at(ready) as Entry;
      if (entry.message.type === 'alias' && entry.seq > oldestEvent) break;
      ready++;
    }
    return ready;
  }

  /** The enqueue order of the oldest event not yet settled (queued or in flight), or Infinity. */
  private oldestUnsettledEvent(): number {
    let oldest = this.lanes.events.at(0)?.seq ?? Number.POSITIVE_INFINITY;
    for (const batch of this.inFlightBatches) {
      const first = batch[0];
      if (first?.message.lane === 'events' && first.seq < oldest) oldest = first.seq;
    }
    return oldest;
  }

  private async sendBatch(batch: Entry[]): Promise<void> {
    const first = batch[0]?.message;
    if (!first) return;
    const lone = batch.length === 1;
    const path = lone ? first.path : BATCH_PATHS[first.lane as Exclude<Lane, 'direct'>];
    const body = lone ? first.body : batch.map((entry) => entry.message.body);
    const result = await this.options.send(path, body);
    for (const entry of batch) entry.attempts += result.attempts;
    if (result.ok) {
      for (const entry of batch) this.deliver(entry);
      return;
    }
    // One bad message must not take the others with it: halve the batch until it stands alone.
    if (result.error instanceof BadRequestError && batch.length > 1) {
      const middle = Math.ceil(batch.length / 2);
      await this.sendBatch(batch.slice(0, middle));
      await this.sendBatch(batch.slice(middle));
      return;
    }
    for (const entry of batch) this.fail(entry, result.error);
  }

  private deliver(entry: Entry): void {
    if (entry.settled) return;
    const { messageId, type, warnings } = entry.message;
    this.counts.delivered++;
    const { emitter } = this.options;
    if (emitter.has('delivered'))
      emitter.emit('delivered', { messageId, type, attempts: entry.attempts });
    entry.settled = true;
    entry.resolve({ messageId, attempts: entry.attempts, warnings });
    this.settled(entry);
  }

  private fail(entry: Entry, error: ConnectError): void {
    if (entry.settled) return;
    this.counts.failed++;
    this.options.emitter.emit('error', {
      error,
      messageId: entry.message.messageId,
      type: entry.message.type,
    });
    this.reject(entry, error);
  }

  /** Rejects an entry's promise, marked handled first: a caller may ignore it. */
  private reject(entry: Entry, error: ConnectError): void {
    entry.settled = true;
    entry.promise.catch(noop);
    entry.reject(error);
    this.settled(entry);
  }

  private settled(entry: Entry): void {
    this.unsettledCount--;
    if (this.waiters.length === 0) return;
    for (const waiter of this.waiters) if (entry.seq <= waiter.upTo) waiter.remaining--;
    if (this.waiters.every((waiter) => waiter.remaining > 0)) return;
    const done = this.waiters.filter((waiter) => waiter.remaining === 0);
    this.waiters = this.waiters.filter((waiter) => waiter.remaining > 0);
    for (const waiter of done) waiter.resolve();
  }
}

const noop = () => {};
