/**
 * fast-check generators of Segment-style calls, shared by the mapper properties and the fast-path
 * agreement tests: valid calls (unicode, reserved traits in odd spellings, real zones and phones),
 * nearly valid ones (one field replaced by anything) and anything at all.
 */
import { timeZonesNames } from '@vvo/tzdb';
import fc from 'fast-check';

// Keys a caller might send, reserved names in odd spellings, and keys that attack prototypes.
const key = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'name',
    'First Name',
    'e-mail',
    'phone',
    'phones',
    'timezone',
    'id',
    'userId',
    'toString',
  ),
  fc.string({ maxLength: 8 }),
);
const leaf = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    'Michael Bolton',
    'a@b.co',
    '+14155552671',
    '1234567890',
    'Europe/Berlin',
    'utc',
    'GMT+2',
    'ios',
    'android',
    '2015-04-06T12:31:32Z',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date(),
);
export const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('any'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('any'), { maxKeys: 5 }),
})).any;
const objectOrJunk = fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), value);
export const message = fc.record(
  {
    userId: value,
    anonymousId: value,
    previousId: value,
    groupId: value,
    platform: fc.oneof(fc.constantFrom('apns', 'fcm', 'gcm'), value),
    token: fc.oneof(value, fc.uint8Array({ maxLength: 8 })),
    all: value,
    campaignIds: fc.oneof(fc.array(value, { maxLength: 3 }), value),
    event: value,
    traits: objectOrJunk,
    properties: objectOrJunk,
    timestamp: value,
    context: fc.oneof(
      fc.record(
        {
          device: fc.record({ type: value, token: value }, { requiredKeys: [] }),
          timezone: value,
          os: value,
          library: value,
        },
        { requiredKeys: [] },
      ),
      value,
    ),
  },
  { requiredKeys: [] },
);

// JSON.parse gives own __proto__ keys, as a request body would.
export const asParsedJson = (input: unknown) => {
  try {
    return JSON.parse(JSON.stringify(input, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  } catch {
    return input;
  }
};

// ---- Valid calls, mostly: unicode text, reserved traits in odd spellings, real zones and phones.

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const usable = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((s) => /\S/.test(s));
const blank = fc.constantFrom('', ' ', '\t\n', '\u00a0\u2003');
const id = fc.oneof(
  { weight: 3, arbitrary: usable },
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const json = fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 2 });
const words = fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), {
  minLength: 1,
  maxLength: 4,
});
const fullName = fc.oneof(
  fc.constantFrom(
    'Michael Bolton',
    'Zoë\u00a0Ångström',
    '  Mary Ann van der Berg ',
    'Cher',
    '李 小龍',
  ),
  fc
    .tuple(words, fc.constantFrom(' ', '  ', '\t', '\u2003'))
    .map(([parts, gap]) => parts.join(gap)),
);
const phone = fc.oneof(
  fc.constantFrom('+14155552671', '(415) 555-2671', '+44 20 7946 0018', '020 7946 0018', '12345'),
  fc.stringMatching(/^\+?[0-9 ()-]{3,16}$/),
  fc.maxSafeNat(),
);
const zone = fc.oneof(
  fc.constantFrom(...timeZonesNames),
  fc.constantFrom('utc', ' Asia/Calcutta ', 'US/Pacific', 'europe/berlin', 'GMT+2', 'Moon/Moon'),
  text,
);
const spelled = (...keys: string[]) => fc.constantFrom(...keys);
const traitEntry = fc.oneof(
  fc.tuple(spelled('name', 'Name', 'full name'), fc.oneof(fullName, blank)),
  fc.tuple(spelled('firstName', 'first_name', 'First Name'), fc.oneof(usable, blank)),
  fc.tuple(spelled('lastName', 'last_name', 'LAST NAME'), fc.oneof(usable, blank)),
  fc.tuple(spelled('email', 'E-mail', 'EMAIL'), fc.oneof(fc.emailAddress(), usable, blank)),
  fc.tuple(spelled('phone', 'phoneNumber', 'phone_number', 'Phone'), phone),
  fc.tuple(spelled('phones', 'Phones'), fc.array(phone, { maxLength: 3 })),
  fc.tuple(spelled('timezone', 'time_zone', 'TimeZone'), zone),
  fc.tuple(spelled('id', 'userId', 'user_id', 'Id'), fc.oneof(id, fc.boolean())),
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 10 }), json),
  fc.tuple(text, fc.date({ noInvalidDate: true })),
);
const traitsOf = fc
  .array(traitEntry, { maxLength: 8 })
  .map((entries) => Object.fromEntries(entries));
