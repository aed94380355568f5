import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapTrack } from '../../src/index';
import { parseIso8601, toUnixSeconds } from '../../src/mappers/timestamp';
import { validationIssues } from '../support/validation';

// The oracle for a valid date-time is the engine's own ISO parser. It cannot judge validity (V8
// reads 2015-02-30 as March 2nd), so which days exist comes from Date.UTC's day 0 of the next month.
const parsed = (iso: string) => Date.parse(iso);
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const pad = (value: number, width = 2) => String(value).padStart(width, '0');

describe('parseIso8601: the date fields', () => {
  it('knows the length of every month, in leap and common years (1900 and 2100 are not leap, 2000 is)', () => {
    const february = (year: number) => lastDay(year, 2);
    expect([1900, 2000, 2023, 2024, 2100].map(february)).toStrictEqual([28, 29, 28, 29, 28]);
    expect([4, 6, 9, 11].map((month) => lastDay(2023, month))).toStrictEqual([30, 30, 30, 30]);
    expect([1, 3, 5, 7, 8, 10, 12].every((month) => lastDay(2023, month) === 31)).toBe(true);
  });

  for (const year of [1900, 2000, 2023, 2024]) {
    it(`accepts day 01 and the last day of every month of ${year}, and refuses day 00 and the day after the last`, () => {
      for (let month = 1; month <= 12; month++) {
        const prefix = `${year}-${pad(month)}`;
        const last = lastDay(year, month);
        expect(parseIso8601(`${prefix}-01`), `${prefix}-01`).toBe(parsed(`${prefix}-01T00:00:00Z`));
        expect(parseIso8601(`${prefix}-${last}`), `${prefix}-${last}`).toBe(
          parsed(`${prefix}-${last}T00:00:00Z`),
        );
        expect(parseIso8601(`${prefix}-${last + 1}`), `${prefix}-${last + 1}`).toBeUndefined();
        expect(parseIso8601(`${prefix}-00`), `${prefix}-00`).toBeUndefined();
      }
    });
  }

  it('refuses day 32 and days that are not two digits', () => {
    for (const text of ['2024-01-32', '2024-01-99', '2024-01-1', '2024-01-001']) {
      expect(parseIso8601(text), text).toBeUndefined();
    }
  });

  it('accepts months 01 and 12, refuses 00 and 13', () => {
    expect(parseIso8601('2024-01-15')).toBe(parsed('2024-01-15T00:00:00Z'));
    expect(parseIso8601('2024-12-15')).toBe(parsed('2024-12-15T00:00:00Z'));
    expect(parseIso8601('2024-00-15')).toBeUndefined();
    expect(parseIso8601('2024-13-15')).toBeUndefined();
    expect(parseIso8601('2024-1-15')).toBeUndefined();
  });

  it('reads years 0000 to 0099 as written, not as 1900 to 1999', () => {
    expect(parseIso8601('0000-01-01')).toBe(parsed('0000-01-01T00:00:00Z'));
    expect(parseIso8601('0099-12-31T23:59:59Z')).toBe(parsed('0099-12-31T23:59:59Z'));
    expect(parseIso8601('0100-01-01')).toBe(parsed('0100-01-01T00:00:00Z'));
    expect(parseIso8601('0004-02-29')).toBe(parsed('0004-02-29T00:00:00Z'));
    // Year 0 is a leap year (divisible by 400); 1900, which Date.UTC would read, is not.
    expect(parseIso8601('0000-02-29T12:00Z')).toBe(parsed('0000-02-29T12:00:00Z'));
    expect(parseIso8601('0000-02-30')).toBeUndefined();
    expect(parseIso8601('0001-02-29')).toBeUndefined();
    expect(parseIso8601('9999-12-31T23:59:59.999Z')).toBe(parsed('9999-12-31T23:59:59.999Z'));
    expect(parseIso8601('10000-01-01')).toBeUndefined();
    expect(parseIso8601('999-01-01')).toBeUndefined();
  });
});

