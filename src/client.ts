import {
  CLIENT_DEFAULTS,
  type ConnectClientOptions,
  type ConnectLogger,
  MAX_TIMER_MS,
  resolveClientOptions,
} from './client-options';
import { type CallType, type ConnectClientEvents, Emitter, type Listener } from './delivery/events';
import {
  type SerializedMessage,
  serializeMessage,
  toJson,
  tooLarge,
  utf8Length,
} from './delivery/message-size';
import {
  DeliveryQueue,
  type DeliveryReport,
  type DeliveryResult,
  type MessageKind,
  newMessageId,
  QueuedMessage,
} from './delivery/queue';
import { Transport } from './delivery/transport';
import { BeforeSendError, ClientClosedError, ConnectError, ValidationError } from './errors';
import { isPlainObject } from './leaf/values';
import {
  CALLS,
  isCallType,
  type MessageOf,
  mapCall,
  mapCallForWire,
  type OutgoingCall,
} from './mappers/calls';
import type { MappedCall } from './mappers/mapped-call';
import { type ResolvedMappingOptions, resolveMappingOptions } from './mappers/options';
import type { MappingOptions } from './schemas/mapping-options';
import { invalid, issueAt } from './schemas/parse';
import type { AnyEvents, PlannedTrackMessage, TrackingPlan } from './schemas/types';
import type { MappingWarning } from './schemas/warning';

/** A call {@link ConnectClient.prepare} checked, mapped and serialized, for {@link ConnectClient.send}. */
export interface PreparedCall {
  /** The kind of call. */
  readonly type: CallType;
  /** The message's id: the call's `messageId`, or a UUID the client made. */
  readonly messageId: string;
  /** What the mapping warned about. */
  readonly warnings: readonly MappingWarning[];
  /** True when `beforeSend` dropped it: sending it resolves at once, unsent. */
  readonly dropped: boolean;
}

/** Options of {@link ConnectClient.close}. */
export interface CloseOptions {
  /** Milliseconds to wait for delivery before giving up on what is left. Default 10 s. */
  timeout?: number;
}

/**
 * Sends Segment-style calls to Zendesk Connect. Calls are validated and mapped at once (bad
 * input throws `ValidationError` synchronously), then coalesced into batches, sent with retries,
 * and settled: each call's promise resolves when Connect accepted the message and rejects with a
 * typed error when it finally failed. Ignoring the promise is safe: it is marked handled, and
 * failures are also emitted as `error` events.
 *
 * @example
 * ```ts
 * import { ConnectClient } from 'zendesk-connect';
 *
 * const connect = new ConnectClient({ apiKey: env.CONNECT_API_KEY }); // a server-side secret
 * connect.on('error', ({ error, messageId }) => console.error(messageId, error.message));
 *
 * await connect.identify({ userId: '019mr8mf4r', traits: { name: 'Michael Bolton', email: 'mbolton@example.com' } });
 * await connect.track({ userId: '019mr8mf4r', event: 'Signed Up', properties: { plan: 'Startup' } });
 * const report = await connect.close(); // { delivered: 2, failed: 0, dropped: 0 }
 * ```
 */
export class ConnectClient<Plan extends TrackingPlan = AnyEvents> {
  private readonly queue: DeliveryQueue;
  private readonly emitter: Emitter;
  private readonly mapping: MappingOptions;
  private readonly resolvedMapping: ResolvedMappingOptions;
  private readonly beforeSend:
    | ((call: OutgoingCall) => OutgoingCall | null | undefined | false)
    | undefined;
  private readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  private readonly logger: ConnectLogger | undefined;
  private readonly abort = new AbortController();
  private readonly maxMessageBytes: number;
  private readonly maxQueueSize: number;
  private closing: Promise<DeliveryReport> | undefined;
  private readonly enabled: boolean;
  /** What `prepare` made, until it is sent. */
  private readonly preparedCalls = new WeakMap<PreparedCall, Checked>();

