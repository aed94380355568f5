import { assertCall, messageIdOf, prepareCall, readable, writtenIds } from '../client';
import { randomUuid } from '../delivery/uuid';
import { ClientClosedError, ConnectError } from '../errors';
import type { CallType, OutgoingCall } from '../mappers/calls';
import type {
  DisablePushTokenMessage,
  GroupMessage,
  RegisterPushTokenMessage,
  SubscriptionMessage,
} from '../schemas/account-calls';
import { type MappingOptions, mappingOptionsSchema } from '../schemas/mapping-options';
import type { AliasMessage, IdentifyMessage, TrackMessage } from '../schemas/messages';
import { invalid, parseOrThrow } from '../schemas/parse';
import type { MappingWarning } from '../schemas/warning';
import { markerFields, messageFields, type StoredMessage } from './entry';
import {
  checkSettings,
  type RedisQueueOptions,
  type ResolvedQueue,
  resolveQueue,
  wholeOption,
} from './options';
import { command } from './redis-calls';
import { APPEND, ROUTE_AND_APPEND } from './scripts';

/** Options of {@link createDurableConnect}. */
export interface DurableConnectOptions extends RedisQueueOptions {
  /** Where Android tokens go: `'fcm'` (default) or legacy `'gcm'`. */
  androidPushField?: 'fcm' | 'gcm';
  /** The country national phone numbers are read in, such as `'US'`. Default: none. */
  defaultCountry?: MappingOptions['defaultCountry'];
  /** `'keep'` (default), `'drop'` or `'reject'` a phone number that is not valid. */
  onInvalidPhone?: 'keep' | 'drop' | 'reject';
  /** Most bytes of JSON in one message; a larger call throws `ValidationError`. Default 32 KiB. */
  maxMessageBytes?: number;
  /**
   * Replicas that must hold an append before the call resolves (Redis `WAIT`; not with a
   * Cluster). Default 0: the primary's acknowledgement, as durable as its `appendfsync`.
   */
  replicas?: number;
  /** How long `WAIT` may take for `replicas`, in ms; fewer replicas in time reject the call. Default 1,000. */
  replicaTimeout?: number;
  /**
   * How many ids joined by aliases the producer remembers as one user, so a later call under
   * either id is appended after the earlier calls under both (as `ConnectClient`'s option). The
   * least recently aliased are forgotten first. Default 10,000.
   */
  aliasMemory?: number;
}

/** What a producer's call resolves with: the message is in Redis, waiting for a worker. */
export interface AppendResult {
  /** The message's id: the call's `messageId`, or a UUID the producer made. */
  messageId: string;
  /** The partition (stream) that holds it. */
  partition: number;
  /** Its stream entry id. */
  entryId: string;
  /** What the mapping warned about. */
  warnings: MappingWarning[];
}

/** A message as the producer appends it, with the warnings its call resolves with. */
interface ProducedMessage extends StoredMessage {
  readonly warnings: MappingWarning[];
}

/** The producer's events: the mapping's warnings, as `ConnectClient` reports them. */
export interface DurableConnectEvents {
  /** The mapping warned about a call (it was still queued). */
  warning: { warning: MappingWarning; messageId: string; type: CallType };
}

const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024;
const noop = () => {};

/**
 * The producer of `zendesk-connect/redis`: the same calls as `ConnectClient`, validated and
 * mapped by the same code (bad input throws the same `ValidationError`, synchronously, and
 * nothing is queued), then appended to a Redis stream. A call resolves when Redis acknowledged
 * the append, not when Connect accepted the message: workers (`createConnectWorker`) deliver it.
 * Each Connect user's messages are appended in call order. Made by {@link createDurableConnect}.
 *
 * @example
 * ```ts
 * const producer: DurableConnect = createDurableConnect({ redis });
 * const { messageId, partition } = await producer.identify({ userId: 'u1', traits: { plan: 'pro' } });
 * ```
 */
export class DurableConnect {
  private readonly queue: ResolvedQueue;
  private readonly mapping: MappingOptions;
  private readonly maxMessageBytes: number;
  private readonly replicas: number;
  private readonly replicaTimeout: number;
  private readonly warningListeners = new Set<(payload: DurableConnectEvents['warning']) => void>();
  /** The last append of each id still under way: a later call of the user goes after it. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Ids joined by aliases: each id's parent, toward its group's key (least recently joined first). */
  private readonly joined = new Map<string, string>();
  private readonly aliasMemory: number;
  private readonly inFlight = new Set<Promise<void>>();
  private ready: Promise<void> | undefined;
  private closed = false;

