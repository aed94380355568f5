import { connectErrorResponse } from './connect-errors';
import type { PlainResponse } from './plain-http';

/** Fault injection for the emulator: failures, delays, dropped connections, refused items. */

/** What a request looks like to a fault rule. */
export interface FaultRequest {
  method: string;
  path: string;
  /** 1-based count of API requests the emulator has received, this one included. */
  sequence: number;
}

/** One fault applied to one request. */
export type Fault =
  | { kind: 'fail'; status: number; retryAfter?: number | string; body?: string }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number };

/** Options of {@link ConnectEmulatorFaults.failNext}. */
export interface FailOptions {
  /** Sent as the `Retry-After` header: seconds, or an HTTP date. */
  retryAfter?: number | string;
  /** The response body; default Connect's error body for the status. */
  body?: string;
}

/** Decides, per request, whether it meets a fault; `undefined` lets it through. */
export type FaultRule = (request: FaultRequest) => Fault | undefined;

/** Decides whether Connect refuses one message (a single body or a batch item) with 400. */
export type RefusalRule = (
  message: unknown,
  where: { path: string; index: number | undefined },
) => boolean;

interface Counted {
  remaining: number;
  fault: Fault;
}

interface Labelled {
  rule: FaultRule;
  /** How the debugger page lists it. */
  label: string;
}

/**
 * The emulator's fault controls. Counted faults apply to the next N API requests (the debugger
 * page and the `/_emulator/` paths are never affected) and then stop by themselves.
 *
 * @example
 * ```ts
 * emulator.faults.failNext(2, 503, { retryAfter: 1 }); // two 503s, then normal service
 * emulator.faults.dropNext(1);                         // one dropped connection
 * emulator.faults.failEvery(10, 503, { retryAfter: 0 }); // 10% of requests, until cleared
 * emulator.faults.refuse((message) => (message as { event?: string }).event === 'poison');
 * ```
 */
export class ConnectEmulatorFaults {
  private readonly queue: Counted[] = [];
  private readonly delays: Counted[] = [];
  private rules: Labelled[] = [];
  private refusals: RefusalRule[] = [];

  /**
   * The next `count` requests fail with `status` (and optionally `Retry-After` and a body). A
   * count of 0 or less adds nothing.
   */
  failNext(count: number, status: number, options: FailOptions = {}): this {
    checkStatus('failNext', status);
    if (!(count > 0)) return this;
    this.queue.push({ remaining: count, fault: { kind: 'fail', status, ...options } });
    return this;
  }

  /**
   * Every `every`-th request from now on (until cleared) fails with `status`: a steady failure
   * rate that is the same on every run (`every: 10` fails 10% of requests, retries included).
   */
  failEvery(every: number, status: number, options: FailOptions = {}): this {
    if (!Number.isInteger(every) || every < 1) {
      throw new RangeError(`failEvery: every must be a whole number of at least 1, not ${every}`);
    }
    checkStatus('failEvery', status);
    let seen = 0;
    const fault: Fault = { kind: 'fail', status, ...options };
    return this.add(
      () => (++seen % every === 0 ? fault : undefined),
      `${every === 1 ? 'every' : `every ${ordinal(every)}`} request fails with ${status}`,
    );
  }

  /** The next `count` requests lose their connection: no response at all. A count of 0 or less adds nothing. */
  dropNext(count: number): this {
    if (!(count > 0)) return this;
    this.queue.push({ remaining: count, fault: { kind: 'drop' } });
    return this;
  }

  /**
   * The next `count` requests (default: all, until cleared) are answered after `ms` milliseconds.
   * A count or delay of 0 or less adds nothing.
   */
  delay(ms: number, count = Number.POSITIVE_INFINITY): this {
    if (!(count > 0) || !(ms > 0)) return this;
    this.delays.push({ remaining: count, fault: { kind: 'delay', ms } });
    return this;
  }

  /** Every request is offered to `rule` first; its fault wins over the counted ones. */
  use(rule: FaultRule): this {
    return this.add(rule, 'a custom fault rule');
  }

