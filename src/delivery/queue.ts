import {
  BadRequestError,
  ClientClosedError,
  ConnectError,
  PayloadTooLargeError,
  QueueFullError,
} from '../errors';
import type { MappingWarning } from '../schemas/warning';
import type { CallType, DropReason, Emitter } from './events';
import { Fifo } from './fifo';
import type { SendResult } from './transport';
import { type OrderNode, UserOrder } from './user-order';

/**
 * Coalesces messages into batches by count and bytes, keeps each Connect user's messages in call
 * order, and settles each message exactly once.
 */

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
  /** Accepted by Connect. */
  delivered: number;
  /** Finally refused or undeliverable, after any retries. */
  failed: number;
  /** Never sent: the queue was full, `beforeSend` dropped it, or the client closed first. */
  dropped: number;
}

/** A mapped message, serialized at the call, as the queue holds it. */
export interface QueuedMessage {
  messageId: string;
  type: CallType;
  lane: Lane;
  /** The single endpoint, for a request of this message alone. */
  path: string;
  /** The wire body as JSON. */
  json: string;
  /** `json`'s size in UTF-8 bytes. */
  bytes: number;
  /** The Connect user ids it writes: its order key. */
  ids: readonly string[];
  warnings: MappingWarning[];
}

const WAITING = 0; // behind an earlier unsettled message of one of its users
const READY = 1; // may join any request of its lane
const SENT = 2;
const SETTLED = 3;

/** A queued message with its place in the order and its settlement. */
class Entry implements OrderNode<Entry> {
  attempts = 0;
  state = WAITING;
  /** Set right after construction: the promise the caller holds. */
  promise!: Promise<DeliveryResult>;
  after: Entry[] | undefined = undefined;
  dependents: Entry[] | undefined = undefined;
  blockers = 0;
  /** The request being built that took it. */
  mark = 0;
  /** Neighbours in the list of unsent messages. */
  previous: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  readonly ids: readonly string[];

  constructor(
    readonly message: QueuedMessage,
    /** Enqueue order, 1-based: what flush waiters compare against. */
    readonly seq: number,
    readonly resolve: (result: DeliveryResult) => void,
    readonly reject: (error: ConnectError) => void,
  ) {
    this.ids = message.ids;
  }
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
  maxBatchBytes: number;
  flushInterval: number;
  maxQueueSize: number;
  maxConcurrentRequests: number;
  /** Sends one request: a JSON body of `messageCount` messages. */
  send(path: string, body: string, messageCount: number): Promise<SendResult>;
  emitter: Emitter;
}

const BATCH_PATHS: Record<Exclude<Lane, 'direct'>, string> = {
  users: '/v2/identify/batch',
  events: '/v2/track/batch',
};
const LANES: readonly Lane[] = ['users', 'events', 'direct'];