  /** @throws {ValidationError} when an option is invalid, naming it. */
  constructor(options: DurableConnectOptions) {
    const call = 'createDurableConnect';
    this.queue = resolveQueue(call, options);
    const mapping = parseOrThrow(
      mappingOptionsSchema(),
      {
        ...(options.androidPushField !== undefined
          ? { androidPushField: options.androidPushField }
          : {}),
        ...(options.defaultCountry !== undefined ? { defaultCountry: options.defaultCountry } : {}),
        ...(options.onInvalidPhone !== undefined ? { onInvalidPhone: options.onInvalidPhone } : {}),
      },
      call,
    );
    this.mapping = mapping;
    this.maxMessageBytes = wholeOption(
      call,
      'maxMessageBytes',
      options.maxMessageBytes,
      DEFAULT_MAX_MESSAGE_BYTES,
      1,
    );
    this.replicas = wholeOption(call, 'replicas', options.replicas, 0, 0, 64);
    this.replicaTimeout = wholeOption(call, 'replicaTimeout', options.replicaTimeout, 1_000, 1);
    this.aliasMemory = wholeOption(call, 'aliasMemory', options.aliasMemory, 10_000, 0);
  }

  /**
   * Queues an identify: creates or updates a user with their traits.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.identify({ userId: '019mr8mf4r', traits: { email: 'mbolton@example.com' } });
   * ```
   */
  identify(message: IdentifyMessage): Promise<AppendResult> {
    return this.call('identify', message);
  }

  /**
   * Queues a track: records an event.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.track({ userId: '019mr8mf4r', event: 'Signed Up', properties: { plan: 'Startup' } });
   * ```
   */
  track(message: TrackMessage): Promise<AppendResult> {
    return this.call('track', message);
  }

  /**
   * Queues an alias: joins an earlier id (`previousId`, else `anonymousId`) to `userId`. From
   * then on both ids are delivered as one user, whichever partitions they hash to.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.alias({ userId: '019mr8mf4r', previousId: anonymousId });
   * ```
   */
  alias(message: AliasMessage): Promise<AppendResult> {
    return this.call('alias', message);
  }

  /**
   * Queues a group call: puts a user in a group, with the group's attributes.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.group({ userId: '019mr8mf4r', groupId: 'acme', traits: { plan: 'enterprise' } });
   * ```
   */
  group(message: GroupMessage): Promise<AppendResult> {
    return this.call('group', message);
  }

  /**
   * Queues the registration of a push token.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.registerPushToken({ userId: '019mr8mf4r', platform: 'apns', token: deviceToken });
   * ```
   */
  registerPushToken(message: RegisterPushTokenMessage): Promise<AppendResult> {
    return this.call('registerPushToken', message);
  }

  /**
   * Queues disabling one push token, or every token on the platform with `all: true`.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.disablePushToken({ userId: '019mr8mf4r', platform: 'fcm', all: true });
   * ```
   */
  disablePushToken(message: DisablePushTokenMessage): Promise<AppendResult> {
    return this.call('disablePushToken', message);
  }

  /**
   * Queues a subscription to every campaign, or to the listed `campaignIds`.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.subscribe({ userId: '019mr8mf4r' });
   * ```
   */
  subscribe(message: SubscriptionMessage): Promise<AppendResult> {
    return this.call('subscribe', message);
  }

  /**
   * Queues an unsubscription from every campaign, or from the listed `campaignIds`.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await producer.unsubscribe({ userId: '019mr8mf4r', campaignIds: [12] });
   * ```
   */
  unsubscribe(message: SubscriptionMessage): Promise<AppendResult> {
    return this.call('unsubscribe', message);
  }

  /**
   * Checks a call as the producer would queue it, without queueing it. Returns the warnings.
   *
   * @throws {ValidationError} naming the field, as the call itself would.
   * @example
   * ```ts
   * producer.validate({ type: 'track', message: { userId: 'u1', event: '' } }); // throws ValidationError
   * ```
   */
  validate(call: OutgoingCall): MappingWarning[] {
    return readable('validate', () => {
      assertCall('validate', call);
      return prepareCall(call.type, call.message, this.mapping, this.maxMessageBytes).warnings;
    });
  }

