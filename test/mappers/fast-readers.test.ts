/**
 * The mappers' hand-written fast readers, pinned where their output alone cannot tell: the
 * canonical timestamp read without the regular expression (and refused exactly as the general
 * parser refuses), plain JSON passed through uncopied (and everything else copied), and the call
 * table's wire mappers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors';
import { isCallType, mapCall, mapCallForWire } from '../../src/mappers/calls';
import { jsonSafeCopy, jsonSafeView } from '../../src/mappers/json-copy';
import { resolveMappingOptions } from '../../src/mappers/options';
import { parseIso8601 } from '../../src/mappers/timestamp';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('parseIso8601, canonical form', () => {
  const CANONICAL = '2015-04-06T14:31:32.123Z';

  it('reads what toISOString writes without the regular expression, anything else with it', () => {
    const exec = vi.spyOn(RegExp.prototype, 'exec');
    expect(parseIso8601(CANONICAL)).toBe(Date.UTC(2015, 3, 6, 14, 31, 32, 123));
    expect(exec).not.toHaveBeenCalled();
    expect(parseIso8601('2015-04-06T14:31:32.123+00:00')).toBe(
      Date.UTC(2015, 3, 6, 14, 31, 32, 123),
    );
    expect(exec).toHaveBeenCalled();
  });

  it('refuses a string with anything else in a punctuation place, or more after it', () => {
    for (const at of [4, 7, 10, 13, 16, 19, 23]) {
      const broken = `${CANONICAL.slice(0, at)}x${CANONICAL.slice(at + 1)}`;
      expect(parseIso8601(broken), broken).toBeUndefined();
    }
    for (const text of [`${CANONICAL}x`, `${CANONICAL}Z`, ` ${CANONICAL}`])
      expect(parseIso8601(text), text).toBeUndefined();
    for (const text of ['2015-04-06T14:31:32.123z', '2015-04-06 14:31:32.123Z'])
      expect(parseIso8601(text), text).toBe(Date.UTC(2015, 3, 6, 14, 31, 32, 123));
  });

  it('refuses each field out of range, and reads every edge in range', () => {
    for (const text of [
      '2015-13-01T00:00:00.000Z',
      '2015-00-01T00:00:00.000Z',
      '2015-01-00T00:00:00.000Z',
      '2015-01-32T00:00:00.000Z',
      '2015-04-31T00:00:00.000Z',
      '2015-02-29T00:00:00.000Z',
      '2015-01-01T24:00:00.000Z',
      '2015-01-01T00:60:00.000Z',
      '2015-01-01T00:00:60.000Z',
      '2015-01-01T00:00:00.00xZ',
      '0000-00-00T00:00:00.000Z',
    ])
      expect(parseIso8601(text), text).toBeUndefined();
    expect(parseIso8601('2016-02-29T23:59:59.999Z')).toBe(Date.UTC(2016, 1, 29, 23, 59, 59, 999));
    expect(parseIso8601('2015-12-31T00:00:00.000Z')).toBe(Date.UTC(2015, 11, 31));
  });

  it('reads years 0 to 99 as themselves, like the general parser', () => {
    for (const [text, year, month, day] of [
      ['0000-02-29T00:00:00.000Z', 0, 1, 29],
      ['0050-03-01T12:00:00.000Z', 50, 2, 1],
      ['0099-12-31T00:00:00.000Z', 99, 11, 31],
    ] as const) {
      const date = new Date(0);
      date.setUTCFullYear(year, month, day);
      date.setUTCHours(text.includes('T12') ? 12 : 0);
      expect(parseIso8601(text), text).toBe(date.getTime());
      expect(parseIso8601(text.replace('.000Z', '+00:00')), text).toBe(date.getTime());
    }
  });
});

describe('jsonSafeView', () => {
  const view = (value: unknown) => jsonSafeView(value, 'properties', 'track');
  const nest = (depth: number, leaf: unknown, array = false) => {
    let value = leaf;
    for (let level = 0; level < depth; level++) value = array ? [value] : { a: value };
    return value;
  };

  it('gives plain JSON back as it is, not copied', () => {
    for (const value of [
      { s: 'x', b: true, n: 1.5, z: null, u: undefined, list: ['a', 1, false, null, undefined] },
      Object.assign(Object.create(null), { a: { b: [] } }),
      [],
      [[{ a: 1 }]],
      nest(32, 1),
      nest(32, 1, true),
    ])
      expect(view(value)).toBe(value);
    for (const value of ['s', true, 0, -1.5, null, undefined]) expect(view(value)).toBe(value);
  });

  it('copies anything else, as the copy would', () => {
    class Point {
      x = 1;
    }
    class List extends Array {}
    const list = List.from([1]);
    const withToJSON = { a: 1, toJSON: () => ({ b: 2 }) };
    const arrayWithToJSON = Object.assign([1], { toJSON: () => 'list' });
    const cases: Array<[unknown, unknown]> = [
      [{ d: new Date(0) }, { d: '1970-01-01T00:00:00.000Z' }],
      [new Point(), { x: 1 }],
      [{ p: new Point() }, { p: { x: 1 } }],
      [list, [1]],
      [withToJSON, { b: 2 }],
      [arrayWithToJSON, 'list'],
      [{ f: () => 1, s: Symbol('s') }, {}],
      [[() => 1], [null]],
      [{ boxed: new String('s') }, { boxed: 's' }],
      [nest(33, 1), nest(33, 1)],
      [nest(33, 1, true), nest(33, 1, true)],
    ];
    for (const [value, copied] of cases) {
      const result = view(value);
      expect(result).not.toBe(value);
      expect(result).toStrictEqual(copied);
    }
    expect(view(() => 1)).toBeUndefined();
    expect(view(Symbol('s'))).toBeUndefined();
  });

  it('refuses what the copy refuses, naming the field', () => {
    for (const [value, problem] of [
      [{ n: Number.NaN }, '`properties.n` is NaN, which JSON cannot carry'],
      [{ n: Number.POSITIVE_INFINITY }, '`properties.n` is Infinity, which JSON cannot carry'],
      [[1, 2n], '`properties.1` is a BigInt'],
    ] as const) {
      expect(() => view(value)).toThrow(ValidationError);
      expect(() => view(value)).toThrow(problem);
    }
  });

  it('copies an object whose toJSON is inherited', () => {
    const value = { a: 1 };
    Object.defineProperty(Object.prototype, 'toJSON', {
      value: () => 'replaced',
      configurable: true,
      writable: true,
    });
    let result: unknown;
    try {
      result = view(value);
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
    expect(result).toBe('replaced');
  });

  it('reads only own keys, as JSON.stringify does', () => {
    const value = { a: 1 };
    Object.defineProperty(Object.prototype, 'inherited', {
      value: Number.NaN,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    let result: unknown;
    try {
      result = view(value);
    } finally {
      delete (Object.prototype as { inherited?: unknown }).inherited;
    }
    expect(result).toBe(value);
  });
});

describe('jsonSafeCopy', () => {
  it('lets an error from a toJSON or a getter through as it is, at any depth', () => {
    const boom = new Error('boom');
    const throwing = {
      toJSON() {
        throw boom;
      },
    };
    for (const value of [throwing, { deep: [throwing] }]) {
      let caught: unknown;
      try {
        jsonSafeCopy(value, 'properties', 'track');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(boom);
    }
  });
});

describe('the call table', () => {
  it('isCallType knows the calls, and nothing inherited', () => {
    for (const type of ['identify', 'track', 'alias', 'group', 'subscribe'])
      expect(isCallType(type), type).toBe(true);
    for (const type of [
      'toString',
      'constructor',
      '__proto__',
      'Track',
      '',
      1,
      null,
      undefined,
      { toString: () => 'track' },
    ])
      expect(isCallType(type), String(type)).toBe(false);
  });

  it('mapCallForWire uses the wire mapper where there is one (plain data not copied), else map', () => {
    const options = { now: () => 1_767_225_600_000 };
    const resolved = resolveMappingOptions(options);
    const properties = { plan: 'pro' };
    const track = { userId: 'u1', event: 'E', properties };
    const wire = mapCallForWire('track', track, options, resolved);
    expect((wire.body as { properties: unknown }).properties).toBe(properties);
    const copied = mapCall('track', track, options);
    expect((copied.body as { properties: unknown }).properties).not.toBe(properties);
    expect(JSON.stringify(wire.body)).toBe(JSON.stringify(copied.body));
    const alias = { userId: 'u1', previousId: 'a1' };
    expect(mapCallForWire('alias', alias, options, resolved)).toStrictEqual(
      mapCall('alias', alias, options),
    );
  });
});
