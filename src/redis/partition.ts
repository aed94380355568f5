import { randomUUID } from 'node:crypto';
import type { Emitter } from '../delivery/events';
import { DeliveryQueue, type QueuedMessage } from '../delivery/queue';
import type { ResolvedRetryPolicy } from '../delivery/retry-policy';
import { type FetchLike, type SendResult, Transport } from '../delivery/transport';
import { ClientClosedError, ConnectApiError, ConnectError } from '../errors';
import { type Entry, EntryMessage, readEntry } from './entry';
import { GROUP, type Keys } from './keys';
import type { SharedLimits } from './limiter';
import { command, entriesOf, objectOf, type RawEntry, type RedisClient } from './redis-calls';
import { FLIGHT, READ, RELEASE, RELEASE_ALIAS, SETTLE } from './scripts';
import type { WorkerOnlyEvents } from './worker-events';

/** What every partition of a worker shares. */
export interface PartitionContext {
  redis: RedisClient;
  keys: Keys;
  workerId: string;
  emitter: Emitter;
  emit<E extends keyof WorkerOnlyEvents>(event: E, payload: WorkerOnlyEvents[E]): void;
  limits: SharedLimits;
  fetch: FetchLike;
  apiKey: string;
  baseUrl: string;
  timeout: number;
  retry: ResolvedRetryPolicy;
  maxBatchSize: number;
  maxBatchBytes: number;
  aliasMemory: number;
  flushInterval: number;
  maxConcurrentRequests: number;
  readCount: number;
  maxEntriesInHand: number;
  blockMs: number;
  aliasTtl: number;
  counts: { delivered: number; deadLettered: number };
}

/** A request recorded before it was sent: sent again after a crash, with the same GUID. */
interface FlightRecord {
  seq: [number, number];
  path: string;
  ids: string[];
}

/** One entry settled: acked, and dead-lettered when `error` is set. */
interface Settlement {
  entryId: string;
  message?: EntryMessage;
  error?: ConnectError;
  done?: () => void;
}

/** How long before its lease ends a worker stops starting attempts, beyond the request timeout. */
const LEASE_MARGIN = 250;
const BATCH_PATHS = new Set(['/v2/identify/batch', '/v2/track/batch']);

/**
 * One partition, worked while its lease is held: recovers what a previous holder left (sends
 * again the requests it recorded, with their GUIDs, then the rest of its pending entries), then
 * reads new entries, holds those whose order depends on another partition (aliases), and hands
 * the rest to a `DeliveryQueue` over a `Transport`, ConnectClient's own engine. An entry is
 * acked once its message settled (and dead-lettered when it finally failed), fenced by the lease.
 */