  /** @throws {ValidationError} when an option is invalid, naming it (never echoing the key). */
  constructor(options: ConnectClientOptions) {
    const resolved = readable('ConnectClient', () =>
      resolveClientOptions(options, {
        fetch: globalThis.fetch?.bind(globalThis),
        isBrowser: isBrowser(),
      }),
    );
    this.logger = resolved.logger || undefined;
    this.enabled = resolved.enabled;
    this.emitter = new Emitter(
      (error) => this.report('zendesk-connect: an event listener threw', error),
      resolved.logger === undefined ? warnWhenUnheard() : undefined,
    );
    this.mapping = resolved.mapping;
    this.resolvedMapping = resolveMappingOptions(resolved.mapping);
    this.beforeSend = resolved.beforeSend;
    this.waitUntil = resolved.waitUntil;
    this.maxMessageBytes = resolved.maxMessageBytes;
    this.maxQueueSize = resolved.maxQueueSize;
    const transport = new Transport({
      ...resolved,
      signal: this.abort.signal,
      emitter: this.emitter,
    });
    this.queue = new DeliveryQueue({
      ...resolved,
      send: (path, body, messageCount, messageIds) =>
        transport.send(path, body, messageCount, messageIds),
      emitter: this.emitter,
    });
    if (this.logger) this.forwardToLogger(this.logger);
  }

  /**
   * Creates or updates a user (`userId`, or `anonymousId` before sign-up) with their traits.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.identify({
   *   userId: '019mr8mf4r',
   *   traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '+1 415 555 2671' },
   *   context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
   * });
   * ```
   */
  identify(message: MessageOf<'identify'>): Promise<DeliveryResult> {
    return this.call('identify', message);
  }

  /**
   * Records an event.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.track({ userId: '019mr8mf4r', event: 'Signed Up', properties: { plan: 'Startup' } });
   * ```
   */
  track(message: PlannedTrackMessage<Plan>): Promise<DeliveryResult> {
    return this.call('track', message);
  }

  /**
   * Joins an earlier id (`previousId`, else `anonymousId`) to `userId`: Connect merges the users.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.alias({ userId: '019mr8mf4r', previousId: anonymousId });
   * ```
   */
  alias(message: MessageOf<'alias'>): Promise<DeliveryResult> {
    return this.call('alias', message);
  }

  /**
   * Puts a user in a group, with the group's attributes.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.group({ userId: '019mr8mf4r', groupId: 'acme', traits: { plan: 'enterprise' } });
   * ```
   */
  group(message: MessageOf<'group'>): Promise<DeliveryResult> {
    return this.call('group', message);
  }

  /**
   * Registers a push token for a user.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.registerPushToken({ userId: '019mr8mf4r', platform: 'apns', token: deviceToken });
   * ```
   */
  registerPushToken(message: MessageOf<'registerPushToken'>): Promise<DeliveryResult> {
    return this.call('registerPushToken', message);
  }

  /**
   * Disables one push token of a user, or every token on the platform with `all: true`.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.disablePushToken({ userId: '019mr8mf4r', platform: 'fcm', all: true });
   * ```
   */
  disablePushToken(message: MessageOf<'disablePushToken'>): Promise<DeliveryResult> {
    return this.call('disablePushToken', message);
  }

  /**
   * Subscribes a user to every campaign, or to the listed `campaignIds`.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.subscribe({ userId: '019mr8mf4r' });
   * ```
   */
  subscribe(message: MessageOf<'subscribe'>): Promise<DeliveryResult> {
    return this.call('subscribe', message);
  }

  /**
   * Unsubscribes a user from every campaign, or from the listed `campaignIds`.
   *
   * @throws {ValidationError} synchronously, naming the field; nothing is queued.
   * @example
   * ```ts
   * await connect.unsubscribe({ userId: '019mr8mf4r', campaignIds: [12] });
   * ```
   */
  unsubscribe(message: MessageOf<'unsubscribe'>): Promise<DeliveryResult> {
    return this.call('unsubscribe', message);
  }

  /**
   * Checks a call as this client would send it (its mapping options included), without sending
   * it. Returns the mapping's warnings.
   *
   * @throws {ValidationError} naming the field, as the call itself would.
   * @example
   * ```ts
   * connect.validate({ type: 'track', message: { userId: 'u1', event: '' } }); // throws ValidationError
   * ```
   */
  validate(call: OutgoingCall): MappingWarning[] {
    return readable('validate', () => {
      assertCall('validate', call);
      return [...(this.serialized(call.type, call.message, undefined).message.warnings ?? [])];
    });
  }

