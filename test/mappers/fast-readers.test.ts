/**
 * The mappers' hand-written fast readers, pinned where their output alone cannot tell: the
 * canonical timestamp read without the regular expression (and refused exactly as the general
 * parser refuses), and the call table's wire mappers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCallType, mapCall, mapCallForWire } from '../../src/mappers/calls';
import { jsonSafeCopy } from '../../src/mappers/json-copy';
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

  it('mapCallForWire maps with the resolved options where there is a wire mapper, else with the options', () => {
    const options = { now: () => 1_767_225_600_000 };
    const later = { now: () => 1_767_225_600_999 };
    const resolved = resolveMappingOptions(later);
    const track = { userId: 'u1', event: 'E', properties: { plan: 'pro' } };
    const wire = mapCallForWire('track', track, options, resolved);
    expect(wire).toStrictEqual(mapCall('track', track, later));
    expect(wire).not.toStrictEqual(mapCall('track', track, options));
    const alias = { userId: 'u1', previousId: 'a1' };
    expect(mapCallForWire('alias', alias, options, resolved)).toStrictEqual(
      mapCall('alias', alias, options),
    );
  });
});
