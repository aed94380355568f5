import { invalid } from '../schemas/parse';

/** A message's wire JSON, made once at the call: its size decides batches, and it is what is sent. */

/** A mapped body as JSON, with its size in UTF-8 bytes. */
export interface SerializedMessage {
  json: string;
  bytes: number;
}

const NON_ASCII = /[\u0080-\uffff]/;
/**
 * The UTF-8 length of `text`, as `fetch` will send it (a regex pass first: most JSON is ASCII,
 * and that is ~3× faster). A lone surrogate counts as U+FFFD's 3 bytes, as the encoder writes it.
 */
export function utf8Length(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    // 3 bytes, a lone surrogate too (as U+FFFD); a surrogate pair is 4 bytes for 2 units, so its
    // high half adds nothing and its low half the 2 more.
    else if (!(isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(index + 1)))) bytes += 2;
  }
  return bytes;
}

/** True for the first half of a surrogate pair. */
function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** True for the second half of a surrogate pair (NaN, past the end, is not). */
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The body as JSON, refused with a `ValidationError` naming the largest field when it is over
 * `maxBytes`. Serialization happens here, at the call, so nothing in the delivery engine can
 * throw on it later.
 */
export function serializeMessage(call: string, body: unknown, maxBytes: number): SerializedMessage {
  const json = toJson(call, body);
  const bytes = utf8Length(json);
  if (bytes > maxBytes) throw tooLarge(call, body, bytes, maxBytes);
  return { json, bytes };
}

/** The body as JSON; a `ValidationError` naming the largest field when it cannot be. */
export function toJson(call: string, body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    // The mappers make bodies JSON-safe: what is left is a string too long for the engine.
    const largest = largestField(body);
    const problem = `cannot be serialized to JSON (${describe(error)})`;
    if (!largest) throw invalid(call, '', `the message ${problem}`);
    throw invalid(call, largest.path, `is ${formatBytes(largest.bytes)}: the message ${problem}`);
  }
}

/** The `ValidationError` for a body of `bytes` over `maxBytes`, naming its largest field. */
export function tooLarge(call: string, body: unknown, bytes: number, maxBytes: number) {
  const over = `over maxMessageBytes (${formatBytes(maxBytes)})`;
  const largest = largestField(body);
  if (!largest) return invalid(call, '', `the message is ${formatBytes(bytes)} of JSON, ${over}`);
  return invalid(
    call,
    largest.path,
    `is ${formatBytes(largest.bytes)} of JSON, which makes the message ${formatBytes(bytes)}, ${over}`,
  );
}

/**
 * Wire fields by the names the caller used. Only the objects the caller built (`traits`,
 * `properties`) are looked into; the rest are named as a whole.
 */
function wireInputNames(): Record<string, { name: string; open?: true }> {
  // Made for each refusal (they are rare), not at import.
  return {
    attributes: { name: 'traits', open: true },
    group_attributes: { name: 'traits', open: true },
    properties: { name: 'properties', open: true },
    user_id: { name: 'userId' },
    previous_id: { name: 'previousId' },
    first_name: { name: 'traits.firstName' },
    last_name: { name: 'traits.lastName' },
    email: { name: 'traits.email' },
    phone_number: { name: 'traits.phone' },
    timezone: { name: 'traits.timezone' },
    apns: { name: 'context.device.token' },
    fcm: { name: 'context.device.token' },
    gcm: { name: 'context.device.token' },
    group_id: { name: 'groupId' },
    campaign_ids: { name: 'campaignIds' },
  };
}

/**
 * The field holding most of the body: descend into the largest child while it holds more than
 * half of its parent, so one huge value is named exactly and many middling ones by their parent.
 * Only on the way to an error.
 */
function largestField(body: unknown): { path: string; bytes: number } | undefined {
  const sizes = new Map<unknown, number>();
  const path: string[] = [];
  let node = body;
  let nodeBytes = Number.POSITIVE_INFINITY;
  let found: { path: string; bytes: number } | undefined;
  for (let depth = 0; depth < 64 && typeof node === 'object' && node !== null; depth++) {
    let best: { key: string; value: unknown; bytes: number } | undefined;
    for (const [key, value] of Object.entries(node)) {
      const size = jsonBytes(value, sizes);
      if (!best || size > best.bytes) best = { key, value, bytes: size };
    }
    if (!best || (found && best.bytes * 2 <= nodeBytes)) break;
    const wire = depth === 0 ? wireInputNames()[best.key] : undefined;
    path.push(wire?.name ?? best.key);
    found = { path: path.join('.'), bytes: best.bytes };
    if (depth === 0 && !wire?.open) break;
    node = best.value;
    nodeBytes = best.bytes;
  }
  return found;
}

/** The size of `value` as JSON, each object and string measured once (`sizes` remembers them). */
function jsonBytes(value: unknown, sizes: Map<unknown, number>): number {
  if (typeof value !== 'object' || value === null) {
    if (typeof value !== 'string') return String(value).length;
    const known = sizes.get(value);
    // Stryker disable next-line ConditionalExpression: equivalent: a string measured again has the same size (the memo only saves time)
    if (known !== undefined) return known;
    let bytes: number;
    try {
      bytes = utf8Length(JSON.stringify(value));
    } catch {
      bytes = utf8Length(value) + 2; // too long to quote: its escapes go uncounted
    }
    // Stryker disable next-line CallExpression: equivalent: a string measured again has the same size (the memo only saves time)
    sizes.set(value, bytes);
    return bytes;
  }
  const known = sizes.get(value);
  if (known !== undefined) return known;
  let bytes = 2;
  const entries = Object.entries(value);
  for (const [key, child] of entries) {
    bytes += jsonBytes(child, sizes) + 1;
    if (!Array.isArray(value)) bytes += utf8Length(key) + 3;
  }
  if (entries.length > 0) bytes--;
  sizes.set(value, bytes);
  return bytes;
}

/** `512 bytes`, `32 KiB`, `5.2 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes === Number.POSITIVE_INFINITY) return 'too many bytes';
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${round(bytes / 1024)} KiB`;
  return `${round(bytes / (1024 * 1024))} MiB`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
