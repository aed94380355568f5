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

/**
 * The emulator's fault controls. Counted faults apply to the next N API requests (the events
 * page and state endpoint are never affected) and then stop by themselves.
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
  private rules: FaultRule[] = [];
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
    return this.use(() => (++seen % every === 0 ? fault : undefined));
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
    this.rules.push(rule);
    return this;
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
    for (const rule of this.rules) {
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
}

/** An injected failure is an error status a response can carry. */
function checkStatus(method: string, status: number): void {
  if (!Number.isInteger(status) || status < 400 || status > 599)
    throw new RangeError(`${method}: status must be a whole number from 400 to 599, not ${status}`);
}
