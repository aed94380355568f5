import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, serializeMessage, utf8Length } from '../../src/delivery/message-size';
import { ValidationError } from '../../src/index';

/** The issue a too-large body is refused with. */
function refusal(body: unknown, maxBytes: number) {
  try {
    serializeMessage('track', body, maxBytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues[0];
  }
  throw new Error('not refused');
}

describe('serializeMessage', () => {
  it('returns the JSON and its exact UTF-8 size', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const body = { user_id: 'u', value };
        const { json, bytes } = serializeMessage('track', body, Number.MAX_SAFE_INTEGER);
        expect(json).toBe(JSON.stringify(body));
        expect(bytes).toBe(new TextEncoder().encode(json).byteLength);
      }),
    );
    expect(utf8Length('a€😀\uD800')).toBe(1 + 3 + 4 + 3);
  });

  it('counts UTF-8 bytes as TextEncoder writes them, lone surrogates included', () => {
    const encoded = (text: string) => new TextEncoder().encode(text).byteLength;
    // Units from the whole UTF-16 range: pairs, lone highs and lows, and a high before a non-low.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0xffff }),
      fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff),
    );
    const text = fc.array(unit, { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
    fc.assert(
      fc.property(text, (sample) => {
        expect(utf8Length(sample)).toBe(encoded(sample));
      }),
      { numRuns: 500 },
    );
    expect(utf8Length('\uD800é')).toBe(3 + 2);
  });

  it('names the field by the name the caller used, and its exact size', () => {
    expect(refusal({ user_id: 'x'.repeat(100), event: 'e' }, 50)?.path).toBe('userId');
    expect(refusal({ user_id: 'u', apns: ['t'.repeat(100)], attributes: {} }, 50)?.path).toBe(
      'context.device.token',
    );
    const list = Array.from({ length: 50 }, (_, i) => i);
    const issue = refusal({ user_id: 'u', properties: { list, a: 1 } }, 100);
    const exact = JSON.stringify(list).length;
    expect(issue).toStrictEqual({
      path: 'properties.list',
      message: `track: \`properties.list\` is ${exact} bytes of JSON, which makes the message ${JSON.stringify({ user_id: 'u', properties: { list, a: 1 } }).length} bytes, over maxMessageBytes (100 bytes)`,
    });
  });

  it('counts escapes: six thousand control characters outweigh thirty thousand letters', () => {
    const body = { user_id: 'u', properties: { c: '\u0001'.repeat(6_000), d: 'y'.repeat(30_000) } };
    expect(refusal(body, 1_000)?.path).toBe('properties.c');
  });

  it('names many middling fields by their parent', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(50)]),
    );
    expect(refusal({ user_id: 'u', properties }, 500)?.path).toBe('properties');
  });

  it('formats sizes in bytes, KiB and MiB', () => {
    expect([
      formatBytes(512),
      formatBytes(32 * 1024),
      formatBytes(5.5 * 1024 * 1024),
    ]).toStrictEqual(['512 bytes', '32 KiB', '5.5 MiB']);
  });
});
