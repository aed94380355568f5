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
import { randomUuid } from './uuid';

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

/** A kind of message: its call, the requests it can share, its endpoint when it goes alone. */
export interface MessageKind {
  readonly type: CallType;
  readonly lane: Lane;
  /** The single endpoint, for a request of this message alone. */
  readonly path: string;
}

const WAITING = 0; // behind an earlier unsettled message of one of its users
const READY = 1; // may join any request of its lane
const SENT = 2;
const CLOSING = 3; // being settled by abandon(): never made ready again
const SETTLED = 4;

const noop = () => {};

/**
 * A mapped message, serialized at the call, and its place in the queue: the one object the queue
 * holds per message, its order links and its settlement included. Its `messageId` is made the
 * first time something asks for it (a result, an event), so a queued message holds no UUID; what
 * few messages carry (warnings, a byte count that is not the JSON's length, order links behind
 * or before another message of the same user) lives in a {@link Rare} made only for them.
 */
export class QueuedMessage implements OrderNode<QueuedMessage> {
  /** Enqueue order, 1-based: what flush waiters compare against. */
  seq = 0;
  state = WAITING;
  // Stryker disable next-line StringLiteral: equivalent: UserOrder.admit sets it before anything reads it
  key = '';
  /** The promise the caller holds, and its settle functions. */
  promise: Promise<DeliveryResult> | undefined = undefined;
  resolve: (result: DeliveryResult) => void = noop;
  reject: (error: ConnectError) => void = noop;
  private rare: Rare | undefined = undefined;

  constructor(
    readonly kind: MessageKind,
    /** The wire body as JSON. */
    readonly json: string,
    /** `json`'s size in UTF-8 bytes. */
    bytes: number,
    /** The call's `messageId`, if it gave one. */
    private id: string | undefined,
    /** What the mapping warned about, if anything. */
    warnings: MappingWarning[] | undefined,
  ) {
    if (bytes !== json.length) this.more().bytes = bytes;
    if (warnings && warnings.length > 0) this.more().warnings = warnings;
  }

  /** `json`'s size in UTF-8 bytes. */
  get bytes(): number {
    return this.rare?.bytes ?? this.json.length;
  }

  /** What the mapping warned about, if anything. */
  get warnings(): MappingWarning[] | undefined {
    return this.rare?.warnings;
  }

  /** The call's `messageId`, or a UUID made the first time it is asked for. */
  get messageId(): string {
    this.id ??= newMessageId();
    return this.id;
  }

  /**
   * The id for what is reported as the message ends: {@link messageId}, but one made now is not
   * kept (nothing asks again).
   */
  finalId(): string {
    return this.id ?? newMessageId();
  }

  get after(): QueuedMessage[] | undefined {
    return this.rare?.after;
  }
  set after(after: QueuedMessage[] | undefined) {
    if (after || this.rare) this.more().after = after;
  }

  get dependents(): QueuedMessage[] | undefined {
    return this.rare?.dependents;
  }
  set dependents(dependents: QueuedMessage[] | undefined) {
    if (dependents || this.rare) this.more().dependents = dependents;
  }

  get blockers(): number {
    return this.rare?.blockers ?? 0;
  }
  set blockers(blockers: number) {
    if (blockers !== 0 || this.rare) this.more().blockers = blockers;
  }

  private more(): Rare {
    this.rare ??= new Rare();
    return this.rare;
  }
}

/** What few queued messages carry. */
class Rare {
  bytes: number | undefined = undefined;
  warnings: MappingWarning[] | undefined = undefined;
  after: QueuedMessage[] | undefined = undefined;
  dependents: QueuedMessage[] | undefined = undefined;
  blockers = 0;
}

/** A new message id: a random UUID. */
export function newMessageId(): string {
  return randomUuid();
}