const context = fc.record(
  {
    timezone: zone,
    device: fc.record(
      {
        type: fc.constantFrom('ios', 'Android', 'iPadOS', 'web', ' tvOS '),
        token: fc.oneof(usable, fc.uint8Array({ minLength: 1, maxLength: 8 })),
      },
      { requiredKeys: [] },
    ),
    os: fc.record({ name: fc.constantFrom('iOS', 'Android', 'Linux') }),
    library: fc.oneof(
      fc.constantFrom('analytics-ios', 'analytics-android', 'analytics.js'),
      fc.record({ name: fc.constantFrom('analytics-ios', 'Analytics-Android', 'analytics-node') }),
    ),
  },
  { requiredKeys: [] },
);
/** userId, anonymousId or both. */
const who = fc
  .record({ userId: id, anonymousId: id }, { requiredKeys: [] })
  .filter((ids) => ids.userId !== undefined || ids.anonymousId !== undefined);
const pad = (value: number, width = 2) => String(value).padStart(width, '0');
// Leap years repeat every 400 years; Date.UTC would read years 0 to 99 as 1900 to 1999.
const daysIn = (year: number, month: number) =>
  new Date(Date.UTC(year + 400, month, 0)).getUTCDate();
/**
 * An ISO-8601 string in one of the accepted forms, and the epoch milliseconds it names by the
 * engine's own parser reading the same fields in its canonical form.
 */
export const isoTimestamp = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.stringMatching(/^\d{1,9}$/),
    form: fc.constantFrom('date', 'minutes', 'seconds', 'fraction'),
    separator: fc.constantFrom('T', 't', ' '),
    zone: fc.oneof(
      fc.constantFrom('', 'Z', 'z'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
        )
        .map(([sign, hours, minutes]) => `${sign}${pad(hours)}:${pad(minutes)}`),
    ),
  })
  .map((t) => {
    const day = Math.min(t.day, daysIn(t.year, t.month));
    const ymd = `${pad(t.year, 4)}-${pad(t.month)}-${pad(day)}`;
    if (t.form === 'date') return { text: ymd, ms: Date.parse(`${ymd}T00:00:00.000Z`) };
    const hm = `${pad(t.hour)}:${pad(t.minute)}`;
    const seconds = t.form === 'minutes' ? '00' : pad(t.second);
    const fraction = t.form === 'fraction' ? t.fraction : '';
    const time =
      t.form === 'minutes' ? hm : `${hm}:${seconds}${fraction === '' ? '' : `.${fraction}`}`;
    const canonical = `${ymd}T${hm}:${seconds}.${fraction.padEnd(3, '0').slice(0, 3)}${t.zone.toUpperCase() || 'Z'}`;
    return { text: `${ymd}${t.separator}${time}${t.zone}`, ms: Date.parse(canonical) };
  });

export const valid = {
  identify: fc
    .tuple(who, fc.record({ traits: traitsOf, context }, { requiredKeys: [] }))
    .map(([ids, rest]) => ({ ...ids, ...rest })),
  track: fc
    .tuple(
      who,
      fc.record(
        {
          event: fc
            .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
            .filter((s) => /\S/.test(s)),
          properties: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 10 }), json, {
            maxKeys: 5,
          }),
          timestamp: fc.oneof(
            isoTimestamp.map(({ text }) => text),
            fc.date({ noInvalidDate: true }),
            fc.double({ min: -1e13, max: 1e13, noNaN: true }),
          ),
        },
        { requiredKeys: ['event'] },
      ),
    )
    .map(([ids, rest]) => ({ ...ids, ...rest })),
  alias: fc
    .record(
      { userId: id, previousId: id, anonymousId: id },
      { requiredKeys: ['userId', 'anonymousId'] },
    )
    .filter(
      ({ userId, previousId, anonymousId }) => String(userId) !== String(previousId ?? anonymousId),
    ),
  group: fc.record(
    { userId: id, groupId: id, traits: traitsOf },
    { requiredKeys: ['userId', 'groupId'] },
  ),
  registerPushToken: fc.record({
    userId: id,
    platform: fc.constantFrom('apns', 'fcm', 'gcm'),
    token: fc.oneof(usable, fc.uint8Array({ minLength: 1, maxLength: 8 })),
  }),
  disablePushToken: fc.oneof(
    fc.record({
      userId: id,
      platform: fc.constantFrom('apns', 'fcm', 'gcm'),
      token: fc.oneof(usable, fc.uint8Array({ minLength: 1, maxLength: 8 })),
    }),
    fc.record({
      userId: id,
      platform: fc.constantFrom('apns', 'fcm', 'gcm'),
      all: fc.constant(true),
    }),
  ),
  subscribe: fc.record(
    { userId: id, campaignIds: fc.array(id, { minLength: 1, maxLength: 3 }) },
    { requiredKeys: ['userId'] },
  ),
} as const;

const FIELDS = [
  'userId',
  'anonymousId',
  'previousId',
  'groupId',
  'platform',
  'token',
  'all',
  'campaignIds',
  'event',
  'traits',
  'properties',
  'timestamp',
  'context',
];
/** Valid calls; a quarter with one field replaced by anything; now and then anything at all. */
export const nearlyValid = (call: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(
    { weight: 6, arbitrary: call },
    {
      weight: 2,
      arbitrary: fc
        .tuple(call, fc.constantFrom(...FIELDS), value)
        .map(([m, field, v]) => ({ ...m, [field]: v })),
    },
    { weight: 1, arbitrary: message },
  );