  /**
   * Sends what is queued without waiting out the linger, and resolves when every message queued
   * before the call has settled (delivered or failed). Concurrent calls share one promise; it
   * never rejects.
   *
   * @example
   * ```ts
   * connect.track({ userId: 'u1', event: 'Signed Up' });
   * await connect.flush();
   * ```
   */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * Stops intake (later calls reject with `ClientClosedError`), delivers what is queued, and
   * resolves by the deadline with how every message ended. Messages still queued at the deadline
   * are dropped; requests still in flight are aborted and their messages fail. Calling it again
   * returns the same promise.
   *
   * @example
   * ```ts
   * const { delivered, failed, dropped } = await connect.close({ timeout: 5_000 });
   * ```
   */
  close(options: CloseOptions = {}): Promise<DeliveryReport> {
    const timeout = options.timeout ?? CLIENT_DEFAULTS.closeTimeout;
    if (typeof timeout !== 'number' || !(timeout >= 0 && timeout <= MAX_TIMER_MS)) {
      throw invalid(
        'close',
        'timeout',
        `must be a number of milliseconds from 0 to ${MAX_TIMER_MS}`,
      );
    }
    this.closing ??= this.shutDown(timeout);
    return this.closing;
  }

  /**
   * How full the queue is, read-only: the messages waiting or in flight, and `maxQueueSize` (past
   * it a call is dropped with `QueueFullError`). For shedding load before that, as
   * `createConnectProxy` does.
   *
   * @example
   * ```ts
   * const { queued, maxQueueSize } = connect.queueLoad;
   * if (queued > maxQueueSize / 2) console.warn('Connect is slow: the queue is half full');
   * ```
   */
  get queueLoad(): { queued: number; maxQueueSize: number } {
    return { queued: this.queue.size, maxQueueSize: this.maxQueueSize };
  }

  /**
   * Listens to an event; returns the function that stops listening. A listener that throws is
   * logged and skipped: it cannot break delivery.
   *
   * @example
   * ```ts
   * const off = connect.on('retry', ({ path, retryCount, error }) => console.warn(path, retryCount, error.message));
   * off();
   * ```
   */
  on<E extends keyof ConnectClientEvents>(event: E, listener: Listener<E>): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * The call mapped and serialized, as a message to queue (its warnings must not be changed:
   * they may be shared), with the Connect user ids it writes; throws ValidationError, naming the
   * field.
   */
  private serialized(
    type: CallType,
    message: unknown,
    givenId: string | undefined,
  ): Checked & { message: QueuedMessage } {
    const { path, body, warnings } = mapCallForWire(
      type,
      message,
      this.mapping,
      this.resolvedMapping,
    );
    const json = toJson(type, body);
    const bytes = utf8Length(json);
    if (bytes > this.maxMessageBytes) throw tooLarge(type, body, bytes, this.maxMessageBytes);
    const { user_id, previous_id } = body as { user_id: unknown; previous_id?: unknown };
    return {
      message: new QueuedMessage(kindOf(type, path), json, bytes, givenId, warnings),
      givenId,
      userId: String(user_id),
      previousId: previous_id === undefined ? undefined : String(previous_id),
    };
  }

  private call(type: CallType, message: unknown): Promise<DeliveryResult> {
    try {
      return this.sendChecked(type, this.check(type, message));
    } catch (error) {
      throw readableError(type, error);
    }
  }

  /**
   * Checks, maps and serializes a call (running `beforeSend`) without sending it: the first half
   * of every call, for callers that must check a whole batch before sending any of it (the
   * proxy does). Send it with {@link ConnectClient.send}, once.
   *
   * @throws {ValidationError} naming the field, or {@link BeforeSendError}; nothing is queued.
   * @example
   * ```ts
   * const prepared = calls.map((call) => connect.prepare(call)); // throws on the first bad one
   * await Promise.all(prepared.map((call) => connect.send(call))); // all of them, or none above
   * ```
   */
  prepare(call: OutgoingCall): PreparedCall {
    return readable('prepare', () => {
      assertCall('prepare', call);
      const checked = this.check(call.type, call.message);
      const { message } = checked;
      const prepared: PreparedCall = {
        type: call.type,
        messageId: idOf(checked),
        warnings: message?.warnings ?? [],
        dropped: message === null,
      };
      this.preparedCalls.set(prepared, checked);
      return prepared;
    });
  }

  /**
   * Sends a call {@link ConnectClient.prepare} made: resolves when Connect accepted it, rejects
   * with a typed error when it finally failed, like the call methods.
   *
   * @throws {ValidationError} when `prepared` did not come from this client's `prepare`, or was sent already.
   * @example
   * ```ts
   * const result = await connect.send(connect.prepare({ type: 'track', message: { userId: 'u1', event: 'E' } }));
   * ```
   */
  send(prepared: PreparedCall): Promise<DeliveryResult> {
    return readable('send', () => {
      const checked = this.preparedCalls.get(prepared);
      if (checked === undefined) {
        throw invalid('send', '', 'takes a call this client prepared, once');
      }
      this.preparedCalls.delete(prepared);
      return this.sendChecked(prepared.type, checked);
    });
  }

