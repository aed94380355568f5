import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index';
import { canonicalTimezone } from '../../src/leaf/timezone';
import {
  codePointLength,
  isId,
  isPlainObject,
  isUsableString,
  looksLikeEmail,
} from '../../src/leaf/values';
import { devicePlatform, pushFieldFor, pushTokenText } from '../../src/mappers/device-token';
import { jsonSafeCopy, MAX_JSON_DEPTH } from '../../src/mappers/json-copy';
import { splitName } from '../../src/mappers/name';
import { resolveMappingOptions } from '../../src/mappers/options';
import { toE164 } from '../../src/mappers/phone';
import { parseIso8601, toUnixSeconds } from '../../src/mappers/timestamp';
import {
  findTrait,
  groupReservedKeys,
  normalizeTraitKey,
  reservedTraitOf,
} from '../../src/mappers/trait-keys';

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

describe('values', () => {
  it('isId: usable strings and finite numbers only', () => {
    for (const id of ['u1', ' u1 ', 0, -1.5, 42]) expect(isId(id), String(id)).toBe(true);
    for (const id of [
      '',
      ' \n',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      null,
      undefined,
      {},
      [1],
      1n,
    ]) {
      expect(isId(id), String(id)).toBe(false);
    }
  });

  it('isPlainObject: {} and null-prototype objects, nothing else', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const value of [null, undefined, [], new Date(), new (class Point {})(), 'x', 1]) {
      expect(isPlainObject(value), String(value)).toBe(false);
    }
  });

  it.each([
    ['a@b.co', true],
    ['first.last@sub.example.com', true],
    ['a@b.c.d', true],
    ['Michael a@b.co', false],
    ['a@b.co Michael', false],
    [' a@b.co', false],
    ['a@b.co\n', false],
    ['@b.co', false],
    ['a@.co', false],
    ['a@b.', false],
    ['a@bco', false],
    ['a@@b.co', false],
    ['a@b@c.co', false],
  ])('looksLikeEmail(%j) is %s', (text, expected) => {
    expect(looksLikeEmail(text)).toBe(expected);
  });

  it('isUsableString and codePointLength', () => {
    expect(isUsableString('\u00a0x')).toBe(true);
    expect(isUsableString('\u00a0\u2003')).toBe(false);
    expect(isUsableString(5)).toBe(false);
    expect(codePointLength('a😀é')).toBe(3);
    expect(codePointLength('')).toBe(0);
  });
});

describe('trait keys, more', () => {
  it('keeps digits and drops every run of other characters', () => {
    expect(normalizeTraitKey('--Phone--Number 2--')).toBe('phonenumber2');
    expect(reservedTraitOf('Phone Number')).toBe('phoneNumber');
    expect(reservedTraitOf('e_mail_2')).toBeUndefined();
    expect(reservedTraitOf('ID')).toBe('id');
    expect(findTrait({ email: 'a' }, undefined, isUsableString)).toBeUndefined();
  });
});

describe('push tokens, more', () => {
  it('has no token text for anything but a usable string or some bytes', () => {
    for (const token of [
      42,
      [1, 2],
      {},
      { length: 2 },
      null,
      undefined,
      '',
      ' ',
      new Uint8Array(0),
    ]) {
      expect(pushTokenText(token), String(token)).toBeUndefined();
    }
    expect(pushTokenText(new Uint8Array([0, 15, 16, 255]).buffer)).toBe('000f10ff');
  });

  it('routes Android to fcm unless told gcm', () => {
    expect(pushFieldFor('android')).toBe('fcm');
    expect(pushFieldFor('Android', 'fcm')).toBe('fcm');
    expect(pushFieldFor('android os')).toBeUndefined();
  });

  it('finds the platform in device.type, os.name, then the library', () => {
    expect(devicePlatform({ device: { type: ' iOS ' }, os: { name: 'Android' } })).toBe(' iOS ');
    expect(devicePlatform({ device: { type: 7 }, os: { name: 'Android' } })).toBe('Android');
    expect(devicePlatform({ os: 'iOS', library: 'analytics-android' })).toBe('android');
    expect(devicePlatform({ library: { name: 'Analytics.iOS' } })).toBe('ios');
    expect(devicePlatform({ library: { name: 'analytics-node' } })).toBeUndefined();
    expect(devicePlatform({ library: 'analytics.js' })).toBeUndefined();
    expect(devicePlatform({ library: 42 })).toBeUndefined();
    expect(devicePlatform({})).toBeUndefined();
  });
});

