/**
 * Spaces requests out to at most `rate` a second: each one starts no earlier than 1/rate after
 * the one before it. Waiting is cancelled by the request's abort signal.
 */
export class RateLimiter {
  private next = 0;
  private readonly gap: number;

  constructor(
    rate: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.gap = 1000 / rate;
  }

  /** Resolves when a request may start; rejects with the signal's reason if it aborts first. */
  wait(signal?: AbortSignal | null): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + this.gap;
    const delay = at - now;
    if (delay <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
