/**
 * The hand-written checks themselves (src/schemas/fast-paths.ts), field by field: what each one
 * returns for a valid message (exactly the fields the mapper reads), and that each invalid field
 * sends the message to zod (`undefined`). test/mappers/fast-path.test.ts holds the mappers' two
 * paths to the same outcome; this file pins which path each message takes, so a check that lets
 * bad input through, or turns good input away, fails here.
 */
import { describe, expect, it } from 'vitest';
import { readIdentify, readTrack } from '../../src/schemas/fast-paths';

const TRACK = { userId: 'u1', event: 'Signed Up' };
const IDENTIFY = { userId: 'u1' };
const date = new Date(Date.UTC(2026, 0, 1));
const bytes = new Uint8Array([1, 2]);

/** Field values the checks accept, for a field of both calls. */
const GOOD_IDS = [undefined, null, 'a', ' a ', 0, -1.5, 42];
const BAD_IDS = ['', ' ', '\t\n', Number.NaN, Number.POSITIVE_INFINITY, true, {}, [], 1n];
const GOOD_TIMESTAMPS = [undefined, null, '', 'not a date', '2026-01-01', 0, -1, date];
const BAD_TIMESTAMPS = [
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  new Date(Number.NaN),
  true,
  {},
  [],
  { getTime: () => 0 },
];
const GOOD_MESSAGE_IDS = [undefined, null, '', 'm-1'];
const BAD_MESSAGE_IDS = [0, true, {}];
const GOOD_CONTEXTS = [
  undefined,
  null,
  {},
  Object.create(null),
  { device: null },
  { device: {} },
  { device: { type: 'ios', token: 't' } },
  { device: { type: 'ios', token: bytes } },
  { device: { type: 'ios', token: bytes.buffer } },
  { device: { type: 'ios', token: null } },
];
const BAD_CONTEXTS = [
  [],
  new Date(),
  'context',
  0,
  { device: [] },
  { device: 'ios' },
  { device: new Date() },
  { device: { type: 'ios', token: 5 } },
  { device: { type: 'ios', token: {} } },
  { device: { type: 'ios', token: [1, 2] } },
];

describe('readTrack', () => {
  it('returns exactly the fields the track mapper reads', () => {
    const properties = { plan: 'pro' };
    expect(
      readTrack({
        ...TRACK,
        anonymousId: 'a1',
        properties,
        timestamp: date,
        messageId: 'm-1',
        context: { timezone: 'UTC' },
        extra: 1,
      }),
    ).toStrictEqual({
      userId: 'u1',
      anonymousId: 'a1',
      event: 'Signed Up',
      properties,
      timestamp: date,
    });
    expect(readTrack(TRACK)).toStrictEqual({
      userId: 'u1',
      anonymousId: undefined,
      event: 'Signed Up',
      properties: undefined,
      timestamp: undefined,
    });
    expect(readTrack({ ...TRACK, properties: null })?.properties).toBeNull();
  });

  it('accepts every valid value of each field', () => {
    for (const userId of GOOD_IDS) expect(readTrack({ ...TRACK, userId })?.userId).toBe(userId);
    for (const anonymousId of GOOD_IDS)
      expect(readTrack({ ...TRACK, anonymousId })?.anonymousId).toBe(anonymousId);
    for (const timestamp of GOOD_TIMESTAMPS)
      expect(readTrack({ ...TRACK, timestamp })?.timestamp).toBe(timestamp);
    for (const messageId of GOOD_MESSAGE_IDS)
      expect(readTrack({ ...TRACK, messageId })).toBeDefined();
    for (const context of GOOD_CONTEXTS) expect(readTrack({ ...TRACK, context })).toBeDefined();
    for (const properties of [undefined, null, {}, Object.create(null)])
      expect(readTrack({ ...TRACK, properties })?.properties).toBe(properties);
    expect(readTrack(Object.assign(Object.create(null), TRACK))).toBeDefined();
  });

  it('accepts an event of 1 to 200 UTF-16 units with a non-blank character', () => {
    for (const event of ['E', ' E ', 'x'.repeat(200), '😀'.repeat(100)])
      expect(readTrack({ ...TRACK, event })?.event).toBe(event);
  });

  it('leaves to zod every invalid field, and events over 200 UTF-16 units', () => {
    const refused = (change: Record<string, unknown>) =>
      expect(readTrack({ ...TRACK, ...change }), String(Object.keys(change))).toBeUndefined();
    for (const event of [undefined, null, '', ' ', '\n', 5, 'x'.repeat(201), '😀'.repeat(101)])
      refused({ event });
    for (const userId of BAD_IDS) refused({ userId });
    for (const anonymousId of BAD_IDS) refused({ anonymousId });
    for (const properties of ['p', 0, [], new Date(), new Map()]) refused({ properties });
    for (const timestamp of BAD_TIMESTAMPS) refused({ timestamp });
    for (const messageId of BAD_MESSAGE_IDS) refused({ messageId });
    for (const context of BAD_CONTEXTS) refused({ context });
  });

  it('leaves to zod what is not a plain object', () => {
    for (const message of [undefined, null, 'track', 1, [TRACK], new (class {})()])
      expect(readTrack(message)).toBeUndefined();
  });
});