  /**
   * Checks, maps and serializes a call, running `beforeSend`: the message to queue (null when
   * `beforeSend` dropped it) and the Connect user ids it writes.
   */
  private check(type: CallType, message: unknown): Checked {
    const givenId = messageIdOf(message);
    let outgoing: unknown = message;
    if (this.beforeSend) {
      let call: OutgoingCall | null | undefined | false;
      try {
        call = this.beforeSend({
          type,
          message: message as Record<string, unknown>,
        } as OutgoingCall);
      } catch (error) {
        throw new BeforeSendError(
          `${type}: beforeSend threw: ${reasonOf(error)}; the call was not sent`,
          { cause: error },
        );
      }
      if (!call) return { message: null, givenId, userId: '', previousId: undefined };
      if (!isPlainObject(call) || call.type !== type || !isPlainObject(call.message)) {
        throw invalid(
          type,
          '',
          'beforeSend must return the call it was given ({ type, message }, changed or not), or null to drop it',
        );
      }
      outgoing = call.message;
    }
    return this.serialized(type, outgoing, givenId);
  }

  private sendChecked(type: CallType, checked: Checked): Promise<DeliveryResult> {
    const { message } = checked;
    if (this.closing) {
      const error = new ClientClosedError(`${type}: the client is closed; the call was not sent`);
      this.queue.recordDrop(type, idOf(checked), 'closed', error);
      return handled(Promise.reject(error));
    }
    if (message === null) {
      const messageId = idOf(checked);
      this.queue.recordDrop(type, messageId, 'before_send');
      return handled(Promise.resolve({ messageId, attempts: 0, warnings: [] }));
    }
    if (!this.enabled) {
      this.queue.recordDrop(type, message.messageId, 'disabled');
      return handled(
        Promise.resolve({
          messageId: message.messageId,
          attempts: 0,
          warnings: message.warnings ?? [],
        }),
      );
    }
    if (message.warnings) {
      for (const warning of message.warnings) {
        this.emitter.emit('warning', { warning, messageId: message.messageId, type });
      }
    }
    const delivery = this.queue.enqueue(message, checked.userId, checked.previousId);
    if (this.waitUntil) {
      try {
        this.waitUntil(delivery.then(noop, noop));
      } catch (error) {
        // A Worker's waitUntil throws once its response went out; the message is queued anyway.
        this.report('zendesk-connect: waitUntil threw; the message is still delivered', error);
      }
    }
    return delivery;
  }

  private async shutDown(timeout: number): Promise<DeliveryReport> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeout);
    });
    const outcome = await Promise.race([this.queue.flush().then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.queue.abandon();
      this.abort.abort();
    }
    return this.queue.report();
  }

  /** Tells the logger about a problem that does not stop delivery; a logger that throws is ignored. */
  private report(message: string, error: unknown): void {
    try {
      this.logger?.error?.(message, { error });
    } catch {
      // Nowhere left to report to.
    }
  }

  private forwardToLogger(logger: ConnectLogger): void {
    this.emitter.on('warning', ({ warning, messageId }) =>
      logger.warn?.(`zendesk-connect: ${warning.message}`, { messageId, code: warning.code }),
    );
    this.emitter.on('retry', ({ path, retryCount, error }) =>
      logger.debug?.(
        `zendesk-connect: retrying POST ${path} (retry ${retryCount}): ${error.message}`,
      ),
    );
    this.emitter.on('error', ({ error, messageId, type }) =>
      logger.error?.(`zendesk-connect: ${type} failed: ${error.message}`, {
        messageId,
        code: error.code,
      }),
    );
    this.emitter.on('drop', ({ reason, messageId, type }) =>
      logger.warn?.(`zendesk-connect: ${type} dropped (${reason})`, { messageId }),
    );
  }
}

const noop = () => {};

/** A call checked, mapped and serialized, until it is sent. */
interface Checked {
  /** What is queued; null when `beforeSend` dropped the call. */
  message: QueuedMessage | null;
  /** The call's own `messageId`, if it gave one (a dropped call's id once made). */
  givenId: string | undefined;
  /** The Connect user ids it writes: `user_id`, and an alias's `previous_id`. */
  userId: string;
  previousId: string | undefined;
}

/** The id a checked call reports: its message's, else the call's own, else a new one. */
function idOf(checked: Checked): string {
  if (checked.message) return checked.message.messageId;
  checked.givenId ??= newMessageId();
  return checked.givenId;
}

