import { describe, expect, it } from 'vitest';
import { mapAlias, mapTrack } from '../../src/index';
import { validationIssues as issuesOf } from '../support/validation';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const now = () => NOW;

describe('mapTrack', () => {
  it('maps the example of mapping.md', () => {
    expect(
      mapTrack({
        userId: 'u1',
        event: 'Signed Up',
        properties: { plan: 'Startup', source: 'Analytics Academy' },
        timestamp: '2015-04-06T12:31:32.123Z',
      }),
    ).toStrictEqual({
      path: '/v2/track',
      body: {
        user_id: 'u1',
        event: 'Signed Up',
        properties: { plan: 'Startup', source: 'Analytics Academy' },
        timestamp: 1428323492.123,
      },
      warnings: [],
    });
  });

  it('uses anonymousId, sends the event name as given, {} for absent properties, now for absent timestamp', () => {
    expect(
      mapTrack({ anonymousId: 7, event: '  Signed Up ', properties: null }, { now }).body,
    ).toStrictEqual({
      user_id: 7,
      event: '  Signed Up ',
      properties: {},
      timestamp: NOW / 1000,
    });
  });

  it('counts the 200-character limit in code points', () => {
    const emoji = '😀'.repeat(200);
    expect(mapTrack({ userId: 'u', event: emoji }, { now }).body.event).toBe(emoji);
    expect(issuesOf(() => mapTrack({ userId: 'u', event: `${emoji}x` }))).toStrictEqual([
      {
        path: 'event',
        message: 'track: `event` must be a non-empty string of at most 200 characters',
      },
    ]);
  });

  it.each([undefined, '', '   ', 42, null])('refuses event %j', (event) => {
    expect(
      issuesOf(() => mapTrack({ userId: 'u', event } as never)).map((i) => i.path),
    ).toStrictEqual(['event']);
  });

  it.each([
    [new Date('2015-04-06T12:31:32.123Z'), 1428323492.123],
    ['2015-04-06', 1428278400],
    ['2015-04-06T12:31', 1428323460],
    ['2015-04-06 12:31:32', 1428323492],
    ['2015-04-06T14:31:32.123+02:00', 1428323492.123],
    ['2015-04-06T07:31:32.1234-05:00', 1428323492.123],
    [1428323492, 1428323492],
    [1428323492.5, 1428323492.5],
    [1428323492123, 1428323492.123],
    [0, 0],
  ])('converts timestamp %j to %j seconds', (timestamp, seconds) => {
    expect(mapTrack({ userId: 'u', event: 'e', timestamp }).body.timestamp).toBe(seconds);
  });

  it.each([
    '1428323492',
    '2015-02-30',
    '2015-13-01',
    '2015-04-06T24:00',
    'yesterday',
    '2015-04-06T12:31:32+25:00',
    new Date(Number.NaN),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
  ])('refuses timestamp %j (fix: Segment sent null)', (timestamp) => {
    expect(
      issuesOf(() => mapTrack({ userId: 'u', event: 'e', timestamp } as never)).map((i) => i.path),
    ).toStrictEqual(['timestamp']);
  });

  it('refuses properties that are not a plain object', () => {
    expect(
      issuesOf(() => mapTrack({ userId: 'u', event: 'e', properties: [1] as never })),
    ).toStrictEqual([
      { path: 'properties', message: 'track: `properties` must be a plain object' },
    ]);
  });

  it('does not send context', () => {
    const body = mapTrack(
      {
        userId: 'u',
        event: 'e',
        context: { timezone: 'UTC', device: { type: 'ios', token: 't' } },
      },
      { now },
    ).body;
    expect(Object.keys(body)).toStrictEqual(['user_id', 'event', 'properties', 'timestamp']);
  });
});

describe('mapAlias', () => {
  it('maps the example of mapping.md', () => {
    expect(mapAlias({ userId: '019mr8mf4r', anonymousId: 'anon-1' })).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: '019mr8mf4r', previous_id: 'anon-1' },
      warnings: [],
    });
  });

  it('prefers previousId over anonymousId and keeps numbers as numbers', () => {
    expect(mapAlias({ userId: 1, previousId: 2, anonymousId: 'anon' }).body).toStrictEqual({
      user_id: 1,
      previous_id: 2,
    });
  });

  it('requires both ids, and that they differ as strings', () => {
    expect(issuesOf(() => mapAlias({ userId: 'u1' }))).toStrictEqual([
      { path: 'previousId', message: 'alias: `previousId` or `anonymousId` is required' },
    ]);
    expect(issuesOf(() => mapAlias({ userId: 5, previousId: '5' }))).toStrictEqual([
      { path: 'previousId', message: 'alias: `previousId` must differ from `userId`' },
    ]);
    expect(issuesOf(() => mapAlias({ previousId: 'a' } as never)).map((i) => i.path)).toStrictEqual(
      ['userId'],
    );
    expect(
      issuesOf(() => mapAlias({ userId: 'u', previousId: '' })).map((i) => i.path),
    ).toStrictEqual(['previousId']);
  });
});

describe('track and alias errors: the call and the field', () => {
  it('track needs userId or anonymousId', () => {
    expect(issuesOf(() => mapTrack({ event: 'e' }))).toStrictEqual([
      { path: 'userId', message: 'track: `userId` or `anonymousId` is required' },
    ]);
    expect(issuesOf(() => mapTrack({ userId: '', event: 'e' }))).toStrictEqual([
      { path: 'userId', message: 'track: `userId` must be a non-empty string or a finite number' },
    ]);
    expect(issuesOf(() => mapTrack({ userId: 'u', event: '' }))).toStrictEqual([
      {
        path: 'event',
        message: 'track: `event` must be a non-empty string of at most 200 characters',
      },
    ]);
  });

  it('track and alias check their options, naming them', () => {
    const options = { androidPushField: 'apns' as never };
    const expected = [
      {
        path: 'androidPushField',
        message: 'options: `androidPushField` must be one of "fcm", "gcm"',
      },
    ];
    expect(issuesOf(() => mapTrack({ userId: 'u', event: 'e' }, options))).toStrictEqual(expected);
    expect(issuesOf(() => mapAlias({ userId: 'u', previousId: 'p' }, options))).toStrictEqual(
      expected,
    );
  });

  it('alias compares its ids as strings', () => {
    expect(issuesOf(() => mapAlias({ userId: 'u1', anonymousId: 'u1' }))).toStrictEqual([
      { path: 'previousId', message: 'alias: `previousId` must differ from `userId`' },
    ]);
    expect(mapAlias({ userId: 'u1', previousId: ' u1' }).body).toStrictEqual({
      user_id: 'u1',
      previous_id: ' u1',
    });
  });
});