  /** Messages for which `rule` is true are refused with 400, taking their whole request with them. */
  refuse(rule: RefusalRule): this {
    this.refusals.push(rule);
    return this;
  }

  /** Removes every fault. */
  clear(): void {
    this.queue.length = 0;
    this.delays.length = 0;
    this.rules = [];
    this.refusals = [];
  }

  /** @internal The delay and the fault (if any) for this request, consuming counted ones. */
  next(request: FaultRequest): { delayMs: number; fault: Fault | undefined } {
    let delayMs = 0;
    const delay = this.delays[0];
    if (delay && delay.fault.kind === 'delay') {
      delayMs = delay.fault.ms;
      if (--delay.remaining <= 0) this.delays.shift();
    }
    for (const { rule } of this.rules) {
      const fault = rule(request);
      if (fault?.kind === 'delay') delayMs += fault.ms;
      else if (fault) return { delayMs, fault };
    }
    const counted = this.queue[0];
    if (!counted) return { delayMs, fault: undefined };
    if (--counted.remaining <= 0) this.queue.shift();
    return { delayMs, fault: counted.fault };
  }

  /** @internal True when a refusal rule refuses `message`. */
  refuses(message: unknown, where: { path: string; index: number | undefined }): boolean {
    return this.refusals.some((rule) => rule(message, where));
  }

  /** @internal What is armed, one sentence each, in the order it applies: the debugger page lists them. */
  describe(): string[] {
    const next = (remaining: number, one: string, many: string) =>
      remaining === Number.POSITIVE_INFINITY
        ? `every request ${one}`
        : remaining === 1
          ? `the next request ${one}`
          : `the next ${remaining} requests ${many}`;
    const armed = this.delays.map(({ remaining, fault }) => {
      const after = `answered after ${(fault as { ms: number }).ms} ms`;
      return next(remaining, `is ${after}`, `are ${after}`);
    });
    for (const { label } of this.rules) armed.push(label);
    for (const { remaining, fault } of this.queue) {
      armed.push(
        fault.kind === 'drop'
          ? next(remaining, 'is dropped', 'are dropped')
          : next(
              remaining,
              `fails with ${(fault as { status: number }).status}`,
              `fail with ${(fault as { status: number }).status}`,
            ),
      );
    }
    if (this.refusals.length > 0)
      armed.push(`${this.refusals.length} refusal rule${this.refusals.length === 1 ? '' : 's'}`);
    return armed;
  }

  private add(rule: FaultRule, label: string): this {
    this.rules.push({ rule, label });
    return this;
  }
}

/**
 * The error a dropped connection rejects with: a `TypeError`, like `fetch`'s network errors. The
 * loopback server destroys the socket when it sees one.
 *
 * @example
 * ```ts
 * emulator.faults.dropNext(1);
 * await emulator.fetch(request).catch((error) => error instanceof EmulatedConnectionDrop); // true
 * ```
 */
export class EmulatedConnectionDrop extends TypeError {
  constructor() {
    super('fetch failed: the Connect emulator dropped the connection');
    this.name = 'EmulatedConnectionDrop';
    Object.defineProperty(this, DROP_BRAND, { value: true });
  }

  /** True for a drop from any copy of the package (each CJS door bundles its own). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && DROP_BRAND in value;
  }
}

const DROP_BRAND = Symbol.for('zendesk-connect.emulated-connection-drop');

/** The answer a request gets under `fault`: `handle()`'s when there is none. */
export function answerUnder(
  fault: Fault | undefined,
  handle: () => PlainResponse,
): PlainResponse | 'drop' {
  if (fault?.kind === 'drop') return 'drop';
  if (fault?.kind === 'fail') {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    if (fault.body !== undefined) return { status: fault.status, headers, body: fault.body };
    return connectErrorResponse(fault.status, `injected failure (${fault.status})`, headers);
  }
  return handle();
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** An injected failure is an error status a response can carry. */
function checkStatus(method: string, status: number): void {
  if (!Number.isInteger(status) || status < 400 || status > 599)
    throw new RangeError(`${method}: status must be a whole number from 400 to 599, not ${status}`);
}
