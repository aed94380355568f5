import { isPlainObject, isUsableString } from '../leaf/values';

/** Routes `context.device.token` to Connect's `apns`, `fcm` or `gcm` list. */

/** Which Connect field Android tokens go to: `fcm` (Firebase, the default) or legacy `gcm`. */
export type AndroidPushField = 'fcm' | 'gcm';

/** The Connect user fields that hold push tokens. */
export type PushField = 'apns' | 'fcm' | 'gcm';

const APPLE_PLATFORMS = new Set(['ios', 'ipados', 'tvos', 'watchos', 'macos', 'visionos']);

/**
 * A push token as text: a usable string trimmed, or bytes as lowercase hex. Anything else
 * (including a blank string) is no token.
 *
 * @example
 * ```ts
 * pushTokenText(' abc ');                        // 'abc'
 * pushTokenText(new Uint8Array([0xde, 0xad]));  // 'dead'
 * ```
 */
export function pushTokenText(token: unknown): string | undefined {
  if (typeof token === 'string') return isUsableString(token) ? token.trim() : undefined;
  if (token instanceof ArrayBuffer) return toHex(new Uint8Array(token));
  if (token instanceof Uint8Array) return toHex(token);
  return undefined;
}

function toHex(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The device platform a Segment context names: `context.device.type`, else `context.os.name`,
 * else `ios` or `android` found in `context.library` (its name, or the string itself).
 *
 * @example
 * ```ts
 * devicePlatform({ device: { type: 'iOS' } });             // 'iOS'
 * devicePlatform({ library: { name: 'analytics-android' } }); // 'android'
 * ```
 */
export function devicePlatform(context: Record<string, unknown>): string | undefined {
  const device = context.device;
  if (isPlainObject(device) && isUsableString(device.type)) return device.type;
  const os = context.os;
  if (isPlainObject(os) && isUsableString(os.name)) return os.name;
  const library = isPlainObject(context.library) ? context.library.name : context.library;
  if (typeof library === 'string') {
    const lower = library.toLowerCase();
    if (lower.includes('ios')) return 'ios';
    if (lower.includes('android')) return 'android';
  }
  return undefined;
}

/**
 * The Connect field for tokens of `platform` (case-insensitive), or `undefined` when the
 * platform is unknown.
 *
 * @example
 * ```ts
 * pushFieldFor('iPadOS');         // 'apns'
 * pushFieldFor('Android', 'gcm'); // 'gcm'
 * pushFieldFor('web');            // undefined
 * ```
 */
export function pushFieldFor(
  platform: string | undefined,
  androidPushField: AndroidPushField = 'fcm',
): PushField | undefined {
  const lower = platform?.trim().toLowerCase();
  // Stryker disable next-line ConditionalExpression: equivalent: undefined is neither an Apple platform nor android, so the lines below return undefined too
  if (lower === undefined) return undefined;
  if (APPLE_PLATFORMS.has(lower)) return 'apns';
  if (lower === 'android') return androidPushField;
  return undefined;
}