export class PartitionRunner {
  state: 'running' | 'draining' | 'stopped' | 'fenced' = 'running';
  /** Local time until which the lease is surely held. */
  validUntil: number;
  /** Resolves when the runner has stopped, however it stopped. */
  readonly finished: Promise<void>;
  private finish!: () => void;
  private readonly abort = new AbortController();
  private readonly transport: Transport;
  private readonly queue: DeliveryQueue;
  private readonly reader: RedisClient;
  private readonly epoch: number;
  private flightSeq = 0;
  /** Entries read and not acked yet. */
  private inHand = 0;
  private roomWaiter: (() => void) | undefined;
  /** Entries held back behind a wait on another partition, in stream order, and their ids. */
  private held: Entry[] = [];
  private readonly heldIds = new Set<string>();
  /** Ids with a wait in force (an alias not released, a follow not done). */
  private readonly waits = new Map<string, number>();
  /** Per id, the acks of its messages still in delivery: what a hold waits for. */
  private readonly unsettled = new Map<string, Set<Promise<void>>>();
  private settlements: Settlement[] = [];
  private settling: Promise<void> | undefined;
  private readonly settleFlushes = new Set<Promise<void>>();
  private readonly watches = new Map<string, { want: string; resolve: () => void }[]>();
  private watchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ctx: PartitionContext,
    readonly partition: number,
    readonly token: string,
    validUntil: number,
  ) {
    this.validUntil = validUntil;
    this.epoch = Number(token.slice(token.lastIndexOf('#') + 1));
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.transport = new Transport({
      apiKey: ctx.apiKey,
      baseUrl: ctx.baseUrl,
      fetch: ctx.fetch,
      timeout: ctx.timeout,
      retry: ctx.retry,
      signal: this.abort.signal,
      emitter: ctx.emitter,
      beforeAttempt: () => this.beforeAttempt(),
    });
    this.queue = new DeliveryQueue({
      maxBatchSize: ctx.maxBatchSize,
      maxBatchBytes: ctx.maxBatchBytes,
      aliasMemory: ctx.aliasMemory,
      flushInterval: ctx.flushInterval,
      maxQueueSize: ctx.maxEntriesInHand + ctx.readCount,
      maxConcurrentRequests: ctx.maxConcurrentRequests,
      send: (path, body, count, messageIds, messages) =>
        this.send(path, body, count, messageIds, messages),
      emitter: ctx.emitter,
    });
    this.reader = (ctx.redis.duplicate as () => RedisClient)();
    this.reader.on('error', () => {});
  }

  /** Entries read and not acked; entries held back. */
  get load(): { inHand: number; held: number } {
    return { inHand: this.inHand, held: this.held.length };
  }

  private key(name: 'stream' | 'lease' | 'flights' | 'dead'): string {
    return this.ctx.keys.of(this.partition, name);
  }

  /** Works the partition until it is drained, stopped or fenced. */
  async run(): Promise<void> {
    try {
      await this.recover();
      await this.readLoop();
    } catch (error) {
      this.fence(`Redis failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  /**
   * Stops reading, delivers what is in hand by `deadline`, acks it and gives the lease up. Past
   * the deadline what is left stays pending for the next holder, and the lease is left to
   * expire, so nothing this worker still has on the wire can land after the next holder's sends.
   */
  async drain(deadline: number): Promise<void> {
    if (this.state !== 'running') return this.finished;
    this.state = 'draining';
    this.reader.disconnect();
    this.roomWaiter?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
    });
    const outcome = await Promise.race([
      this.queue
        .flush()
        .then(() => this.settledAll())
        .then(() => 'done' as const),
      late,
    ]);
    clearTimeout(timer);
    if (this.state !== 'draining') return this.finished;
    if (outcome === 'done') {
      await RELEASE.run(this.ctx.redis, [this.key('lease')], [this.token]).catch(() => {});
      this.stop('released');
    } else this.stop('left');
    return this.finished;
  }

  /** The lease is lost (or Redis failed): stop at once; nothing more is sent or acked. */
  fence(reason: string): void {
    if (this.state === 'fenced' || this.state === 'stopped') return;
    this.state = 'fenced';
    this.halt();
    this.ctx.emit('partition', { partition: this.partition, event: 'lost', reason });
    this.finish();
  }

  private stop(how: 'released' | 'left'): void {
    this.state = 'stopped';
    this.halt();
    this.ctx.emit('partition', {
      partition: this.partition,
      event: 'released',
      reason: how === 'released' ? 'drained' : 'drain deadline passed; the lease is left to expire',
    });
    this.finish();
  }

  private halt(): void {
    this.queue.abandon();
    this.abort.abort();
    this.reader.disconnect();
    clearTimeout(this.watchTimer);
    this.roomWaiter?.();
  }

  private get live(): boolean {
    return this.state === 'running' || this.state === 'draining';
  }

  // ── recovery ──────────────────────────────────────────────────────────────────────────────

  /** Takes every pending entry, sends the recorded requests again, then queues the rest. */
  private async recover(): Promise<void> {
    const { redis, workerId } = this.ctx;
    const pending: RawEntry[] = [];
    let cursor = '0-0';
    do {
      const reply = (await command(
        redis,
        'XAUTOCLAIM',
        this.key('stream'),
        GROUP,
        workerId,
        0,
        cursor,
        'COUNT',
        1000,
      )) as [string, unknown];
      cursor = String(reply[0]);
      pending.push(...entriesOf(reply[1]));
    } while (cursor !== '0-0' && this.live);
    const byId = new Map(pending.map((raw) => [raw.id, raw]));
    const flights = Object.entries(objectOf(await redis.hgetall(this.key('flights'))))
      .map(([guid, text]) => ({ guid, record: parseFlight(text) }))
      .sort((a, b) => compareSeq(a.record?.seq, b.record?.seq));
    this.inHand += pending.length;
    for (const { guid, record } of flights) {
      if (!this.live) return;
      await this.replay(guid, record, byId);
    }
    await this.settledAll();
    for (const raw of pending) if (byId.has(raw.id)) this.accept(raw, false);
  }

  /** One recorded request sent again as it was: same entries, same body, same GUID. */
  private async replay(
    guid: string,
    record: FlightRecord | undefined,
    byId: Map<string, RawEntry>,
  ): Promise<void> {
    const entries = record?.ids.map((id) => byId.get(id)).map((raw) => raw && readEntry(raw));
    if (!record || !entries || entries.length === 0 || entries.some((e) => e?.kind !== 'm')) {
      await this.forgetFlight(guid);
      return;
    }
    const messages = entries.map((entry) => (entry as Entry & { kind: 'm' }).message);
    const body =
      messages.length === 1 && !BATCH_PATHS.has(record.path)
        ? (messages[0] as EntryMessage).json
        : `[${messages.map((message) => message.json).join(',')}]`;
    for (const message of messages) message.flight = guid;
    const result = await this.transport.send(
      record.path,
      body,
      messages.length,
      messages.map((message) => message.messageId),
      guid,
    );
    if (!this.live) return;
    if (!result.ok && isRefusal(result.error)) {
      // Not applied: the entries go through the queue again, which splits a refused batch.
      await this.forgetFlight(guid);
      return;
    }
    for (const message of messages) {
      byId.delete(message.entryId);
      if (result.ok) {
        this.ctx.emitter.emit('delivered', {
          messageId: message.messageId,
          type: message.type,
          attempts: result.attempts,
        });
        this.settle({ entryId: message.entryId, message });
      } else {
        this.ctx.emitter.emit('error', {
          error: result.error,
          messageId: message.messageId,
          type: message.type,
        });
        this.settle({ entryId: message.entryId, message, error: result.error });
      }
    }
  }

  private async forgetFlight(guid: string): Promise<void> {
    const answer = await FLIGHT.run(
      this.ctx.redis,
      [this.key('lease'), this.key('flights')],
      [this.token, guid],
    );
    if (answer === -1) this.fence('lease lost');
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────────

  private async readLoop(): Promise<void> {
    const { redis, workerId, readCount, blockMs } = this.ctx;
    while (this.state === 'running') {
      await this.room();
      if (this.state !== 'running') return;
      const reply = await READ.run(
        redis,
        [this.key('lease'), this.key('stream')],
        [this.token, GROUP, workerId, readCount],
      );
      if (reply === -1) return this.fence('lease lost');
      if (typeof reply === 'string') {
        // Nothing new: wait on a connection of its own until something is appended after `reply`.
        try {
          await command(
            this.reader,
            'XREAD',
            'BLOCK',
            blockMs,
            'COUNT',
            1,
            'STREAMS',
            this.key('stream'),
            reply,
          );
        } catch (error) {
          if (this.state === 'running') throw error;
        }
        continue;
      }
      for (const raw of entriesOf(reply)) this.accept(raw, true);
    }
  }

  /** Waits while the partition has as many entries in hand as it may. */
  private async room(): Promise<void> {
    while (this.state === 'running' && this.inHand >= this.ctx.maxEntriesInHand) {
      await new Promise<void>((resolve) => {
        this.roomWaiter = resolve;
      });
      this.roomWaiter = undefined;
    }
  }

  /** An entry read (or claimed): dead-lettered when unreadable, else processed in order. */
  private accept(raw: RawEntry, counted: boolean): void {
    if (counted) this.inHand++;
    const entry = readEntry(raw);
    if (!entry) {
      const error = new ConnectError(
        `entry ${raw.id} of partition ${this.partition} is not a message this version can read`,
        { code: 'unreadable_entry' },
      );
      this.settle({ entryId: raw.id, message: unreadable(raw), error });
      return;
    }
    this.process(entry);
  }

  // ── order across partitions ───────────────────────────────────────────────────────────────

  /** Hands an entry on, or holds it back behind a wait on another partition (its users' order). */
  private process(entry: Entry): void {
    if (entry.ids.some((id) => this.heldIds.has(id) || (this.waits.get(id) ?? 0) > 0)) {
      this.holdBack(entry);
      return;
    }
    if (entry.kind === 'm') {
      if (entry.message.wait && !entry.released) {
        this.waitFor(entry, this.ctx.keys.alias(this.partition, entry.message.wait), 'released');
        return;
      }
      this.deliver(entry.message);
      return;
    }
    if (entry.kind === 'hold') {
      void this.completeHold(entry).catch((error: unknown) =>
        this.fence(`Redis failed: ${(error as Error)?.message}`),
      );
      return;
    }
    if (entry.released) this.settle({ entryId: entry.id });
    else this.waitFor(entry, this.ctx.keys.alias(entry.home, entry.alias), 'done');
  }

  private holdBack(entry: Entry): void {
    this.held.push(entry);
    for (const id of entry.ids) this.heldIds.add(id);
  }

  /** Holds `entry` (and its users' later entries) until the alias key says `want`. */
  private waitFor(entry: Entry, key: string, want: 'released' | 'done'): void {
    for (const id of entry.ids) this.waits.set(id, (this.waits.get(id) ?? 0) + 1);
    this.holdBack(entry);
    const resolve = () => {
      entry.released = true;
      for (const id of entry.ids) {
        const left = (this.waits.get(id) ?? 1) - 1;
        if (left > 0) this.waits.set(id, left);
        else this.waits.delete(id);
      }
      this.releaseHeld();
    };
    const list = this.watches.get(key);
    if (list) list.push({ want, resolve });
    else this.watches.set(key, [{ want, resolve }]);
    this.pollSoon(0);
  }

  /** Runs the held entries through `process` again, in order. */
  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    this.heldIds.clear();
    for (const entry of held) if (this.live) this.process(entry);
  }

  /**
   * The earlier id's part of an alias spanning two partitions: once every message of its users
   * before this point has settled and been acked here, the alias's home may send the alias.
   */
  private async completeHold(entry: Entry & { kind: 'hold' | 'follow' }): Promise<void> {
    const before: Promise<void>[] = [];
    for (const id of entry.ids)
      for (const acked of this.unsettled.get(id) ?? []) before.push(acked);
    await Promise.all(before);
    if (!this.live) return;
    await RELEASE_ALIAS.run(
      this.ctx.redis,
      [this.ctx.keys.alias(entry.home, entry.alias)],
      [this.ctx.aliasTtl],
    );
    this.settle({ entryId: entry.id });
  }

  private pollSoon(delay: number): void {
    if (this.watchTimer !== undefined || !this.live) return;
    this.watchTimer = setTimeout(() => {
      void this.poll().finally(() => {
        this.watchTimer = undefined;
        if (this.watches.size > 0) this.pollSoon(20);
      });
    }, delay);
  }

  private async poll(): Promise<void> {
    const keys = [...this.watches.keys()];
    if (keys.length === 0 || !this.live) return;
    const pipeline = this.ctx.redis.pipeline();
    for (const key of keys) pipeline.get(key);
    const replies = (await pipeline.exec().catch(() => null)) ?? [];
    keys.forEach((key, index) => {
      const value = replies[index]?.[1];
      const list = this.watches.get(key);
      if (!list) return;
      const ready = list.filter(
        (w) => value === 'done' || (w.want === 'released' && value === 'released'),
      );
      if (ready.length === 0) return;
      const rest = list.filter((w) => !ready.includes(w));
      if (rest.length > 0) this.watches.set(key, rest);
      else this.watches.delete(key);
      for (const w of ready) w.resolve();
    });
  }

  // ── delivery ──────────────────────────────────────────────────────────────────────────────

  private deliver(message: EntryMessage): void {
    let acked!: () => void;
    const settled = new Promise<void>((resolve) => {
      acked = resolve;
    });
    for (const id of message.ids) {
      const set = this.unsettled.get(id);
      if (set) set.add(settled);
      else this.unsettled.set(id, new Set([settled]));
    }
    const done = () => {
      for (const id of message.ids) {
        const set = this.unsettled.get(id);
        set?.delete(settled);
        if (set?.size === 0) this.unsettled.delete(id);
      }
      acked();
    };
    this.queue.enqueue(message, message.ids[0] ?? '', message.ids[1]).then(
      () => this.settle({ entryId: message.entryId, message, done }),
      (error: ConnectError) => {
        // Closed: abandoned by a stop; the entry stays pending for the next holder.
        if (error instanceof ClientClosedError) return;
        this.settle({ entryId: message.entryId, message, error, done });
      },
    );
  }

  /** The engine's `send`: records the request (fenced), then sends it with that GUID. */
  private async send(
    path: string,
    body: string,
    messageCount: number,
    messageIds: () => readonly string[],
    queued: readonly QueuedMessage[],
  ): Promise<SendResult> {
    const messages = queued as readonly EntryMessage[];
    if (!this.live) return closed(path);
    const guid = randomUUID();
    const record: FlightRecord = {
      seq: [this.epoch, ++this.flightSeq],
      path,
      ids: messages.map((message) => message.entryId),
    };
    try {
      const answer = await FLIGHT.run(
        this.ctx.redis,
        [this.key('lease'), this.key('flights')],
        [this.token, guid, JSON.stringify(record)],
      );
      if (answer === -1) {
        this.fence('lease lost');
        return closed(path);
      }
    } catch (error) {
      this.fence(`Redis failed: ${(error as Error)?.message}`);
      return closed(path);
    }
    for (const message of messages) message.flight = guid;
    const result = await this.transport.send(path, body, messageCount, messageIds, guid);
    if (!result.ok && isRefusal(result.error) && this.live) {
      // Connect did nothing with it: forget it, so no one sends it again as it was.
      await this.forgetFlight(guid).catch(() => {});
      for (const message of messages) if (message.flight === guid) message.flight = undefined;
    }
    return result;
  }

  /** Waits until an attempt may start: the lease outlasts it, and the shared limits allow it. */
  private async beforeAttempt(): Promise<void> {
    const { timeout, limits } = this.ctx;
    for (;;) {
      if (!this.live) throw new Error('the partition was given up');
      if (Date.now() + timeout + LEASE_MARGIN < this.validUntil) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (limits.active) await limits.permit(() => !this.live);
    if (!this.live || Date.now() + timeout >= this.validUntil) {
      throw new Error('the lease ran short while waiting for a permit');
    }
  }

  // ── settling ──────────────────────────────────────────────────────────────────────────────

  /** Queues an ack (and dead letter); they go to Redis together, once per turn. */
  private settle(settlement: Settlement): void {
    if (!this.live) return;
    this.settlements.push(settlement);
    if (this.settling) return;
    this.settling = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.settling = undefined;
      const flush = this.flushSettlements().catch((error: unknown) =>
        this.fence(`Redis failed: ${(error as Error)?.message}`),
      );
      this.settleFlushes.add(flush);
      void flush.finally(() => this.settleFlushes.delete(flush));
    });
  }

  /** Resolves when every settlement queued so far reached Redis. */
  private async settledAll(): Promise<void> {
    while (this.settling || this.settleFlushes.size > 0) {
      await this.settling;
      await Promise.all([...this.settleFlushes]);
    }
  }

  private async flushSettlements(): Promise<void> {
    const batch = this.settlements;
    this.settlements = [];
    if (batch.length === 0 || !this.live) return;
    const flights = new Set<string>();
    const dead: string[] = [];
    const aliasKeys: string[] = [];
    const now = Date.now();
    for (const { message, error, entryId } of batch) {
      if (message?.flight) flights.add(message.flight);
      if (message?.wait && message.type === 'alias') {
        aliasKeys.push(this.ctx.keys.alias(this.partition, message.wait));
      }
      if (error)
        dead.push(JSON.stringify(deadLetterFields(message, error, entryId, this.partition, now)));
    }
    const answer = await SETTLE.run(
      this.ctx.redis,
      [this.key('lease'), this.key('stream'), this.key('flights'), this.key('dead'), ...aliasKeys],
      [
        this.token,
        GROUP,
        this.ctx.aliasTtl,
        batch.length,
        ...batch.map((s) => s.entryId),
        flights.size,
        ...flights,
        dead.length,
        ...dead,
      ],
    );
    if (answer === -1) return this.fence('lease lost');
    this.inHand -= batch.length;
    for (const { message, error, done } of batch) {
      if (message) {
        if (error) {
          this.ctx.counts.deadLettered++;
          this.ctx.emit('deadLetter', {
            partition: this.partition,
            entryId: message.entryId,
            messageId: message.messageId,
            type: message.type,
            error,
          });
        } else this.ctx.counts.delivered++;
      }
      done?.();
    }
    this.roomWaiter?.();
  }
}

/** A refusal Connect answered with: the request was not applied (4xx but 408 and 429). */
function isRefusal(error: ConnectError): boolean {
  return (
    error instanceof ConnectApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

function closed(path: string): SendResult {
  return {
    ok: false,
    attempts: 0,
    error: new ClientClosedError(`the partition was given up before POST ${path} was sent`),
  };
}

function parseFlight(text: string): FlightRecord | undefined {
  try {
    const record = JSON.parse(text) as FlightRecord;
    return Array.isArray(record.ids) && typeof record.path === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

function compareSeq(a: [number, number] | undefined, b: [number, number] | undefined): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  return a[0] - b[0] || a[1] - b[1];
}

/** What an unreadable entry is dead-lettered as. */
function unreadable(raw: RawEntry): EntryMessage {
  return new EntryMessage(
    { type: 'track', lane: 'direct', path: raw.fields.p ?? '' },
    raw.fields.j ?? '',
    0,
    raw.fields.mid ?? raw.id,
    [],
    raw.id,
    raw.fields,
    undefined,
  );
}

/** A dead letter: the entry's own fields, and the error as `err.*` fields. */
function deadLetterFields(
  message: EntryMessage | undefined,
  error: ConnectError,
  entryId: string,
  partition: number,
  now: number,
): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(message?.fields ?? {})) fields.push(name, value);
  fields.push('err.name', error.name, 'err.code', error.code, 'err.message', error.message);
  if (error instanceof ConnectApiError) fields.push('err.status', String(error.status));
  fields.push('err.entry', entryId, 'err.partition', String(partition), 'err.at', String(now));
  return fields;
}
