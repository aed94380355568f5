import {
  BadRequestError,
  ClientClosedError,
  ConnectError,
  PayloadTooLargeError,
  QueueFullError,
} from '../errors';
import type { Lane } from '../mappers/calls';
import type { MappingWarning } from '../schemas/warning';
import type { CallType, DropReason, Emitter } from './events';
import { Fifo } from './fifo';
import type { SendResult } from './transport';
import { type OrderNode, UserOrder } from './user-order';

/**
 * Coalesces messages into batches by count and bytes, keeps each Connect user's messages in call
 * order, and settles each message exactly once.
 */

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
  /** Settled and reported: what makes settling happen once. */
  done = false;
  /** Set right after construction: the promise the caller holds. */
  promise!: Promise<DeliveryResult>;
  keys: readonly string[] = [];
  after: Entry[] | undefined = undefined;
  dependents: Entry[] | undefined = undefined;
  blockers = 0;
  /** The request being built that took it. */
  mark = 0;
  /** Neighbours in the list of unsettled messages, oldest first. */
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
  resolve(): void;
}

/** What {@link DeliveryQueue} needs. */
export interface DeliveryQueueOptions {
  maxBatchSize: number;
  /** How many aliased ids are remembered as one user. */
  aliasMemory: number;
  maxBatchBytes: number;
  flushInterval: number;
  maxQueueSize: number;
  maxConcurrentRequests: number;
  /**
   * Sends one request: a JSON body of `messageCount` messages, whose ids are `messageIds`; they
   * are `messages`, in order (for a caller that records what a request carries).
   */
  send(
    path: string,
    body: string,
    messageCount: number,
    messageIds: readonly string[],
    messages: readonly QueuedMessage[],
  ): Promise<SendResult>;
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
  /** Bytes of each lane's ready messages, a comma each. */
  private readonly readyBytes: Record<Lane, number> = { users: 0, events: 0, direct: 0 };
  private readonly order: UserOrder<Entry>;
  /** Unsettled messages, oldest first: what flush waiters and `abandon()` read. */
  private oldestUnsettled: Entry | undefined;
  private newestUnsettled: Entry | undefined;
  private unsettledCount = 0;
  /** Batches on the wire. */
  private inFlight = 0;
  private batchMarks = 0;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages up to this enqueue order have waited out their linger (or were flushed). */
  private dueUpTo = 0;
  /** Flush waiters, by the last message each waits for (ascending). */
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

