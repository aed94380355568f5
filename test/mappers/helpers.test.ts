import { describe, expect, it } from 'vitest';
import {
  canonicalTimezone,
  findTrait,
  groupReservedKeys,
  isUsableString,
  jsonSafeCopy,
  MAX_JSON_DEPTH,
  normalizeTraitKey,
  parseIso8601,
  pushFieldFor,
  pushTokenText,
  splitName,
  toE164,
  toUnixSeconds,
  ValidationError,
} from '../../src/index';

describe('trait keys', () => {
  it('normalizes case and punctuation, keeping non-ASCII letters', () => {
    expect(normalizeTraitKey('First Name')).toBe('firstname');
    expect(normalizeTraitKey('__e-mail__')).toBe('email');
    expect(normalizeTraitKey('Prénom')).toBe('prénom');
  });

  it('groups keys by reserved name in key order, and finds the first usable one', () => {
    const traits = { Email: ' ', plan: 'x', 'e-mail': 'a@b.co', ID: 3 };
    const keys = groupReservedKeys(traits);
    expect(keys).toStrictEqual({ email: ['Email', 'e-mail'], id: ['ID'] });
    expect(findTrait(traits, keys.email, isUsableString)).toStrictEqual({
      key: 'e-mail',
      value: 'a@b.co',
    });
    expect(findTrait(traits, keys.phone, isUsableString)).toBeUndefined();
  });
});

describe('splitName', () => {
  it('splits at the first run of Unicode whitespace', () => {
    expect(splitName('A\u2003\u2003B  C ')).toStrictEqual({ firstName: 'A', lastName: 'B  C' });
    expect(splitName('\n')).toStrictEqual({});
  });
});

describe('phone', () => {
  it('formats valid numbers in E.164 and refuses invalid ones', () => {
    expect(toE164('+1 (415) 555-2671')).toBe('+14155552671');
    expect(toE164('020 7946 0018', 'GB')).toBe('+442079460018');
    expect(toE164('020 7946 0018')).toBeUndefined();
    expect(toE164('not a phone', 'US')).toBeUndefined();
  });
});

describe('canonicalTimezone', () => {
  it('canonicalizes names, links and the UTC group; refuses the rest', () => {
    expect(canonicalTimezone('AMERICA/NEW_YORK')).toBe('America/New_York');
    expect(canonicalTimezone('Etc/Zulu')).toBe('Etc/UTC');
    expect(canonicalTimezone('GMT')).toBe('Etc/UTC');
    expect(canonicalTimezone('GMT+2')).toBeUndefined();
    expect(canonicalTimezone('')).toBeUndefined();
  });
});

describe('push tokens', () => {
  it('reads strings and bytes, and routes platforms', () => {
    expect(pushTokenText(new ArrayBuffer(0))).toBeUndefined();
    expect(pushTokenText(new Uint8Array([1, 2]))).toBe('0102');
    expect(pushFieldFor(' IOS ')).toBe('apns');
    expect(pushFieldFor('android', 'gcm')).toBe('gcm');
    expect(pushFieldFor('windows')).toBeUndefined();
    expect(pushFieldFor(undefined)).toBeUndefined();
  });
});

describe('parseIso8601', () => {
  it('knows month lengths and leap years, and years below 100', () => {
    expect(parseIso8601('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIso8601('2023-02-29')).toBeUndefined();
    expect(parseIso8601('1900-02-29')).toBeUndefined();
    expect(parseIso8601('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(parseIso8601('2015-04-31')).toBeUndefined();
    expect(parseIso8601('0042-01-02T03:04:05Z')).toBe(new Date('0042-01-02T03:04:05Z').getTime());
    expect(parseIso8601('2015-04-06T12:31:32.5+02:00')).toBe(
      Date.parse('2015-04-06T10:31:32.500Z'),
    );
  });
});

describe('toUnixSeconds', () => {
  it('reads numbers below 1e11 as seconds and larger ones as milliseconds', () => {
    expect(toUnixSeconds(99_999_999_999)).toBe(99_999_999_999);
    expect(toUnixSeconds(100_000_000_000)).toBe(100_000_000);
    expect(toUnixSeconds(-86_400)).toBe(-86_400);
    // Found by the property test: a tiny negative rounds to -0, which JSON turns into 0.
    expect(Object.is(toUnixSeconds(-5e-324), 0)).toBe(true);
  });
});

describe('jsonSafeCopy', () => {
  const copyOf = (value: unknown) => jsonSafeCopy(value, 'properties', 'track');
  const pathOf = (value: unknown) => {
    try {
      copyOf(value);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((issue) => issue.path);
    }
    return [];
  };

  it('carries values as JSON.stringify would', () => {
    const value = {
      date: new Date('2020-01-01T00:00:00Z'),
      skip: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      list: [undefined, () => 1, Symbol('s'), 1],
      boxed: [new Number(1), new String('s'), new Boolean(false)],
      custom: { toJSON: (key: string) => `key:${key}` },
      nested: { a: [{ b: null }] },
      negativeZero: -0,
    };
    const copy = copyOf(value);
    expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
  });

  it('refuses BigInt, NaN, Infinity and circular references, naming the path', () => {
    expect(pathOf({ a: { b: 1n } })).toStrictEqual(['properties.a.b']);
    expect(pathOf({ list: [1, Number.NaN] })).toStrictEqual(['properties.list.1']);
    expect(pathOf({ x: Number.NEGATIVE_INFINITY })).toStrictEqual(['properties.x']);
    const loop: Record<string, unknown> = { a: {} };
    (loop.a as Record<string, unknown>).back = loop;
    expect(pathOf(loop)).toStrictEqual(['properties.a.back']);
  });

  it('allows shared (non-circular) references', () => {
    const shared = { n: 1 };
    expect(copyOf({ a: shared, b: [shared] })).toStrictEqual({ a: { n: 1 }, b: [{ n: 1 }] });
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let level = 0; level < MAX_JSON_DEPTH + 1; level++) deep = [deep];
    expect(pathOf(deep)).toHaveLength(1);
    let ok: unknown = 1;
    for (let level = 0; level < MAX_JSON_DEPTH - 1; level++) ok = [ok];
    expect(() => copyOf(ok)).not.toThrow();
  });

  it('keeps __proto__ and constructor as data keys, never touching a prototype', () => {
    const input = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    const copy = copyOf(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toStrictEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(copy)).toBe(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