/** Per call type, one {@link MessageKind} per endpoint, shared by every message of it. */
const KINDS: { [T in CallType]?: MessageKind[] } = {};

function kindOf(type: CallType, path: string): MessageKind {
  let kinds = KINDS[type];
  if (!kinds) {
    kinds = [];
    KINDS[type] = kinds;
  }
  for (const kind of kinds) if (kind.path === path) return kind;
  const kind: MessageKind = { type, lane: CALLS[type].lane, path };
  kinds.push(kind);
  return kind;
}

/** A kind of failure is told again after this long, not on every message. */
const UNHEARD_INTERVAL_MS = 60_000;

/**
 * What the client does when a message finally fails (or is dropped because the queue is full)
 * and nobody listens: one `console.warn` per kind of failure a minute, naming the fix. Silent
 * loss is the worst failure of an analytics SDK; `logger: false` opts out.
 */
function warnWhenUnheard() {
  const lastWarned = new Map<string, number>();
  return <E extends keyof ConnectClientEvents>(event: E, payload: ConnectClientEvents[E]) => {
    let kind: string;
    let what: string;
    if (event === 'error') {
      const { error, type } = payload as ConnectClientEvents['error'];
      kind = error.code;
      what = `a ${type} was not delivered: ${error.message}`;
    } else if (
      event === 'drop' &&
      (payload as ConnectClientEvents['drop']).reason === 'queue_full'
    ) {
      const { type } = payload as ConnectClientEvents['drop'];
      kind = 'queue_full';
      what = `a ${type} was dropped: the queue is full (maxQueueSize)`;
    } else return;
    const now = Date.now();
    if (now - (lastWarned.get(kind) ?? Number.NEGATIVE_INFINITY) < UNHEARD_INTERVAL_MS) return;
    lastWarned.set(kind, now);
    console.warn(
      `zendesk-connect: ${what}. Listen with connect.on('error', …) or pass a logger to handle failures (logger: false silences this; repeats of this kind are not shown for a minute).`,
    );
  };
}

/**
 * Runs `read`; anything it throws that is not already a `ConnectError` (a getter or a `toJSON`
 * that throws, a hostile Proxy) becomes a `ValidationError` with the original as its cause: every
 * error the SDK throws is a `ConnectError`.
 */
export function readable<T>(call: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw readableError(call, error);
  }
}

/** What {@link readable} throws for `error`: itself when it is a `ConnectError`. */
function readableError(call: string, error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  return new ValidationError(
    [issueAt(call, '', `the input could not be read: ${reasonOf(error)}`)],
    {
      cause: error,
    },
  );
}

/** A thrown value's message, without trusting it to be readable. */
function reasonOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an error that cannot be read';
  }
}

/**
 * A call validated, mapped and serialized as the client queues it (the Redis door's producer
 * makes its messages with it too); throws `ValidationError`, naming the field.
 */
export function prepareCall(
  type: CallType,
  message: unknown,
  mapping: MappingOptions,
  maxMessageBytes: number,
): MappedCall<string, unknown> & SerializedMessage {
  const mapped = mapCall(type, message, mapping);
  const { json, bytes } = serializeMessage(type, mapped.body, maxMessageBytes);
  return { path: mapped.path, body: mapped.body, warnings: mapped.warnings, json, bytes };
}

/** Throws a `ValidationError` at `type` unless `call` is a `{ type, message }` of a known call. */
export function assertCall(where: string, call: unknown): asserts call is OutgoingCall {
  if (!isPlainObject(call) || !isCallType(call.type)) {
    throw invalid(
      where,
      'type',
      `must be one of ${Object.keys(CALLS).join(', ')}, in a call { type, message }`,
    );
  }
}

/** Marks a promise handled, so a caller that ignores it never sees an unhandled rejection. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(noop);
  return promise;
}

/** The Connect user ids a mapped body writes: its `user_id`, and an alias's `previous_id`. */
export function writtenIds(body: unknown): string[] {
  const { user_id, previous_id } = body as { user_id: unknown; previous_id?: unknown };
  return previous_id === undefined ? [String(user_id)] : [String(user_id), String(previous_id)];
}

export function messageIdOf(message: unknown): string | undefined {
  const id = isPlainObject(message) ? message.messageId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** A page (a window with a document), where a private key would be public. */
function isBrowser(): boolean {
  const global = globalThis as { window?: unknown; document?: unknown };
  return typeof global.window !== 'undefined' && typeof global.document !== 'undefined';
}
