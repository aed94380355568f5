import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  ConnectClient,
  mapAlias,
  mapDisablePushToken,
  mapGroup,
  mapIdentify,
  mapRegisterPushToken,
  mapSubscription,
  mapTrack,
  ValidationError,
} from '../../src/index';
import { parseIso8601 } from '../../src/mappers/timestamp';
import { reservedTraitOf } from '../../src/mappers/trait-keys';
import {
  ConnectEventSchema,
  ConnectUserSchema,
  DisableAllTokensBodySchema,
  PushTokenBodySchema,
  SubscribeAllBodySchema,
  SubscribeCampaignsBodySchema,
} from '../../src/schemas/index';
import { asParsedJson, isoTimestamp, nearlyValid, valid } from '../support/call-arbitraries';

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

const MAPPERS = [
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
] as const;

describe.each(MAPPERS)('%s', (name, map, wireSchema) => {
  const mapper = map as (m: unknown) => { body: unknown };
  /** Maps `input` and checks what holds for every input; true when it gave a body. */
  const run = (input: unknown): boolean => {
    const before = snapshot(input);
    let mapped = false;
    try {
      const { body } = mapper(input);
      expect(wireSchema.safeParse(body).success).toBe(true);
      expect(snapshot(JSON.parse(JSON.stringify(body)))).toBe(snapshot(body));
      mapped = true;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      expect(error.issues.length).toBeGreaterThan(0);
    }
    expect(snapshot(input)).toBe(before);
    return mapped;
  };

  it('maps every valid call (unicode, reserved traits in any spelling) to a body Connect accepts', () => {
    fc.assert(
      fc.property(valid[name], (input) => {
        expect(run(input)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('on nearly valid or arbitrary input, returns a body Connect accepts or throws ValidationError, and never mutates its input', () => {
    let mapped = 0;
    const runs = 1000;
    fc.assert(
      fc.property(nearlyValid(valid[name]), (input) => {
        if (run(input)) mapped++;
      }),
      { numRuns: runs },
    );
    // Most inputs must get through, or the properties above would only ever test refusals.
    expect(mapped).toBeGreaterThan(runs * 0.6);
  });

  it('does the same for parsed JSON, where __proto__ is an own key', () => {
    fc.assert(
      fc.property(nearlyValid(valid[name]).map(asParsedJson), (input) => {
        run(input);
      }),
      { numRuns: 500 },
    );
  });
});

describe('valid calls, in detail', () => {
  it('reads every accepted ISO-8601 form as the engine reads the same fields written canonically', () => {
    fc.assert(
      fc.property(isoTimestamp, ({ text, ms }) => {
        expect(Number.isFinite(ms)).toBe(true);
        expect(parseIso8601(text)).toBe(ms);
        expect(mapTrack({ userId: 'u', event: 'e', timestamp: text }).body.timestamp).toBe(
          ms / 1000 || 0,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('identify: user_id is userId else anonymousId, and every trait that is not reserved stays, as JSON carries it', () => {
    fc.assert(
      fc.property(valid.identify, (input) => {
        const { body } = mapIdentify(input as never);
        expect(body.user_id).toBe(input.userId ?? input.anonymousId);
        const traits = (input.traits ?? {}) as Record<string, unknown>;
        const kept = Object.keys(traits).filter(
          (key) => reservedTraitOf(key) === undefined && traits[key] !== undefined,
        );
        expect(JSON.parse(JSON.stringify(pick(body.attributes ?? {}, kept)))).toStrictEqual(
          JSON.parse(JSON.stringify(pick(traits, kept))),
        );
        for (const key of Object.keys(body.attributes ?? {}))
          expect(Object.hasOwn(traits, key)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('track: the event as given, a JSON copy of properties', () => {
    fc.assert(
      fc.property(valid.track, (input) => {
        const { body } = mapTrack(input as never);
        expect(body.user_id).toBe(input.userId ?? input.anonymousId);
        expect(body.event).toBe(input.event);
        expect(body.properties).toStrictEqual(JSON.parse(JSON.stringify(input.properties ?? {})));
      }),
      { numRuns: 400 },
    );
  });
});

const pick = (record: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(
    keys.filter((key) => Object.hasOwn(record, key)).map((key) => [key, record[key]]),
  );

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
