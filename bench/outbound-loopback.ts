/**
 * Zendesk's official Node SDK, `outbound` 1.3.0, pointed at the loopback emulator. Its base URL is
 * a constant (`https://api.outbound.io/v2`) with no option to change it, so this loads a copy of
 * its one source file with that constant replaced: nothing else in it is touched.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ORIGINAL_BASE_URL = 'https://api.outbound.io/v2';

/** outbound's promises come from its own small library: `then` is all the bench relies on. */
export interface Thenable {
  then(onDelivered: () => void, onFailed: (error: unknown) => void): unknown;
}

/** The calls of `outbound` 1.3.0 that the benchmarks make. */
export interface OutboundClient {
  identify(userId: string, attributes: Record<string, unknown>): Thenable;
  track(userId: string, event: string, properties?: object, timestamp?: number): Thenable;
}

/** A new `outbound` client sending to `baseUrl` (`http://127.0.0.1:PORT`). */
export function loadOutbound(baseUrl: string, apiKey: string): OutboundClient {
  const original = require.resolve('outbound');
  const source = readFileSync(original, 'utf8');
  if (!source.includes(ORIGINAL_BASE_URL)) throw new Error('outbound: base URL not found');
  const copy = original.replace(/outbound\.js$/, `outbound.loopback-${process.pid}.cjs`);
  writeFileSync(copy, source.replace(ORIGINAL_BASE_URL, `${baseUrl}/v2`));
  // A fresh load each time: the base URL and the key are module state in outbound.
  delete require.cache[copy];
  try {
    const Outbound = require(copy) as new (apiKey: string) => OutboundClient;
    return new Outbound(apiKey);
  } finally {
    unlinkSync(copy);
  }
}
