/**
 * mapTrack and mapIdentify check the common shapes by hand (src/schemas/fast-paths.ts) and leave
 * the rest to zod. Here a second copy of the mappers is loaded with the hand-written checks
 * switched off (zod alone), and both copies must give the same body and warnings, or the same
 * error, for any input.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { mapIdentify, mapTrack } from '../../src/index';
import { mapIdentifyForWire } from '../../src/mappers/identify';
import { resolveMappingOptions } from '../../src/mappers/options';
import { mapTrackForWire } from '../../src/mappers/track';
import { readIdentify, readTrack } from '../../src/schemas/fast-paths';
import { asParsedJson, message, nearlyValid, valid } from '../support/call-arbitraries';

vi.resetModules();
vi.doMock('../../src/schemas/fast-paths', () => ({
  readTrack: () => undefined,
  readIdentify: () => undefined,
}));
const zodOnly = {
  mapTrack: (await import('../../src/mappers/track')).mapTrack,
  mapIdentify: (await import('../../src/mappers/identify')).mapIdentify,
};
vi.doUnmock('../../src/schemas/fast-paths');

const OPTIONS = { now: () => 1_767_225_600_000, defaultCountry: 'US' } as const;

type Mapper = (message: never, options: typeof OPTIONS) => { body: unknown; warnings: unknown };

/**
 * What a mapper made of `input`: its body as JSON (what goes on the wire; toStrictEqual would
 * trip on an own `constructor` key) and its warnings, or its error (class name, message, issues).
 */
function outcome(map: Mapper, input: unknown) {
  try {
    const { body, warnings } = map(input as never, OPTIONS);
    return { body: JSON.stringify(body), warnings };
  } catch (error) {
    const { name, message, issues } = error as Error & { issues?: unknown };
    return { error: { name, message, issues } };
  }
}

const CALLS = [
  ['track', mapTrack, zodOnly.mapTrack, readTrack],
  ['identify', mapIdentify, zodOnly.mapIdentify, readIdentify],
] as const;

// A long event in code points and UTF-16 units; bytes as tokens; values zod refuses.
const edges = [
  { userId: 'u', event: 'x'.repeat(200) },
  { userId: 'u', event: 'x'.repeat(201) },
  { userId: 'u', event: '😀'.repeat(100) },
  { userId: 'u', event: '😀'.repeat(101) },
  { userId: 'u', event: '😀'.repeat(200) },
  { userId: 'u', event: 'E', context: { device: { type: 'ios', token: new Uint8Array([1, 2]) } } },
  { userId: 'u', context: { device: { type: 'ios', token: new Uint8Array([1, 2]).buffer } } },
  { userId: 'u', context: { device: { type: 'android', token: 't' }, os: { name: 'iOS' } } },
  { userId: 'u', context: { device: null, timezone: 'europe/berlin', library: 'analytics-ios' } },
  { userId: 'u', context: { device: [] } },
  { userId: 'u', context: new Date() },
  { userId: Number.POSITIVE_INFINITY, event: 'E' },
  { userId: Number.NaN, event: 'E' },
  { userId: -0, event: 'E', timestamp: -0 },
  { userId: ' ', anonymousId: 'a', event: 'E' },
  { userId: 'u', event: 'E', timestamp: new Date(Number.NaN) },
  { userId: 'u', event: 'E', timestamp: new Date(0) },
  { userId: 'u', event: 'E', timestamp: Number.POSITIVE_INFINITY },
  { userId: 'u', event: 'E', messageId: 5 },
  { userId: 'u', event: 'E', properties: [] },
  { userId: 'u', event: 'E', properties: new Map() },
  { userId: 'u', traits: Object.create(null) },
  { userId: 'u', traits: new (class Traits {})() },
  Object.assign(Object.create(null), { userId: 'u', event: 'E' }),
  new (class Message {
    userId = 'u';
    event = 'E';
  })(),
  [],
  null,
  'track',
];

