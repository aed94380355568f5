/** Converts Segment timestamps to Connect's Unix seconds (millisecond precision). */

// YYYY-MM-DD, optionally followed by T or space, HH:MM[:SS[.fraction]] and Z or ±HH:MM.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

/** Numbers below this are seconds; from it on, milliseconds (1e11 s is the year 5138). */
const MILLISECONDS_FROM = 1e11;

/**
 * Unix seconds with millisecond precision, or `undefined` when `value` is not a timestamp.
 * Accepts a valid `Date`; an ISO-8601 date or date-time string (UTC when it has no offset);
 * or a finite number, read as seconds below 1e11 and as milliseconds from there on. Digit
 * strings are refused: `'1428323492'` is ambiguous.
 *
 * @example
 * ```ts
 * toUnixSeconds('2015-04-06T12:31:32.123Z'); // 1428323492.123
 * toUnixSeconds(1428323492123);              // 1428323492.123
 * toUnixSeconds('yesterday');                // undefined
 * ```
 */
export function toUnixSeconds(value: unknown): number | undefined {
  let milliseconds: number | undefined;
  if (value instanceof Date) milliseconds = value.getTime();
  else if (
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent: Number.isFinite is false for anything but a number (the typeof is for TypeScript)
    typeof value === 'number' &&
    Number.isFinite(value)
  )
    milliseconds = value < MILLISECONDS_FROM ? value * 1000 : value;
  else if (typeof value === 'string') milliseconds = parseIso8601(value);
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isFinite(undefined) is false too (the first test is for TypeScript)
  if (milliseconds === undefined || !Number.isFinite(milliseconds)) return undefined;
  const seconds = Math.round(milliseconds) / 1000;
  return seconds === 0 ? 0 : seconds; // never -0, which JSON cannot carry
}

/**
 * Epoch milliseconds of an ISO-8601 date or date-time, or `undefined` when it is not one or
 * names a day or time that does not exist.
 *
 * @example
 * ```ts
 * parseIso8601('2015-04-06 14:31:32+02:00'); // 1428323492000
 * parseIso8601('2015-02-30');                // undefined
 * ```
 */
export function parseIso8601(text: string): number | undefined {
  // Most timestamps are what Date#toISOString writes: read those by character codes.
  if (isCanonical(text)) return canonicalUtc(text);
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  // Stryker disable next-line StringLiteral: equivalent: a '' default reads the same, Number('') is 0 and offsetMinutes('') is 0
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: '' padded is '000', so the shortcut gives the same 0
  const ms = fraction === '' ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  // Date.UTC reads years 0–99 as 1900–1999; those few go through setUTCFullYear, with the month
  // and day again (0000-02-29 exists, 1900-02-29 does not).
  let utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent for year 100 and up, where setting the same fields again changes nothing
  if (year < 100) {
    const date = new Date(utc);
    date.setUTCFullYear(year, month - 1, day);
    utc = date.getTime();
  }
  const epoch = utc - offsetMinutes(zone) * 60_000;
  return Number.isFinite(epoch) ? epoch : undefined;
}

const DASH = 45;
const COLON = 58;
const DOT = 46;
const T = 84;
const Z = 90;

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` in its punctuation, any year: {@link canonicalUtc} counts days
 * itself, so years 0–99 need no `Date.UTC` detour.
 */
function isCanonical(text: string): boolean {
  return (
    text.length === 24 &&
    text.charCodeAt(4) === DASH &&
    text.charCodeAt(7) === DASH &&
    text.charCodeAt(10) === T &&
    text.charCodeAt(13) === COLON &&
    text.charCodeAt(16) === COLON &&
    text.charCodeAt(19) === DOT &&
    text.charCodeAt(23) === Z
  );
}

/** The decimal number in `text[from, to)`, or -1 when a character is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * {@link parseIso8601} of a canonical string: the same checks, without the regular expression,
 * and the epoch milliseconds by integer arithmetic rather than `Date.UTC`.
 */
function canonicalUtc(text: string): number | undefined {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  const ms = digitsAt(text, 20, 23);
  // Stryker disable next-line EqualityOperator: equivalent: all seven 0 (<= 0) is month 0, refused just below
  if ((year | month | day | hour | minute | second | ms) < 0) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return (
    ((daysFromEpoch(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms
  );
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). */
function daysFromEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function offsetMinutes(zone: string): number {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: equivalent: Z and z would also read as +00:00 below (Number('') is 0); the test says what it means
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return Number.NaN;
  return sign * (hours * 60 + minutes);
}