describe('parseIso8601: the time fields', () => {
  it('accepts hour 23, minute 59 and second 59, and the zero of each', () => {
    expect(parseIso8601('2024-02-29T23:59:59Z')).toBe(parsed('2024-02-29T23:59:59Z'));
    expect(parseIso8601('2024-02-29T00:00:00Z')).toBe(parsed('2024-02-29T00:00:00Z'));
    expect(parseIso8601('2024-02-29T23:59')).toBe(parsed('2024-02-29T23:59:00Z'));
  });

  it.each([
    '2024-02-29T24:00:00Z',
    '2024-02-29T24:00',
    '2024-02-29T23:60:00Z',
    '2024-02-29T23:60',
    '2024-02-29T23:59:60Z',
    '2024-02-29T23:59:99',
  ])('refuses %s (hour 24, minute 60, second 60)', (text) => {
    expect(parseIso8601(text)).toBeUndefined();
  });

  it('reads the fraction as milliseconds, cutting (not rounding) after three digits', () => {
    const at = parsed('2015-04-06T12:31:32Z');
    expect(parseIso8601('2015-04-06T12:31:32.5Z')).toBe(at + 500);
    expect(parseIso8601('2015-04-06T12:31:32.05Z')).toBe(at + 50);
    expect(parseIso8601('2015-04-06T12:31:32.007Z')).toBe(at + 7);
    expect(parseIso8601('2015-04-06T12:31:32.123999999Z')).toBe(at + 123);
    expect(parseIso8601('2015-04-06T12:31:32.0000000001Z')).toBeUndefined();
    expect(parseIso8601('2015-04-06T12:31:32.Z')).toBeUndefined();
    expect(parseIso8601('2015-04-06T12:31.5Z')).toBeUndefined();
  });

  it('takes T, t or a space between date and time, and nothing else', () => {
    const at = parsed('2015-04-06T12:31:00Z');
    expect(parseIso8601('2015-04-06T12:31')).toBe(at);
    expect(parseIso8601('2015-04-06t12:31')).toBe(at);
    expect(parseIso8601('2015-04-06 12:31')).toBe(at);
    for (const text of [
      '2015-04-06_12:31',
      '2015-04-0612:31',
      '2015-04-06T12',
      '2015-04-06T1:31',
    ]) {
      expect(parseIso8601(text), text).toBeUndefined();
    }
  });

  it('refuses anything before or after the date-time', () => {
    for (const text of [
      'x2015-04-06',
      ' 2015-04-06',
      '2015-04-06x',
      '2015-04-06 ',
      '2015-04-06T12:31:32Zx',
      '2015-04-06T12:31:32+02:00x',
      'on 2015-04-06T12:31:32Z',
    ]) {
      expect(parseIso8601(text), text).toBeUndefined();
    }
  });
});

describe('parseIso8601: the offset', () => {
  const utc = parsed('2015-04-06T12:00:00Z');
  const minute = 60_000;

  it('reads no offset, Z and z as UTC', () => {
    expect(parseIso8601('2015-04-06T12:00')).toBe(utc);
    expect(parseIso8601('2015-04-06T12:00:00Z')).toBe(utc);
    expect(parseIso8601('2015-04-06T12:00:00z')).toBe(utc);
    expect(parseIso8601('2015-04-06T12:00z')).toBe(utc);
  });

  it.each([
    ['+00:00', 0],
    ['-00:00', 0],
    ['+02:00', 120],
    ['-05:00', -300],
    ['+05:30', 330],
    ['-03:30', -210],
    ['+05:45', 345],
    ['-00:30', -30],
    ['+23:59', 1439],
    ['-23:59', -1439],
  ])(
    'reads the offset %s as %i minutes east of UTC, hours and minutes with one sign',
    (offset, east) => {
      expect(parseIso8601(`2015-04-06T12:00:00${offset}`)).toBe(utc - east * minute);
      expect(parseIso8601(`2015-04-06T12:00${offset}`)).toBe(utc - east * minute);
    },
  );

  it.each(['+24:00', '-24:00', '+00:60', '-05:60', '+0530', '+05', '+5:30', '05:30'])(
    'refuses the offset %s',
    (offset) => {
      expect(parseIso8601(`2015-04-06T12:00:00${offset}`)).toBeUndefined();
    },
  );

  it('has no offset on a date alone', () => {
    expect(parseIso8601('2015-04-06Z')).toBeUndefined();
    expect(parseIso8601('2015-04-06+02:00')).toBeUndefined();
  });
});

