import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
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

describe('utf8Length at every boundary of UTF-8', () => {
  it('counts 1, 2, 3 and 4 bytes exactly as TextEncoder does, lone surrogates as 3', () => {
    const cases: Array<[string, number]> = [
      ['\u007f', 1],
      ['\u0080', 2],
      ['\u07ff', 2],
      ['\u0800', 3],
      ['\ud7ff', 3],
      ['\ud800\udc00', 4],
      ['\udbff\udfff', 4],
      ['\udc00', 3],
      ['\udfff', 3],
      ['\ue000', 3],
      ['\uffff', 3],
      ['\ud800', 3],
      ['\udbff', 3],
      ['a\udbff', 4],
      ['\ud800a', 4],
      ['\udc00\ud800', 6],
    ];
    for (const [text, bytes] of cases) {
      expect(utf8Length(text), escape(text)).toBe(bytes);
      expect(new TextEncoder().encode(text).byteLength).toBe(bytes);
    }
  });
});

describe('serializeMessage refusals, word for word', () => {
  it('a body that is not an object is named as a whole', () => {
    expect(refusal('x'.repeat(100), 10)).toStrictEqual({
      path: '',
      message: 'track: the message is 102 bytes of JSON, over maxMessageBytes (10 bytes)',
    });
  });

  it('an empty object or array counts its two brackets; an object field its keys and commas', () => {
    expect(refusal({ properties: {} }, 1)).toStrictEqual({
      path: 'properties',
      message:
        'track: `properties` is 2 bytes of JSON, which makes the message 17 bytes, over maxMessageBytes (1 bytes)',
    });
    expect(refusal({ properties: { list: [] } }, 1)?.message).toContain(
      '`properties` is 11 bytes of JSON',
    );
    const object = { name: 'x'.repeat(40), n: 12, ok: true, none: null, é: 'ü' };
    const body = { user_id: 'u', properties: { object, a: 1 } };
    expect(refusal(body, 20)).toStrictEqual({
      path: 'properties.object',
      message: `track: \`properties.object\` is ${utf8Length(JSON.stringify(object))} bytes of JSON, which makes the message ${utf8Length(JSON.stringify(body))} bytes, over maxMessageBytes (20 bytes)`,
    });
  });

  it('reads null and undefined values on the way', () => {
    const body = { user_id: 'u', properties: { gone: undefined, none: null, big: 'x'.repeat(90) } };
    expect(refusal(body, 50)?.path).toBe('properties.big');
  });

  it('names the first of two equal fields', () => {
    expect(refusal({ user_id: 'x'.repeat(50), event: 'y'.repeat(50) }, 50)?.path).toBe('userId');
  });

  it('descends into a child that holds more than half of its parent, not exactly half', () => {
    // {"a":<23 bytes>,"b":<12 bytes>} is 46 bytes: "a" holds exactly half.
    const half = { a: 'x'.repeat(21), b: 'y'.repeat(10) };
    expect(utf8Length(JSON.stringify(half))).toBe(46);
    expect(refusal({ properties: half }, 10)?.path).toBe('properties');
    const more = { a: 'x'.repeat(22), b: 'y'.repeat(10) };
    expect(refusal({ properties: more }, 10)?.path).toBe('properties.a');
  });

  it('renames only top-level wire fields: an `email` property stays a property', () => {
    const body = { user_id: 'u', properties: { email: 'x'.repeat(100) } };
    expect(refusal(body, 50)?.path).toBe('properties.email');
  });

  it('descends at most 64 levels', () => {
    let deep: Record<string, unknown> = { leaf: 'x'.repeat(1_000) };
    for (let level = 0; level < 70; level++) deep = { d: deep };
    const path = refusal({ properties: deep }, 100)?.path.split('.');
    expect(path).toHaveLength(64);
    expect(path?.[0]).toBe('properties');
  });

  it('a body JSON cannot hold is refused naming its largest field and the reason', () => {
    const body = { user_id: 'u', properties: { n: 10n, s: 'x'.repeat(30) } };
    expect(() => serializeMessage('track', body, 1_000)).toThrow(ValidationError);
    expect(refusal(body, 1_000)).toStrictEqual({
      path: 'properties.s',
      message:
        'track: `properties.s` is 32 bytes: the message cannot be serialized to JSON (Do not know how to serialize a BigInt)',
    });
    expect(refusal(10n, 1_000)).toStrictEqual({
      path: '',
      message:
        'track: the message cannot be serialized to JSON (Do not know how to serialize a BigInt)',
    });
    const thrower = {
      toJSON() {
        throw 'not an Error';
      },
    };
    expect(refusal(thrower, 1_000)?.message).toMatch(
      /: the message cannot be serialized to JSON \(not an Error\)$/,
    );
  });

  it('is under the limit at exactly maxBytes', () => {
    const body = { user_id: 'u' };
    const bytes = JSON.stringify(body).length;
    expect(serializeMessage('track', body, bytes)).toStrictEqual({
      json: JSON.stringify(body),
      bytes,
    });
    expect(refusal(body, bytes - 1)?.path).toBe('userId');
  });
});