describe('splitName, more', () => {
  it('has a last name whenever the trimmed name has a gap', () => {
    expect(splitName(' a \u00a0 b ')).toStrictEqual({ firstName: 'a', lastName: 'b' });
    expect(splitName('a\n\nb\tc')).toStrictEqual({ firstName: 'a', lastName: 'b\tc' });
  });
});

describe('resolveMappingOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveMappingOptions()).toStrictEqual({
      now: Date.now,
      androidPushField: 'fcm',
      defaultCountry: undefined,
      onInvalidPhone: 'keep',
    });
    const now = () => 1;
    expect(resolveMappingOptions({ now, androidPushField: 'gcm' })).toStrictEqual({
      now,
      androidPushField: 'gcm',
      defaultCountry: undefined,
      onInvalidPhone: 'keep',
    });
  });

  it('validates an options object once: later changes to it are not read', () => {
    const options: { onInvalidPhone: 'keep' | 'reject' } = { onInvalidPhone: 'keep' };
    const first = resolveMappingOptions(options);
    options.onInvalidPhone = 'reject';
    expect(resolveMappingOptions(options)).toBe(first);
    expect(first.onInvalidPhone).toBe('keep');
  });
});

describe('jsonSafeCopy: what users read', () => {
  const issuesOf = (value: unknown, path = 'properties', call = 'track') => {
    try {
      jsonSafeCopy(value, path, call);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues;
    }
    throw new Error('expected a ValidationError');
  };

  it('names the call, the path and the problem', () => {
    expect(issuesOf({ a: [Number.NaN] })).toStrictEqual([
      {
        path: 'properties.a.0',
        message: 'track: `properties.a.0` is NaN, which JSON cannot carry',
      },
    ]);
    expect(issuesOf(Number.NEGATIVE_INFINITY, 'traits', 'group')).toStrictEqual([
      { path: 'traits', message: 'group: `traits` is -Infinity, which JSON cannot carry' },
    ]);
    expect(issuesOf({ n: 1n })).toStrictEqual([
      {
        path: 'properties.n',
        message:
          'track: `properties.n` is a BigInt, which JSON cannot carry; send it as a string or number',
      },
    ]);
    const loop: unknown[] = [];
    loop.push({ loop });
    expect(issuesOf({ loop })).toStrictEqual([
      {
        path: 'properties.loop.0.loop',
        message: 'track: `properties.loop.0.loop` is a circular reference',
      },
    ]);
    let deep: unknown = 1;
    for (let level = 0; level <= MAX_JSON_DEPTH; level++) deep = { d: deep };
    expect(issuesOf(deep)[0]?.message).toMatch(
      /^track: `properties(\.d){256}` is nested deeper than 256 levels$/,
    );
  });

  it('accepts exactly MAX_JSON_DEPTH levels', () => {
    let deep: unknown = 1;
    for (let level = 0; level < MAX_JSON_DEPTH; level++) deep = [deep];
    expect(() => jsonSafeCopy(deep, 'properties', 'track')).not.toThrow();
  });

  it('calls toJSON with the key, as JSON.stringify does ("" at the top, the index in arrays)', () => {
    const keys: string[] = [];
    const spy = { toJSON: (key: string) => keys.push(key) };
    jsonSafeCopy(spy, 'properties', 'track');
    jsonSafeCopy({ at: spy, list: [spy] }, 'properties', 'track');
    const stringified: string[] = [];
    JSON.stringify([{ toJSON: (key: string) => stringified.push(key) }]);
    expect(stringified).toStrictEqual(['0']);
    expect(keys).toStrictEqual(['', 'at', '0']);
  });

  it('honours a toJSON on BigInt.prototype, as JSON.stringify does', () => {
    const proto = BigInt.prototype as { toJSON?: () => string };
    proto.toJSON = function (this: bigint) {
      return `${this}`;
    };
    try {
      expect(jsonSafeCopy({ n: 12n }, 'properties', 'track')).toStrictEqual({ n: '12' });
      expect(JSON.stringify({ n: 12n })).toBe('{"n":"12"}');
    } finally {
      delete proto.toJSON;
    }
  });

  it('keeps __proto__ as an ordinary data key: enumerable, writable and configurable', () => {
    const copy = jsonSafeCopy(JSON.parse('{"__proto__":1,"b":2}'), 'traits', 'identify') as object;
    const data = (value: unknown) => ({
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')).toStrictEqual(data(1));
    expect(Object.getOwnPropertyDescriptor(copy, 'b')).toStrictEqual(data(2));
  });
});
