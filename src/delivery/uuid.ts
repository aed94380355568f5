/**
 * Version 4 UUIDs for message ids, made from `crypto.getRandomValues` in blocks of 256. Node's
 * `crypto.randomUUID` builds its result by concatenating pieces: a rope that costs some 600
 * bytes of garbage per id, and as much held if it is kept unflattened; here each id is one flat
 * 36-character string written at once.
 */

const BLOCK = 16 * 256;
const random = new Uint8Array(BLOCK);
let next = BLOCK;

/** The two lowercase hex digits of each byte, as character codes. */
const HEX = new Uint8Array(512);
// Stryker disable next-line EqualityOperator: equivalent: a 257th byte would be written past the table's end, which a Uint8Array ignores
for (let byte = 0; byte < 256; byte++) {
  const digits = byte.toString(16).padStart(2, '0');
  HEX[2 * byte] = digits.charCodeAt(0);
  HEX[2 * byte + 1] = digits.charCodeAt(1);
}
/** Where each byte's two digits go in `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`. */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
/** The character codes of the UUID being written: the dashes stay. */
const codes: number[] = new Array(36).fill(45);

/**
 * A random (version 4, RFC 9562) UUID.
 *
 * @example
 * ```ts
 * randomUuid(); // '0e06f1a1-a014-46a2-afc1-0f09bdb617ee'
 * ```
 */
export function randomUuid(): string {
  if (next === BLOCK) {
    crypto.getRandomValues(random);
    next = 0;
  }
  const start = next;
  next += 16;
  random[start + 6] = ((random[start + 6] as number) & 0x0f) | 0x40; // version 4
  random[start + 8] = ((random[start + 8] as number) & 0x3f) | 0x80; // variant 10
  // Stryker disable next-line EqualityOperator: equivalent: a 17th byte has no place (AT[16] is undefined), so it writes nowhere in the 36 codes
  for (let index = 0; index < 16; index++) {
    const hex = (random[start + index] as number) * 2;
    const at = AT[index] as number;
    codes[at] = HEX[hex] as number;
    codes[at + 1] = HEX[hex + 1] as number;
  }
  return String.fromCharCode.apply(null, codes);
}