interface FlushWaiter {
  /** The last message this flush waits for. */
  upTo: number;
  /** How many of the messages up to it are not settled yet. */
  remaining: number;
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
   * Sends one request: a JSON body of `messageCount` messages; `messageIds` gives their ids
   * (asked only when something listens for them); they are `messages`, in order (for a caller
   * that records what a request carries).
   */
  send(
    path: string,
    body: string,
    messageCount: number,
    messageIds: () => readonly string[],
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
  private readonly ready: Record<Lane, Fifo<QueuedMessage>> = {
    users: new Fifo(),
    events: new Fifo(),
    direct: new Fifo(),
  };
  /** Bytes of each lane's ready messages, a comma each. */
  private readonly readyBytes: Record<Lane, number> = { users: 0, events: 0, direct: 0 };
  private readonly order: UserOrder<QueuedMessage>;
  private unsettledCount = 0;
  /** Batches on the wire (a split batch stays until all of it has an answer). */
  private readonly onWire = new Set<QueuedMessage[]>();
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
  private readonly freed = (message: QueuedMessage) => {
    if (message.state === WAITING) this.makeReady(message);
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
   * Queues a message writing Connect user `userId` (an alias also `previousId`); its promise
   * settles when Connect accepted it or it finally failed. A rejected promise is always marked
   * handled, so ignoring it is safe.
   */
  enqueue(message: QueuedMessage, userId: string, previousId?: string): Promise<DeliveryResult> {
    if (this.unsettledCount >= this.options.maxQueueSize) {
      const { type } = message.kind;
      const error = new QueueFullError(
        `${type}: the queue holds ${this.options.maxQueueSize} messages (maxQueueSize); the call was dropped`,
      );
      this.recordDrop(type, message.messageId, 'queue_full', error);
      const refused = Promise.reject(error);
      refused.catch(noop);
      return refused;
    }
    const promise = new Promise<DeliveryResult>(this.captureSettlers);
    message.promise = promise;
    message.resolve = this.lastResolve;
    message.reject = this.lastReject;
    message.seq = ++this.enqueued;
    this.unsettledCount++;
    // A message behind an earlier one of its users goes when that one settles.
    if (!this.order.admit(message, userId, previousId)) return promise;
    this.makeReady(message);
    // Stryker disable next-line ConditionalExpression: equivalent: dispatch() sends nothing that is neither full nor due, then arms the linger itself (this only saves its work)
    if (this.hasFullBatch(message.kind.lane)) this.dispatch();
    else this.armLinger();
    return promise;
  }

  /** Counts a message dropped before it was queued, and reports it. */
  recordDrop(type: CallType, messageId: string, reason: DropReason, error?: ConnectError): void {
    this.counts.dropped++;
    this.options.emitter.emit('drop', { reason, messageId, type, ...(error ? { error } : {}) });
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
      this.waiters.push({ upTo: this.enqueued, remaining: this.unsettledCount, resolve });
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
    const unsettled = this.unsettledMessages();
    for (const lane of LANES) {
      this.ready[lane].drain();
      this.readyBytes[lane] = 0;
    }
    const sent = unsettled.map((message) => message.state === SENT);
    // Closing first, all of them, so releasing one cannot make another ready.
    for (const message of unsettled) message.state = CLOSING;
    unsettled.forEach((message, index) => {
      const { type } = message.kind;
      if (sent[index]) {
        this.settle(
          message,
          'failed',
          new ClientClosedError(`${type}: the client was closed before Connect answered`),
        );
        return;
      }
      const error = new ClientClosedError(
        `${type}: the client was closed before the message was sent`,
      );
      this.settle(message, 'dropped', error);
    });
  }

  /**
   * Every unsettled message, oldest first: those on the wire, the ready ones, and, behind them,
   * those waiting for an earlier message of their users (each waits for one that is unsettled).
   */
  private unsettledMessages(): QueuedMessage[] {
    const found = new Set<QueuedMessage>();
    for (const batch of this.onWire) for (const message of batch) found.add(message);
    for (const lane of LANES) {
      const ready = this.ready[lane];
      for (let index = 0; index < ready.length; index++)
        found.add(ready.at(index) as QueuedMessage);
    }
    for (const message of found) {
      // Stryker disable next-line ConditionalExpression: equivalent: settled ones are filtered out below (this only keeps the set small)
      for (const next of message.dependents ?? []) if (next.state !== SETTLED) found.add(next);
    }
    return [...found].filter((message) => message.state !== SETTLED).sort((a, b) => a.seq - b.seq);
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
    // Stryker disable next-line ConditionalExpression: equivalent: clearTimeout(undefined) does nothing
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  private dispatch(): void {
    while (this.onWire.size < this.options.maxConcurrentRequests) {
      const batch = this.takeBatch();
      if (!batch) break;
      this.onWire.add(batch);
      void this.sendBatch(batch, 0)
        .catch((error: unknown) => this.failUnexpectedly(batch, error))
        .finally(() => {
          this.onWire.delete(batch);
          this.dispatch();
        });
    }
    // A timer only for ready messages that have not waited out their linger: an idle client, or
    // one whose messages all wait for answers, holds none.
    if (this.hasUndue()) this.armLinger();
    else this.clearLinger();
  }

  /** True when a lane's oldest ready message has not waited out its linger. */
  private hasUndue(): boolean {
    for (const lane of LANES) if ((this.ready[lane].at(0)?.seq ?? 0) > this.dueUpTo) return true;
    return false;
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
  private takeBatch(): QueuedMessage[] | undefined {
    let lane: Lane | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const candidate of LANES) {
      const head = this.ready[candidate].at(0);
      // Stryker disable next-line EqualityOperator: equivalent: two lanes never hold the same message, so their heads' seqs differ
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
  private build(lane: Lane): QueuedMessage[] {
    const { maxBatchBytes } = this.options;
    const ready = this.ready[lane];
    const limit = lane === 'direct' ? 1 : this.options.maxBatchSize;
    const batch: QueuedMessage[] = [];
    let bytes = 1; // '[' … ']' and the commas: one byte a message
    let followers: QueuedMessage[] | undefined;
    let nextFollower = 0;
    while (batch.length < limit) {
      const follower = followers?.[nextFollower];
      const message = follower ?? ready.at(0);
      if (!message) break;
      // Stryker disable next-line all: unreachable: a follower is pushed once, by the last of the messages it waits for to join the batch, and is WAITING (checked when pushed); kept as a guard
      if (follower && message.state !== WAITING) {
        // Stryker disable next-line UpdateOperator: unreachable: see above
        nextFollower++; // taken already, through another of its ids
        continue;
      }
      if (batch.length > 0 && bytes + message.bytes + 1 > maxBatchBytes) break;
      if (follower) nextFollower++;
      else {
        ready.shift();
        this.readyBytes[lane] -= message.bytes + 1;
      }
      bytes += message.bytes + 1;
      message.state = SENT;
      message.after = undefined;
      batch.push(message);
      if (!message.dependents) continue;
      for (const next of message.dependents) {
        if (
          // Stryker disable next-line ConditionalExpression: equivalent: a dependent of a message being batched waits for it, so it is WAITING (the guard above would skip it anyway)
          next.state === WAITING &&
          next.kind.lane === lane &&
          joinable(next, batch)
        ) {
          if (followers) followers.push(next);
          else followers = [next];
        }
      }
    }
    return batch;
  }

  /** Sends a batch; `priorAttempts` are those of the larger batch it was split from. */
  private async sendBatch(batch: QueuedMessage[], priorAttempts: number): Promise<void> {
    const first = batch[0];
    // Stryker disable next-line ConditionalExpression: unreachable: build() always takes the ready message it was called for; kept for the type
    if (!first) return;
    const lone = batch.length === 1;
    const path = lone ? first.kind.path : BATCH_PATHS[first.kind.lane as Exclude<Lane, 'direct'>];
    const result = await this.options.send(
      path,
      lone ? first.json : joined(batch),
      batch.length,
      () => batch.map((message) => message.messageId),
      batch,
    );
    const attempts = priorAttempts + result.attempts;
    if (result.ok) {
      for (const message of batch) this.settle(message, 'delivered', undefined, attempts);
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
      await this.sendBatch(batch.slice(0, middle), attempts);
      await this.sendBatch(batch.slice(middle), attempts);
      return;
    }
    for (const message of batch) this.settle(message, 'failed', error);
  }

  /** A bug must not leave a caller waiting forever: what was on its way fails, typed. */
  private failUnexpectedly(batch: QueuedMessage[], cause: unknown): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    for (const message of batch) {
      this.settle(
        message,
        'failed',
        new ConnectError(
          `${message.kind.type}: the client failed unexpectedly while sending: ${reason}`,
          { code: 'internal_error', cause },
        ),
      );
    }
  }

  private makeReady(message: QueuedMessage): void {
    message.state = READY;
    this.ready[message.kind.lane].push(message);
    this.readyBytes[message.kind.lane] += message.bytes + 1;
  }

  /**
   * Settles a message once: counts it, settles its promise (a rejection marked handled first:
   * a caller may ignore it), frees the messages behind it, then reports it. Reporting comes last:
   * a listener cannot leave a message unsettled or counted twice.
   */
  private settle(
    message: QueuedMessage,
    outcome: keyof DeliveryReport,
    error?: ConnectError,
    attempts = 0,
  ): void {
    if (message.state === SETTLED) return;
    message.state = SETTLED;
    this.counts[outcome]++;
    this.unsettledCount--;
    const messageId = message.finalId();
    if (error) {
      // Stryker disable next-line OptionalChaining: equivalent: a message is settled once, while it still holds the promise enqueue() gave it
      message.promise?.catch(noop);
      message.reject(error);
    } else {
      message.resolve({ messageId, attempts, warnings: message.warnings ?? [] });
    }
    // Its promise and settle functions are no longer needed: the queue holds no closure of it.
    message.promise = undefined;
    message.resolve = message.reject = noop;
    this.order.release(message, this.freed);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: resolveWaiters does nothing without waiters (this only saves the call)
    if (this.waiters.length > 0) this.resolveWaiters(message.seq);
    const { emitter } = this.options;
    const { type } = message.kind;
    if (outcome === 'delivered') {
      if (emitter.has('delivered')) emitter.emit('delivered', { messageId, type, attempts });
    } else if (outcome === 'failed') {
      emitter.emit('error', { error: error as ConnectError, messageId, type });
    } else {
      emitter.emit('drop', { reason: 'closed', messageId, type, ...(error ? { error } : {}) });
    }
  }

  /** Counts a settled message off the flushes waiting for it; resolves those it completes. */
  private resolveWaiters(seq: number): void {
    for (const waiter of this.waiters) if (seq <= waiter.upTo) waiter.remaining--;
    // The earliest flush waits for the fewest messages: they complete in order.
    while (this.waiters.length > 0 && (this.waiters[0] as FlushWaiter).remaining === 0) {
      (this.waiters.shift() as FlushWaiter).resolve();
    }
  }
}

/** True when every message `message` waits for is settled or already in `batch`. */
function joinable(message: QueuedMessage, batch: readonly QueuedMessage[]): boolean {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: unreachable: a dependent always waits for something (kept for the type)
  if (!message.after) return true;
  for (const earlier of message.after)
    if (earlier.state !== SETTLED && !batch.includes(earlier)) return false;
  return true;
}

/** The batch body: the messages' JSON in an array, in order. */
function joined(batch: readonly QueuedMessage[]): string {
  let body = '[';
  for (let index = 0; index < batch.length; index++) {
    if (index > 0) body += ',';
    body += (batch[index] as QueuedMessage).json;
  }
  return `${body}]`;
}
