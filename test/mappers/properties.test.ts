import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  ConnectClient,
  ConnectEventSchema,
  ConnectUserSchema,
  DisableAllTokensBodySchema,
  mapAlias,
  mapDisablePushToken,
  mapGroup,
  mapIdentify,
  mapRegisterPushToken,
  mapSubscription,
  mapTrack,
  PushTokenBodySchema,
  SubscribeAllBodySchema,
  SubscribeCampaignsBodySchema,
  ValidationError,
} from '../../src/index';

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
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('any'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('any'), { maxKeys: 5 }),
})).any;
const objectOrJunk = fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), value);
const message = fc.record(
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
const asParsedJson = (input: unknown) => {
  try {
    return JSON.parse(JSON.stringify(input, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  } catch {
    return input;
  }
};

/** A faithful text form of a value (bigint, Date, undefined, NaN, own __proto__ keys), to detect mutation. */
function snapshot(input: unknown, seen = new Set<unknown>()): string {
  if (typeof input === 'bigint') return `${input}n`;
  if (input === undefined) return 'undefined';
  if (typeof input === 'number') return String(input); // -0 reads as 0, as JSON carries it
  if (input instanceof Date) return `Date(${input.getTime()})`;
  if (typeof input !== 'object' || input === null) return JSON.stringify(input);
  if (seen.has(input)) return '[circular]';
  seen.add(input);
  const body = Array.isArray(input)
    ? `[${input.map((item) => snapshot(item, seen)).join(',')}]`
    : `{${Reflect.ownKeys(input)
        .map((k) => `${String(k)}:${snapshot((input as Record<PropertyKey, unknown>)[k], seen)}`)
        .join(',')}}`;
  seen.delete(input);
  return body;
}

afterEach(() => {
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.keys(Object.prototype)).toStrictEqual([]);
});

describe.each([
  ['identify', mapIdentify, ConnectUserSchema],
  ['track', mapTrack, ConnectEventSchema],
  ['alias', mapAlias, ConnectUserSchema],
  ['group', mapGroup, ConnectUserSchema],
  ['registerPushToken', mapRegisterPushToken, PushTokenBodySchema],
  [
    'disablePushToken',
    mapDisablePushToken,
    z.union([PushTokenBodySchema, DisableAllTokensBodySchema]),
  ],
  [
    'subscribe',
    (m: never) => mapSubscription('subscribe', m),
    z.union([SubscribeAllBodySchema, SubscribeCampaignsBodySchema]),
  ],
] as const)('%s on arbitrary input', (_name, map, wireSchema) => {
  const run = (input: unknown) => {
    const before = snapshot(input);
    try {
      const { body } = (map as (m: unknown) => { body: unknown })(input);
      expect(wireSchema.safeParse(body).success).toBe(true);
      expect(snapshot(JSON.parse(JSON.stringify(body)))).toBe(snapshot(body));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      expect(error.issues.length).toBeGreaterThan(0);
    }
    expect(snapshot(input)).toBe(before);
  };

  it('returns a body Connect accepts or throws ValidationError, and never mutates its input', () => {
    fc.assert(fc.property(message, run), { numRuns: 1500 });
  });

  it('does the same for parsed JSON, where __proto__ is an own key', () => {
    fc.assert(fc.property(message.map(asParsedJson), run), { numRuns: 1000 });
  });
});

describe('prototype keys', () => {
  it('are kept as data in attributes and properties', () => {
    const traits = JSON.parse('{"__proto__":{"polluted":1},"constructor":"c"}');
    const user = mapIdentify({ userId: 'u', traits }).body;
    expect(Object.getPrototypeOf(user.attributes)).toBe(Object.prototype);
    expect(JSON.stringify(user.attributes)).toBe('{"__proto__":{"polluted":1},"constructor":"c"}');
    const properties = JSON.parse('{"__proto__":{"polluted":1}}');
    expect(JSON.stringify(mapTrack({ userId: 'u', event: 'e', properties }).body.properties)).toBe(
      '{"__proto__":{"polluted":1}}',
    );
  });
});

describe('hostile objects', () => {
  it('get a ValidationError, not a TypeError from zod, when their constructor.name cannot be a string', () => {
    const hostile = Object.create(null);
    hostile.constructor = { name: Object.create(null) };
    expect(() => mapIdentify({ anonymousId: hostile })).toThrow(ValidationError);
    expect(() => mapTrack({ userId: 'u', event: hostile })).toThrow(ValidationError);
    expect(() => mapAlias({ userId: hostile })).toThrow(ValidationError);
  });

  it('get a ValidationError when their length cannot be a number (zod .min() would throw a TypeError)', () => {
    const length = Object.create(null);
    expect(() =>
      mapSubscription('subscribe', { userId: 'u', campaignIds: { length } as never }),
    ).toThrow(ValidationError);
    expect(() =>
      mapRegisterPushToken({ userId: 'u', platform: 'apns', token: { length } as never }),
    ).toThrow(ValidationError);
    expect(() => new ConnectClient({ apiKey: { length } as never })).toThrow(ValidationError);
  });
});