describe('formatBytes at its boundaries', () => {
  it('switches unit at 1024 and 1024², rounds to one decimal', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 * 1024 - 1024)).toBe('1023 KiB');
    expect(formatBytes(1024 * 1024)).toBe('1 MiB');
    expect(formatBytes(1.25 * 1024 * 1024)).toBe('1.3 MiB');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('too many bytes');
  });
});

describe('utf8Length of lone surrogates', () => {
  it('counts a high surrogate not followed by a low one as 3 bytes, and what follows it in full', () => {
    for (const text of [
      '\ud800\u00e9',
      '\ud800€',
      '\udbff\ud800\udc00',
      '\ud800a',
      'x\ud800',
      '\ud800\ue000',
      '\udbff\uffff',
      '\ud7ff\udc00',
      '\udc00\udc00',
      '\ud800\udbff',
    ])
      expect(utf8Length(text), escape(text)).toBe(new TextEncoder().encode(text).byteLength);
  });
});

describe('refusals name every wire field by its input name', () => {
  it('maps each top-level wire field, and looks into traits of a group', () => {
    const big = 'x'.repeat(100);
    const cases: Array<[string, unknown, string]> = [
      ['user_id', big, 'userId'],
      ['previous_id', big, 'previousId'],
      ['first_name', big, 'traits.firstName'],
      ['last_name', big, 'traits.lastName'],
      ['email', big, 'traits.email'],
      ['phone_number', big, 'traits.phone'],
      ['timezone', big, 'traits.timezone'],
      ['apns', [big], 'context.device.token'],
      ['fcm', [big], 'context.device.token'],
      ['gcm', [big], 'context.device.token'],
      ['group_id', big, 'groupId'],
      ['campaign_ids', [big], 'campaignIds'],
      ['attributes', { plan: big }, 'traits.plan'],
      ['group_attributes', { plan: big }, 'traits.plan'],
      ['properties', { plan: big }, 'properties.plan'],
      ['event', big, 'event'],
    ];
    for (const [wire, value, path] of cases)
      expect(refusal({ [wire]: value, k: 'v' }, 50)?.path, wire).toBe(path);
  });

  it('stops at a string, however short, and at null', () => {
    expect(refusal({ properties: ['x'] }, 1)?.path).toBe('properties.0');
    expect(refusal({ properties: [null] }, 1)?.path).toBe('properties.0');
    expect(refusal({ properties: null }, 1)?.path).toBe('properties');
  });

  it('measures an object met twice once (its getters are read once for the size)', () => {
    let reads = 0;
    const shared = {
      get big() {
        reads++;
        return 'x'.repeat(100);
      },
    };
    const body = { properties: { a: shared, b: shared } };
    const issue = refusal(body, 50);
    expect(issue?.path).toBe('properties');
    // JSON.stringify reads it twice (once per reference), the size once.
    expect(reads).toBe(3);
  });
});

describe('a string too long to quote', () => {
  it('is measured unquoted, plus its two quotes', () => {
    const stringify = JSON.stringify;
    // V8 refuses to quote a string whose escaped form would pass its maximum length (~512 MiB):
    // stand-in for one of those, a string JSON.stringify refuses when asked alone.
    const big = 'é'.repeat(100);
    const spy = vi.spyOn(JSON, 'stringify').mockImplementation(((
      value: unknown,
      ...rest: never[]
    ) => {
      if (value === big) throw new RangeError('Invalid string length');
      return stringify(value, ...rest);
    }) as typeof JSON.stringify);
    try {
      expect(refusal({ properties: { big, s: 'x' } }, 50)).toStrictEqual({
        path: 'properties.big',
        message: `track: \`properties.big\` is 202 bytes of JSON, which makes the message ${utf8Length(stringify({ properties: { big, s: 'x' } }))} bytes, over maxMessageBytes (50 bytes)`,
      });
    } finally {
      spy.mockRestore();
    }
  });
});
