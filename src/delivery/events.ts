import type { ConnectError } from '../errors';
import type { CallType } from '../mappers/calls';
import type { MappingWarning } from '../schemas/warning';

/** What the client reports, and a small typed emitter for it. */

export type { CallType };

/** Why a message was dropped without being sent. */
export type DropReason = 'queue_full' | 'before_send' | 'closed' | 'disabled';

/** Every event the client emits, with its payload. */
export interface ConnectClientEvents {
  /** A message finally failed (after any retries). */
  error: { error: ConnectError; messageId: string; type: CallType };
  /** A message was dropped without being sent. */
  drop: { reason: DropReason; messageId: string; type: CallType; error?: ConnectError };
  /** A request failed and will be tried again after `delayMs`. */
  retry: {
    path: string;
    requestId: string;
    retryCount: number;
    /** How long the client waits before the retry (Retry-After, else the jittered backoff). */
    delayMs: number;
    error: ConnectError;
  };
  /** The mapping warned about a call (it was still sent). */
  warning: { warning: MappingWarning; messageId: string; type: CallType };
  /**
   * A request (one attempt) is about to be sent: emitted before `fetch` is called, with the ids
   * of the messages it carries (`messageId`s, in the body's order). Every attempt of one request
   * carries the same `requestId` (its `X-Outbound-GUID`).
   */
  request: {
    path: string;
    requestId: string;
    attempt: number;
    messageCount: number;
    messageIds: readonly string[];
  };
  /** Connect answered an attempt. */
  response: {
    path: string;
    requestId: string;
    attempt: number;
    status: number;
    durationMs: number;
  };
  /** Connect accepted a message. */
  delivered: { messageId: string; type: CallType; attempts: number };
}

/** A listener of one event. */
export type Listener<E extends keyof ConnectClientEvents> = (
  payload: ConnectClientEvents[E],
) => void;

/** A typed emitter whose listeners cannot break delivery: a throwing listener is reported and skipped. */
export class Emitter {
  private readonly listeners = new Map<keyof ConnectClientEvents, Set<Listener<never>>>();

  constructor(
    private readonly onListenerError: (error: unknown) => void,
    /** Called with what an event carried when nobody listened to it. */
    private readonly onUnheard?: <E extends keyof ConnectClientEvents>(
      event: E,
      payload: ConnectClientEvents[E],
    ) => void,
  ) {}

  on<E extends keyof ConnectClientEvents>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  has(event: keyof ConnectClientEvents): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  emit<E extends keyof ConnectClientEvents>(event: E, payload: ConnectClientEvents[E]): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) {
      // Stryker disable next-line ConditionalExpression,OptionalChaining: equivalent: the call is optional, and guarded() would swallow its TypeError anyway
      if (this.onUnheard) this.guarded(() => this.onUnheard?.(event, payload));
      return;
    }
    for (const listener of set) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        this.guarded(() => this.onListenerError(error));
      }
    }
  }

  /** Runs a report; if the report itself throws (a logger that throws), delivery goes on. */
  private guarded(report: () => void): void {
    try {
      report();
    } catch {
      // Nowhere left to report to.
    }
  }
}
