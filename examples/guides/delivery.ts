/** docs/delivery-and-errors.md's snippet, type-checked. */
import type { ConnectClient } from 'zendesk-connect';

declare const connect: ConnectClient;
declare const metrics: { increment(name: string, tags?: Record<string, string>): void };

// #region events
const off = connect.on('retry', ({ path, retryCount, delayMs, error }) =>
  metrics.increment('connect.retry', {
    path,
    retry: `${retryCount}`,
    delayMs: `${delayMs}`,
    error: error.name,
  }),
);
// #endregion

off();
