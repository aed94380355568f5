/** Who may call the emulator's Connect API, and how a key appears in what it records. */

/** Accepts `apiKeys` when given, else any non-empty key (Connect's own test accounts vary). */
export function keyChecker(
  apiKeys: readonly string[] | undefined,
): (key: string | null) => boolean {
  const accepted = apiKeys ? new Set(apiKeys) : undefined;
  return (key) => !!key && (accepted ? accepted.has(key) : true);
}

/**
 * Masks a key for the record: enough to tell keys apart, never the key.
 *
 * @example
 * ```ts
 * maskKey('a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'); // '****c5d6'
 * maskKey('short');                            // '****'
 * ```
 */
export function maskKey(key: string): string {
  return key.length >= 16 ? `****${key.slice(-4)}` : '****';
}

/** Request headers as recorded: `x-outbound-key` masked. */
export function maskedHeaders(headers: Record<string, string>): Record<string, string> {
  const key = headers['x-outbound-key'];
  return key === undefined ? headers : { ...headers, 'x-outbound-key': maskKey(key) };
}