describe('toUnixSeconds', () => {
  it('reads Dates, ISO strings and finite numbers', () => {
    expect(toUnixSeconds(new Date('2015-04-06T12:31:32.123Z'))).toBe(1428323492.123);
    expect(toUnixSeconds('2015-04-06T14:31:32.123+02:00')).toBe(1428323492.123);
    expect(toUnixSeconds('2015-04-06T07:01:32.123-05:30')).toBe(1428323492.123);
    expect(toUnixSeconds(1428323492.5)).toBe(1428323492.5);
    expect(toUnixSeconds(1428323492123.4)).toBe(1428323492.123);
    expect(toUnixSeconds(-1.5)).toBe(-1.5);
  });

  it('refuses everything else, even what turns into an ISO string', () => {
    const isoLike = { toString: () => '2015-04-06', valueOf: () => 1428323492 };
    for (const value of [
      isoLike,
      ['2015-04-06'],
      [1428323492],
      new String('2015-04-06'),
      true,
      null,
      undefined,
      1428323492n,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      new Date(Number.NaN),
      '1428323492',
      '',
    ]) {
      expect(toUnixSeconds(value), String(value)).toBeUndefined();
    }
  });
});

describe('mapTrack: the timestamp a user reads about', () => {
  it('names the call, the field and the accepted forms', () => {
    expect(
      validationIssues(() => mapTrack({ userId: 'u', event: 'e', timestamp: '2015-02-29' })),
    ).toStrictEqual([
      {
        path: 'timestamp',
        message:
          'track: `timestamp` must be a valid Date, an ISO-8601 date or date-time (2015-04-06T12:31:32.123Z), or a finite number of seconds or milliseconds',
      },
    ]);
  });

  it('rounds the injected clock to whole milliseconds', () => {
    expect(
      mapTrack({ userId: 'u', event: 'e' }, { now: () => 1428323492123.6 }).body.timestamp,
    ).toBe(1428323492.124);
  });

  it('uses the system clock when the options give none', () => {
    const before = Date.now() / 1000;
    const { timestamp } = mapTrack({ userId: 'u', event: 'e' }, { defaultCountry: 'US' }).body;
    expect(timestamp).toBeGreaterThanOrEqual(Math.floor(before * 1000) / 1000);
    expect(timestamp).toBeLessThanOrEqual(Date.now() / 1000);
  });
});

describe('parseIso8601: the canonical form (Date#toISOString), read without the regular expression', () => {
  const digit = fc.integer({ min: 0, max: 9 }).map(String);
  const field = (length: number) =>
    fc.array(fc.oneof({ weight: 20, arbitrary: digit }, fc.constantFrom('a', '-', ' ', '٣')), {
      minLength: length,
      maxLength: length,
    });
  it('reads as the general parser reads the same text with a space for the T', () => {
    fc.assert(
      fc.property(
        fc.tuple(field(4), field(2), field(2), field(2), field(2), field(2), field(3)),
        ([y, mo, d, h, mi, s, ms]) => {
          const text = `${y.join('')}-${mo.join('')}-${d.join('')}T${h.join('')}:${mi.join('')}:${s.join('')}.${ms.join('')}Z`;
          // A space as separator is not the canonical form: the regular expression reads it.
          expect(parseIso8601(text), text).toBe(parseIso8601(text.replace('T', ' ')));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('reads what Date#toISOString writes, years 0 to 9999', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(parseIso8601(date.toISOString())).toBe(date.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });
});