  /**
   * Listens to the mapping's warnings; returns the function that stops listening.
   *
   * @example
   * ```ts
   * producer.on('warning', ({ warning, messageId }) => console.warn(messageId, warning.message));
   * ```
   */
  on<E extends keyof DurableConnectEvents>(
    event: E,
    listener: (payload: DurableConnectEvents[E]) => void,
  ): () => void {
    if (event !== 'warning') throw invalid('on', 'event', "must be 'warning'");
    this.warningListeners.add(listener);
    return () => {
      this.warningListeners.delete(listener);
    };
  }

  /**
   * Stops intake (later calls reject with `ClientClosedError`) and resolves when every append
   * under way has been answered. The Redis client stays open: it is the application's.
   *
   * @example
   * ```ts
   * await producer.close();
   * await redis.quit();
   * ```
   */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private call(type: CallType, message: unknown): Promise<AppendResult> {
    return readable(type, () => this.appended(type, message));
  }

  private appended(type: CallType, message: unknown): Promise<AppendResult> {
    const messageId = messageIdOf(message) ?? randomUuid();
    if (this.closed) {
      const refused = Promise.reject(
        new ClientClosedError(`${type}: the producer is closed; the call was not queued`),
      );
      refused.catch(noop);
      return refused;
    }
    const { path, body, warnings, json, bytes } = prepareCall(
      type,
      message,
      this.mapping,
      this.maxMessageBytes,
    );
    for (const warning of warnings) {
      for (const listener of this.warningListeners) {
        try {
          listener({ warning, messageId, type });
        } catch {
          // A listener cannot stop a call.
        }
      }
    }
    const queued: ProducedMessage = {
      messageId,
      type,
      path,
      json,
      bytes,
      ids: writtenIds(body),
      warnings,
    };
    const keys = queued.ids.map((id) => this.groupOf(id));
    const result = this.chained(keys, () => this.append(queued));
    if (keys.length > 1) this.join(keys);
    result.catch(noop);
    return result;
  }

  /** The key of the user an id belongs to: ids joined by an alias share one. */
  private groupOf(id: string): string {
    let key = id;
    for (let parent = this.joined.get(key); parent !== undefined; parent = this.joined.get(key)) {
      key = parent;
    }
    return key;
  }

  /** Makes the users of `keys` one, from this call on (their next calls wait for this one). */
  private join(keys: readonly string[]): void {
    const [root, ...others] = keys as [string, ...string[]];
    for (const other of others) {
      if (other === root) continue;
      this.joined.delete(other);
      this.joined.set(other, root);
    }
    while (this.joined.size > this.aliasMemory) {
      const oldest = this.joined.keys().next().value as string;
      this.joined.delete(oldest);
    }
  }