describe('readIdentify', () => {
  it('returns exactly the fields the identify mapper reads, the context as zod gives it', () => {
    const traits = { email: 'a@example.com' };
    const device = { type: 'ios', token: bytes, model: 'iPhone' };
    const os = { name: 'iOS' };
    const library = { name: 'analytics-ios' };
    const result = readIdentify({
      ...IDENTIFY,
      anonymousId: 7,
      traits,
      timestamp: 0,
      messageId: 'm',
      context: { device, timezone: 'Europe/Berlin', os, library, ip: '1.2.3.4' },
    });
    expect(result).toStrictEqual({
      userId: 'u1',
      anonymousId: 7,
      traits,
      context: { device: { type: 'ios', token: bytes }, timezone: 'Europe/Berlin', os, library },
    });
    expect(result?.traits).toBe(traits);
    expect(result?.context?.device?.token).toBe(bytes);
    expect(readIdentify({ ...IDENTIFY, context: { device: null, timezone: 'UTC' } })).toStrictEqual(
      {
        userId: 'u1',
        anonymousId: undefined,
        traits: undefined,
        context: { device: null, timezone: 'UTC', os: undefined, library: undefined },
      },
    );
    expect(readIdentify(IDENTIFY)).toStrictEqual({
      userId: 'u1',
      anonymousId: undefined,
      traits: undefined,
      context: undefined,
    });
    expect(readIdentify({ ...IDENTIFY, context: null })?.context).toBeNull();
  });

  it('accepts every valid value of each field', () => {
    for (const userId of GOOD_IDS)
      expect(readIdentify({ ...IDENTIFY, userId })?.userId).toBe(userId);
    for (const anonymousId of GOOD_IDS)
      expect(readIdentify({ ...IDENTIFY, anonymousId })?.anonymousId).toBe(anonymousId);
    for (const timestamp of GOOD_TIMESTAMPS)
      expect(readIdentify({ ...IDENTIFY, timestamp })).toBeDefined();
    for (const messageId of GOOD_MESSAGE_IDS)
      expect(readIdentify({ ...IDENTIFY, messageId })).toBeDefined();
    for (const context of GOOD_CONTEXTS)
      expect(readIdentify({ ...IDENTIFY, context })).toBeDefined();
    for (const traits of [undefined, null, {}, Object.create(null)])
      expect(readIdentify({ ...IDENTIFY, traits })?.traits).toBe(traits);
    expect(readIdentify({})).toBeDefined();
  });

  it('leaves to zod every invalid field', () => {
    const refused = (change: Record<string, unknown>) =>
      expect(readIdentify({ ...IDENTIFY, ...change }), String(Object.keys(change))).toBeUndefined();
    for (const userId of BAD_IDS) refused({ userId });
    for (const anonymousId of BAD_IDS) refused({ anonymousId });
    for (const traits of ['t', 0, [], new Date()]) refused({ traits });
    for (const timestamp of BAD_TIMESTAMPS) refused({ timestamp });
    for (const messageId of BAD_MESSAGE_IDS) refused({ messageId });
    for (const context of BAD_CONTEXTS) refused({ context });
  });

  it('leaves to zod what is not a plain object', () => {
    for (const message of [undefined, null, 'identify', 1, [IDENTIFY], new (class {})()])
      expect(readIdentify(message)).toBeUndefined();
  });
});