/** The delivery engine behind `ConnectClient`. */
export class DeliveryQueue {
  /** Messages whose users are free, per lane, by the time they became free. */
  private readonly ready: Record<Lane, Fifo<Entry>> = {
    users: new Fifo(),
    events: new Fifo(),
    direct: new Fifo(),
  };
  /** Unsent messages per lane (waiting or ready), and their bytes with a comma each. */
  private readonly unsentByLane: Record<Lane, number> = { users: 0, events: 0, direct: 0 };
  private readonly unsentBytesByLane: Record<Lane, number> = { users: 0, events: 0, direct: 0 };
  private readonly order = new UserOrder<Entry>();
  /** Unsent messages (waiting or ready), oldest first: what `abandon()` drops. */
  private oldestUnsent: Entry | undefined;
  private newestUnsent: Entry | undefined;
  private unsentCount = 0;
  /** Batches on the wire, for `abandon()`. */
  private readonly inFlightBatches = new Set<Entry[]>();
  private unsettledCount = 0;
  private inFlight = 0;
  private batchMarks = 0;
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
  private readonly freed = (entry: Entry) => {
    if (entry.state === WAITING) this.makeReady(entry);
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
    this.linkUnsent(entry);
    this.unsettledCount++;
    if (this.order.admit(entry)) this.makeReady(entry);
    if (this.hasFullBatch(message.lane)) this.dispatch();
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
   * Ends every unsettled message now: unsent ones are dropped, in-flight ones fail, both with
   * `ClientClosedError`. For `close()` past its deadline.
   */
  abandon(): void {
    this.clearLinger();
    const unsent: Entry[] = [];
    for (let entry = this.oldestUnsent; entry; entry = entry.next) unsent.push(entry);
    this.oldestUnsent = this.newestUnsent = undefined;
    this.unsentCount = 0;
    for (const lane of LANES) {
      this.ready[lane].drain();
      this.unsentByLane[lane] = 0;
      this.unsentBytesByLane[lane] = 0;
    }
    // Settled first, all of them, so releasing one cannot make another ready.
    for (const entry of unsent) entry.state = SETTLED;
    for (const entry of unsent) {
      const { type } = entry.message;
      const error = new ClientClosedError(
        `${type}: the client was closed before the message was sent`,
      );
      this.recordDrop(entry.message, 'closed', error);
      this.reject(entry, error);
    }
    for (const batch of [...this.inFlightBatches]) {
      for (const entry of batch) {
        this.fail(
          entry,
          new ClientClosedError(
            `${entry.message.type}: the client was closed before Connect answered`,
          ),
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
      void this.sendBatch(batch)
        .catch((error: unknown) => this.failUnexpectedly(batch, error))
        .finally(() => {
          this.inFlight--;
          this.inFlightBatches.delete(batch);
          this.dispatch();
        });
    }
    if (this.unsentCount === 0) {
      this.lingerExpired = false;
      this.clearLinger();
    } else if (!this.lingerExpired) {
      this.armLinger();
    }
  }

  /**
   * True when a lane holds a request's worth, by count or bytes: then it goes without waiting
   * out the linger, with whatever of it may go now (the rest waits for its users' earlier
   * messages).
   */
  private hasFullBatch(lane: Lane): boolean {
    if (lane === 'direct') return false;
    return (
      this.unsentByLane[lane] >= this.options.maxBatchSize ||
      this.unsentBytesByLane[lane] + 1 >= this.options.maxBatchBytes
    );
  }

  /**
   * The next request: a full one first, else (once partial ones may go) the lane whose oldest
   * ready message is oldest.
   */
  private takeBatch(partialAllowed: boolean): Entry[] | undefined {
    let lane: Lane | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const candidate of LANES) {
      const head = this.ready[candidate].at(0);
      if (!head || head.seq >= oldest) continue;
      if (partialAllowed || this.hasFullBatch(candidate)) {
        lane = candidate;
        oldest = head.seq;
      }
    }
    return lane === undefined ? undefined : this.build(lane);
  }

  /**
   * Fills a request of `lane`: ready messages, and behind each one the later messages of its
   * users that wait for nothing but messages already in this request (Connect applies a batch
   * in order).
   */
  private build(lane: Lane): Entry[] {
    const { maxBatchBytes } = this.options;
    const ready = this.ready[lane];
    const limit = lane === 'direct' ? 1 : this.options.maxBatchSize;
    const mark = ++this.batchMarks;
    const batch: Entry[] = [];
    let bytes = 1; // '[' … ']' and the commas: one byte a message
    let followers: Entry[] | undefined;
    let nextFollower = 0;
    while (batch.length < limit) {
      const follower = followers?.[nextFollower];
      const entry = follower ?? ready.at(0);
      if (!entry) break;
      if (follower && entry.state !== WAITING) {
        nextFollower++; // taken already, through another of its ids
        continue;
      }
      if (batch.length > 0 && bytes + entry.message.bytes + 1 > maxBatchBytes) break;
      if (follower) nextFollower++;
      else ready.shift();
      bytes += entry.message.bytes + 1;
      this.markSent(entry, mark);
      batch.push(entry);
      if (!entry.dependents || lane === 'direct') continue;
      for (const next of entry.dependents) {
        if (next.state === WAITING && next.message.lane === lane && joinable(next, mark)) {
          if (followers) followers.push(next);
          else followers = [next];
        }
      }
    }
    return batch;
  }

  private async sendBatch(batch: Entry[]): Promise<void> {
    const first = batch[0]?.message;
    if (!first) return;
    const lone = batch.length === 1;
    const path = lone ? first.path : BATCH_PATHS[first.lane as Exclude<Lane, 'direct'>];
    const result = await this.options.send(path, lone ? first.json : joined(batch), batch.length);
    for (const entry of batch) entry.attempts += result.attempts;
    if (result.ok) {
      for (const entry of batch) this.deliver(entry);
      return;
    }
    // One bad or oversized message must not take the others with it: halve the batch until it
    // stands alone. The halves go in order, so each user's messages still arrive in call order.
    const { error } = result;
    if (
      batch.length > 1 &&
      (error instanceof BadRequestError || error instanceof PayloadTooLargeError)
    ) {
      const middle = Math.ceil(batch.length / 2);
      await this.sendBatch(batch.slice(0, middle));
      await this.sendBatch(batch.slice(middle));
      return;
    }
    for (const entry of batch) this.fail(entry, error);
  }

  /** A bug must not leave a caller waiting forever: what was on its way fails, typed. */
  private failUnexpectedly(batch: Entry[], cause: unknown): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    for (const entry of batch) {
      this.fail(
        entry,
        new ConnectError(
          `${entry.message.type}: the client failed unexpectedly while sending: ${reason}`,
          { code: 'internal_error', cause },
        ),
      );
    }
  }

  private makeReady(entry: Entry): void {
    entry.state = READY;
    this.ready[entry.message.lane].push(entry);
  }

  private markSent(entry: Entry, mark: number): void {
    entry.state = SENT;
    entry.mark = mark;
    entry.after = undefined;
    this.unlinkUnsent(entry);
  }

  private linkUnsent(entry: Entry): void {
    entry.previous = this.newestUnsent;
    if (this.newestUnsent) this.newestUnsent.next = entry;
    else this.oldestUnsent = entry;
    this.newestUnsent = entry;
    this.unsentCount++;
    this.unsentByLane[entry.message.lane]++;
    this.unsentBytesByLane[entry.message.lane] += entry.message.bytes + 1;
  }

  private unlinkUnsent(entry: Entry): void {
    if (entry.previous) entry.previous.next = entry.next;
    else this.oldestUnsent = entry.next;
    if (entry.next) entry.next.previous = entry.previous;
    else this.newestUnsent = entry.previous;
    entry.previous = entry.next = undefined;
    this.unsentCount--;
    this.unsentByLane[entry.message.lane]--;
    this.unsentBytesByLane[entry.message.lane] -= entry.message.bytes + 1;
  }

  private deliver(entry: Entry): void {
    if (entry.state === SETTLED) return;
    const { messageId, type, warnings } = entry.message;
    this.counts.delivered++;
    const { emitter } = this.options;
    if (emitter.has('delivered'))
      emitter.emit('delivered', { messageId, type, attempts: entry.attempts });
    entry.state = SETTLED;
    entry.resolve({ messageId, attempts: entry.attempts, warnings });
    this.settled(entry);
  }

  private fail(entry: Entry, error: ConnectError): void {
    if (entry.state === SETTLED) return;
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
    entry.state = SETTLED;
    entry.promise.catch(noop);
    entry.reject(error);
    this.settled(entry);
  }

  private settled(entry: Entry): void {
    this.unsettledCount--;
    this.order.release(entry, this.freed);
    if (this.waiters.length === 0) return;
    for (const waiter of this.waiters) if (entry.seq <= waiter.upTo) waiter.remaining--;
    if (this.waiters.every((waiter) => waiter.remaining > 0)) return;
    const done = this.waiters.filter((waiter) => waiter.remaining === 0);
    this.waiters = this.waiters.filter((waiter) => waiter.remaining > 0);
    for (const waiter of done) waiter.resolve();
  }
}

/** True when every message `entry` waits for is settled or already in request `mark`. */
function joinable(entry: Entry, mark: number): boolean {
  if (!entry.after) return true;
  for (const earlier of entry.after)
    if (earlier.state !== SETTLED && earlier.mark !== mark) return false;
  return true;
}

/** The batch body: the messages' JSON in an array, in order. */
function joined(batch: readonly Entry[]): string {
  let body = '[';
  for (let index = 0; index < batch.length; index++) {
    if (index > 0) body += ',';
    body += (batch[index] as Entry).message.json;
  }
  return `${body}]`;
}

const noop = () => {};