  /** Runs `append` after the appends under way for any of `ids` (user keys): each user's calls stay in order. */
  private chained(
    ids: readonly string[],
    append: () => Promise<AppendResult>,
  ): Promise<AppendResult> {
    const prior: Promise<void>[] = [];
    for (const id of ids) {
      const tail = this.tails.get(id);
      if (tail) prior.push(tail);
    }
    const run = prior.length === 0 ? append() : Promise.all(prior).then(append);
    const tail = run.then(noop, noop);
    for (const id of ids) this.tails.set(id, tail);
    this.inFlight.add(tail);
    void tail.then(() => {
      this.inFlight.delete(tail);
      for (const id of ids) if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return run;
  }

  private async append(message: ProducedMessage): Promise<AppendResult> {
    try {
      this.ready ??= checkSettings(this.queue);
      await this.ready;
      const appended =
        message.ids.length > 1
          ? await this.appendAlias(message, message.ids[0] as string, message.ids[1] as string)
          : await this.appendOne(message, message.ids[0] as string);
      if (this.replicas > 0) await this.waitForReplicas(message.type);
      return { messageId: message.messageId, ...appended, warnings: message.warnings };
    } catch (error) {
      if (error instanceof ConnectError) throw error;
      throw new ConnectError(
        `${message.type}: Redis did not take the message: ${(error as Error)?.message ?? String(error)}`,
        {
          code: 'queue_unavailable',
          cause: error,
        },
      );
    }
  }

  /** A message of one id: to its partition, or where an alias routed the id. */
  private async appendOne(
    message: ProducedMessage,
    id: string,
  ): Promise<{ partition: number; entryId: string }> {
    const { keys, redis } = this.queue;
    const own = keys.partitionOf(id);
    const reply = (await APPEND.run(
      redis,
      [keys.of(own, 'routes'), keys.of(own, 'stream')],
      [id, ...messageFields(message)],
    )) as [string, string];
    if (reply[0] === 'a') return { partition: own, entryId: reply[1] };
    const routed = Number(reply[1]);
    const entryId = (await command(
      redis,
      'XADD',
      keys.of(routed, 'stream'),
      '*',
      ...messageFields(message),
    )) as string;
    return { partition: routed, entryId };
  }

  /**
   * An alias of `userId` and `previousId`. In one partition it is an ordinary message. Across two,
   * it goes in three steps, each after the last was acknowledged: a `hold` in the earlier id's
   * partition (the alias waits until what came before it there has settled), the alias in
   * `userId`'s partition (its home), then the earlier id is routed home and a `follow` marks
   * where that id's stragglers wait for the alias. Every wait points at an earlier append, so
   * two aliases appended in opposite orders can never wait for each other.
   */
  private async appendAlias(
    message: ProducedMessage,
    userId: string,
    previousId: string,
  ): Promise<{ partition: number; entryId: string }> {
    const { keys, redis } = this.queue;
    const [home, other] = await Promise.all([this.routeOf(userId), this.routeOf(previousId)]);
    if (home === other) {
      const entryId = (await command(
        redis,
        'XADD',
        keys.of(home, 'stream'),
        '*',
        ...messageFields(message),
      )) as string;
      return { partition: home, entryId };
    }
    const aliasId = randomUuid();
    await command(
      redis,
      'XADD',
      keys.of(other, 'stream'),
      '*',
      ...markerFields('hold', aliasId, home, [previousId]),
    );
    const entryId = (await command(
      redis,
      'XADD',
      keys.of(home, 'stream'),
      '*',
      ...messageFields(message, { wait: aliasId, o: String(other) }),
    )) as string;
    const follow = markerFields('follow', aliasId, home, [previousId]);
    const own = keys.partitionOf(previousId);
    if (own === other) {
      await ROUTE_AND_APPEND.run(
        redis,
        [keys.of(own, 'routes'), keys.of(own, 'stream')],
        [previousId, home, ...follow],
      );
    } else {
      await redis.hset(keys.of(own, 'routes'), previousId, String(home));
      await command(redis, 'XADD', keys.of(other, 'stream'), '*', ...follow);
    }
    return { partition: home, entryId };
  }

  /** The partition an id's messages go to now. */
  private async routeOf(id: string): Promise<number> {
    const { keys, redis } = this.queue;
    const own = keys.partitionOf(id);
    const routed = await redis.hget(keys.of(own, 'routes'), id);
    return routed === null ? own : Number(routed);
  }

  private async waitForReplicas(type: CallType): Promise<void> {
    const acked = Number(
      await command(this.queue.redis, 'WAIT', this.replicas, this.replicaTimeout),
    );
    if (acked < this.replicas) {
      throw new ConnectError(
        `${type}: appended, but only ${acked} of ${this.replicas} replicas acknowledged it within ${this.replicaTimeout} ms; it may be lost if the primary fails`,
        { code: 'not_replicated' },
      );
    }
  }
}

/**
 * Creates the producer of the Redis door: `ConnectClient`'s calls, made durable. Each call
 * validates and maps like `ConnectClient` (bad input throws `ValidationError` synchronously),
 * then resolves once Redis acknowledged the append. Run workers (`createConnectWorker`) to
 * deliver.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createDurableConnect } from 'zendesk-connect/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL);
 * const producer = createDurableConnect({ redis });
 * await producer.track({ userId: '019mr8mf4r', event: 'Signed Up' }); // in Redis now
 * ```
 */
export function createDurableConnect(options: DurableConnectOptions): DurableConnect {
  return new DurableConnect(options);
}