describe.each(CALLS)('%s: the hand-written check and zod', (_name, fast, zod, read) => {
  const agree = (input: unknown) => {
    expect(outcome(fast as Mapper, input)).toStrictEqual(outcome(zod as Mapper, input));
  };

  it('agree on edge cases', () => {
    for (const input of edges) agree(input);
  });

  it('agree on valid, nearly valid and arbitrary input, as objects and as parsed JSON', () => {
    const call = valid[_name] as fc.Arbitrary<Record<string, unknown>>;
    fc.assert(fc.property(nearlyValid(call), agree), { numRuns: 1500 });
    fc.assert(fc.property(nearlyValid(call).map(asParsedJson), agree), { numRuns: 500 });
    fc.assert(fc.property(message, agree), { numRuns: 500 });
  });

  it('takes the hand-written path for most valid calls (else the agreement above proves little)', () => {
    const call = valid[_name] as fc.Arbitrary<Record<string, unknown>>;
    const samples = fc.sample(call, 500);
    const fastShare = samples.filter((input) => read(input) !== undefined).length / samples.length;
    expect(fastShare).toBeGreaterThan(0.7);
  });
});

describe.each([
  ['track', mapTrack, mapTrackForWire],
  ['identify', mapIdentify, mapIdentifyForWire],
] as const)('%s for the wire (what the client serializes)', (name, map, forWire) => {
  const wire = (message: never, options: typeof OPTIONS) =>
    forWire(message, resolveMappingOptions(options));
  const agree = (input: unknown) => {
    expect(outcome(wire, input)).toStrictEqual(outcome(map as Mapper, input));
  };

  it('reads the data once, as the copy does: a value that changes between reads is sent as read', () => {
    /** A fresh input each time (the copy and the wire each get their own), `x` read `reads` times. */
    const flipping = (first: unknown, later: unknown) => {
      let reads = 0;
      const data = {
        get x() {
          reads++;
          return reads === 1 ? first : later;
        },
      };
      const input =
        name === 'track'
          ? { userId: 'u', event: 'E', timestamp: 1, properties: { list: [data] } }
          : { userId: 'u', traits: { list: [data] } };
      return { input, reads: () => reads };
    };
    const pairs: Array<[unknown, unknown]> = [
      [1, Number.NaN],
      [Number.NaN, 1],
      ['a', 1n],
      [1n, 'a'],
      [{ ok: true }, new Date(0)],
      [Number.POSITIVE_INFINITY, { toJSON: () => 1 }],
      [new Number(2), new Number(Number.NaN)],
    ];
    for (const [first, later] of pairs) {
      const copied = flipping(first, later);
      const sent = flipping(first, later);
      expect(outcome(wire, sent.input)).toStrictEqual(outcome(map as Mapper, copied.input));
      expect(sent.reads()).toBe(1);
    }
  });

  it('serializes exactly as the copy does, or fails the same way', () => {
    const awkward: Array<{
      userId: string;
      event?: string;
      properties?: unknown;
      traits?: unknown;
    }> = [
      { userId: 'u', event: 'E', properties: { at: new Date(0), n: -0, u: undefined, f: () => 1 } },
      {
        userId: 'u',
        event: 'E',
        properties: { list: [undefined, () => 1, Symbol('s'), new Array(2), 1] },
      },
      { userId: 'u', event: 'E', properties: { nan: Number.NaN } },
      { userId: 'u', event: 'E', properties: { deep: { big: 1n } } },
      { userId: 'u', event: 'E', properties: { boxed: [new Number(1), new String('s')] } },
      { userId: 'u', event: 'E', properties: { json: { toJSON: () => 'x' } } },
      { userId: 'u', event: 'E', properties: JSON.parse('{"__proto__":{"a":1}}') },
      { userId: 'u', event: 'E', properties: Object.assign(Object.create(null), { a: [1] }) },
      { userId: 'u', event: 'E', properties: { map: new Map([[1, 2]]), set: new Set([1]) } },
    ];
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = { back: circular };
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let depth = 0; depth < 300; depth++) {
      at.d = {};
      at = at.d as Record<string, unknown>;
    }
    for (const properties of [circular, deep])
      awkward.push({ userId: 'u', event: 'E', properties });
    // The same values as traits, for identify.
    for (const input of [...awkward]) awkward.push({ userId: 'u', traits: input.properties });
    for (const input of awkward) agree(input);
    const call = valid[name] as fc.Arbitrary<Record<string, unknown>>;
    fc.assert(fc.property(nearlyValid(call), agree), { numRuns: 1500 });
    fc.assert(fc.property(nearlyValid(call).map(asParsedJson), agree), { numRuns: 500 });
    fc.assert(fc.property(message, agree), { numRuns: 500 });
  });
});
