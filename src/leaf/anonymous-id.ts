/**
 * The browser client's anonymous ids: UUID version 7 (RFC 9562), a 48-bit creation time in
 * milliseconds followed by 74 random bits. The random bits make an id impossible to guess; the
 * time lets the proxy tell a new id (which any browser may bind) from an old one (which only the
 * browser holding its binding may use). No imports: the browser door and the proxy share it.
 */

/** The browser client's form: a lower-case UUID v7. */
export const ANONYMOUS_ID_PATTERN: RegExp =
  /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * analytics.js's anonymous ids (random lower-case UUID v4s) and the browser client's (UUID v7s),
 * for a proxy that serves both. Only where your user ids are not UUID v4s: a v4 user id would
 * pass as anonymous.
 */
export const ANALYTICS_JS_ANONYMOUS_ID_PATTERN: RegExp =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A new anonymous id created at `now` (epoch milliseconds).
 *
 * @example
 * ```ts
 * newAnonymousId(Date.now()); // '019ad3a2-6c1e-7b3f-9d2a-4f1e8c7b6a50'
 * ```
 */
export function newAnonymousId(now: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let time = Math.max(0, Math.floor(now));
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * When an anonymous id in the browser client's form was created (epoch milliseconds), or
 * `undefined` for any other id.
 *
 * @example
 * ```ts
 * anonymousIdTime(newAnonymousId(1_700_000_000_000)); // 1_700_000_000_000
 * anonymousIdTime('u-victim');                         // undefined
 * ```
 */
export function anonymousIdTime(id: unknown): number | undefined {
  if (typeof id !== 'string' || !ANONYMOUS_ID_PATTERN.test(id)) return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