  constructor(private readonly options: DeliveryQueueOptions) {
    this.order = new UserOrder(options.aliasMemory);
  }

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
    this.link(entry);
    // A message behind an earlier one of its users goes when that one settles.
    if (!this.order.admit(entry)) return promise;
    this.makeReady(entry);
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
    const promise = new Promise<void>((resolve) => {
      this.waiters.push({ upTo: this.enqueued, resolve });
    });
    this.dueUpTo = this.enqueued;
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
    const unsettled: Entry[] = [];
    for (let entry = this.oldestUnsettled; entry; entry = entry.next) unsettled.push(entry);
    for (const lane of LANES) {
      this.ready[lane].drain();
      this.readyBytes[lane] = 0;
    }
    const sent = unsettled.map((entry) => entry.state === SENT);
    // Settled first, all of them, so releasing one cannot make another ready.
    for (const entry of unsettled) entry.state = SETTLED;
    unsettled.forEach((entry, index) => {
      const { type } = entry.message;
      if (sent[index]) {
        this.settle(
          entry,
          'failed',
          new ClientClosedError(`${type}: the client was closed before Connect answered`),
        );
        return;
      }
      const error = new ClientClosedError(
        `${type}: the client was closed before the message was sent`,
      );
      this.settle(entry, 'dropped', error);
    });
  }

  private armLinger(): void {
    if (this.lingerTimer !== undefined) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.dueUpTo = this.enqueued;
      this.dispatch();
    }, this.options.flushInterval);
  }

  private clearLinger(): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  private dispatch(): void {
    while (this.inFlight < this.options.maxConcurrentRequests) {
      const batch = this.takeBatch();
      if (!batch) break;
      this.inFlight++;
      void this.sendBatch(batch)
        .catch((error: unknown) => this.failUnexpectedly(batch, error))
        .finally(() => {
          this.inFlight--;
          this.dispatch();
        });
    }
    // A timer only for ready messages that have not waited out their linger: an idle client, or
    // one whose messages all wait for answers, holds none.
    if (LANES.some((lane) => (this.ready[lane].at(0)?.seq ?? 0) > this.dueUpTo)) this.armLinger();
    else this.clearLinger();
  }

  /** True when a lane's ready messages fill a request, by count or bytes: it goes at once. */
  private hasFullBatch(lane: Lane): boolean {
    if (lane === 'direct') return false;
    return (
      this.ready[lane].length >= this.options.maxBatchSize ||
      this.readyBytes[lane] + 1 >= this.options.maxBatchBytes
    );
  }

  /**
   * The next request: of the lanes with a full request or a message that waited out its
   * linger, the one whose oldest ready message is oldest.
   */
  private takeBatch(): Entry[] | undefined {
    let lane: Lane | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const candidate of LANES) {
      const head = this.ready[candidate].at(0);
      if (!head || head.seq >= oldest) continue;
      if (head.seq <= this.dueUpTo || this.hasFullBatch(candidate)) {
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
      else {
        ready.shift();
        this.readyBytes[lane] -= entry.message.bytes + 1;
      }
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
    const result = await this.options.send(
      path,
      lone ? first.json : joined(batch),
      batch.length,
      batch.map((entry) => entry.message.messageId),
      batch.map((entry) => entry.message),
    );
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
    this.readyBytes[entry.message.lane] += entry.message.bytes + 1;
  }

  private markSent(entry: Entry, mark: number): void {
    entry.state = SENT;
    entry.mark = mark;
    entry.after = undefined;
  }

  private link(entry: Entry): void {
    entry.previous = this.newestUnsettled;
    if (this.newestUnsettled) this.newestUnsettled.next = entry;
    else this.oldestUnsettled = entry;
    this.newestUnsettled = entry;
    this.unsettledCount++;
  }

  private unlink(entry: Entry): void {
    if (entry.previous) entry.previous.next = entry.next;
    else this.oldestUnsettled = entry.next;
    if (entry.next) entry.next.previous = entry.previous;
    else this.newestUnsettled = entry.previous;
    entry.previous = entry.next = undefined;
    this.unsettledCount--;
  }

  private deliver(entry: Entry): void {
    this.settle(entry, 'delivered');
  }

  private fail(entry: Entry, error: ConnectError): void {
    this.settle(entry, 'failed', error);
  }

  /**
   * Settles a message once: counts it, settles its promise (a rejection marked handled first:
   * a caller may ignore it), frees the messages behind it, then reports it. Reporting comes last:
   * a listener cannot leave a message unsettled or counted twice.
   */
  private settle(entry: Entry, outcome: keyof DeliveryReport, error?: ConnectError): void {
    if (entry.done) return;
    entry.done = true;
    entry.state = SETTLED;
    this.counts[outcome]++;
    const { messageId, type, warnings } = entry.message;
    if (error) {
      entry.promise.catch(noop);
      entry.reject(error);
    } else {
      entry.resolve({ messageId, attempts: entry.attempts, warnings });
    }
    this.unlink(entry);
    this.order.release(entry, this.freed);
    this.resolveWaiters();
    const { emitter } = this.options;
    if (outcome === 'delivered') {
      if (emitter.has('delivered'))
        emitter.emit('delivered', { messageId, type, attempts: entry.attempts });
    } else if (outcome === 'failed') {
      emitter.emit('error', { error: error as ConnectError, messageId, type });
    } else {
      emitter.emit('drop', { reason: 'closed', messageId, type, ...(error ? { error } : {}) });
    }
  }

  /** Resolves the flushes whose messages have all settled. */
  private resolveWaiters(): void {
    const oldest = this.oldestUnsettled?.seq ?? Number.POSITIVE_INFINITY;
    while (this.waiters.length > 0 && (this.waiters[0] as FlushWaiter).upTo < oldest) {
      (this.waiters.shift() as FlushWaiter).resolve();
    }
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
