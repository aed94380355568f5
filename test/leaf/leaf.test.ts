/**
 * The shared predicates of src/leaf on their own: name suggestions (the threshold, ties, the
 * edit distance), CORS headers, phone countries and the browser client's anonymous ids.
 */
import { describe, expect, it } from 'vitest';
import {
  ANALYTICS_JS_ANONYMOUS_ID_PATTERN,
  ANONYMOUS_ID_PATTERN,
  anonymousIdTime,
  newAnonymousId,
} from '../../src/leaf/anonymous-id';
import { corsHeaders } from '../../src/leaf/cors';
import { didYouMean } from '../../src/leaf/did-you-mean';
import { isPhoneCountry } from '../../src/leaf/phone-country';

describe('didYouMean', () => {
  it('ignores case, and suggests nothing from nothing', () => {
    expect(didYouMean('baseURL', ['apiKey', 'baseUrl'])).toBe('baseUrl');
    expect(didYouMean('APIKEY', ['apiKey'])).toBe('apiKey');
    expect(didYouMean('apiKey', [])).toBeUndefined();
  });

  it('allows a third of the letters apart, at least one', () => {
    // 6 letters: 2 apart, not 3.
    expect(didYouMean('abcdef', ['abcdxy'])).toBe('abcdxy');
    expect(didYouMean('abcdef', ['abcxyz'])).toBeUndefined();
    // 9 letters: 3 apart, not 4.
    expect(didYouMean('abcdefghi', ['abcdefxyz'])).toBe('abcdefxyz');
    expect(didYouMean('abcdefghi', ['abcdewxyz'])).toBeUndefined();
    // 2 letters: 1 apart (the floor), not 2.
    expect(didYouMean('ab', ['ax'])).toBe('ax');
    expect(didYouMean('ab', ['xy'])).toBeUndefined();
    // 5 letters: 1 apart.
    expect(didYouMean('abcde', ['abcxy'])).toBeUndefined();
    expect(didYouMean('', ['a'])).toBe('a');
    expect(didYouMean('', ['ab'])).toBeUndefined();
  });

  it('keeps the first of equally close candidates, and a closer later one', () => {
    expect(didYouMean('abcdef', ['abcdex', 'abcdey'])).toBe('abcdex');
    expect(didYouMean('abcdef', ['abcdxy', 'abcdeg'])).toBe('abcdeg');
    expect(didYouMean('abcdef', ['abcdeg', 'abcdxy'])).toBe('abcdeg');
    expect(didYouMean('abcdef', ['abcdef', 'abcdeg'])).toBe('abcdef');
  });

  it('counts insertions, deletions and substitutions one each (Levenshtein)', () => {
    // 4 letters: exactly one edit apart is enough, two is not.
    for (const near of ['abcdx', 'xabcd', 'abc', 'bcd', 'abxd', 'xbcd', 'abcx', 'abxcd'])
      expect(didYouMean('abcd', [near]), near).toBe(near);
    for (const far of ['abdc', 'ab', 'cd', 'xbcx', 'abcdxy', 'xyabcd', 'badc', 'dcba', ''])
      expect(didYouMean('abcd', [far]), far).toBeUndefined();
    // kitten → sitting is 3 edits; 6 letters allow 2.
    expect(didYouMean('kitten', ['sitting'])).toBeUndefined();
    expect(didYouMean('kitten', ['sittin'])).toBe('sittin');
    expect(didYouMean('flushInterval', ['flushIntervl', 'flushIntervals'])).toBe('flushIntervl');
  });
});

describe('corsHeaders', () => {
  it('allows the origin, the methods and the asked headers; exposes Retry-After', () => {
    expect(
      corsHeaders({
        origin: 'https://app.example.com',
        methods: 'POST, OPTIONS',
        requestedHeaders: 'content-type, x-custom',
      }),
    ).toStrictEqual({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, x-custom',
      'access-control-max-age': '600',
      'access-control-expose-headers': 'Retry-After',
      vary: 'Origin',
    });
  });

  it('allows content-type when nothing was asked, and credentials only when told', () => {
    const headers = corsHeaders({
      origin: '*',
      methods: 'POST',
      requestedHeaders: null,
      credentials: true,
    });
    expect(headers['access-control-allow-headers']).toBe('content-type');
    expect(headers['access-control-allow-credentials']).toBe('true');
    const without = corsHeaders({
      origin: '*',
      methods: 'POST',
      requestedHeaders: '',
      credentials: false,
    });
    expect(without['access-control-allow-headers']).toBe('');
    expect('access-control-allow-credentials' in without).toBe(false);
  });
});

describe('isPhoneCountry', () => {
  it('knows the countries libphonenumber-js knows', () => {
    expect(['US', 'DE', 'GB', 'JP'].map(isPhoneCountry)).toStrictEqual([true, true, true, true]);
    expect(['XX', 'us', '', 'USA'].map(isPhoneCountry)).toStrictEqual([false, false, false, false]);
  });
});

describe('anonymous ids', () => {
  it('are UUID v7s carrying their creation time in milliseconds', () => {
    const now = Date.UTC(2026, 10, 29, 9, 30, 15, 123);
    const id = newAnonymousId(now);
    expect(id).toMatch(ANONYMOUS_ID_PATTERN);
    expect(id.slice(0, 13)).toBe(
      `${now.toString(16).padStart(12, '0').slice(0, 8)}-${now.toString(16).padStart(12, '0').slice(8)}`,
    );
    expect(anonymousIdTime(id)).toBe(now);
    expect(newAnonymousId(now)).not.toBe(id);
  });

  it('floor the time, never below 0, and set the version and variant bits', () => {
    expect(anonymousIdTime(newAnonymousId(1_700_000_000_000.9))).toBe(1_700_000_000_000);
    expect(newAnonymousId(-5).slice(0, 13)).toBe('00000000-0000');
    expect(newAnonymousId(0xffffffffffff).slice(0, 13)).toBe('ffffffff-ffff');
    expect(newAnonymousId(0x010203040506).slice(0, 13)).toBe('01020304-0506');
    for (let i = 0; i < 50; i++) {
      const id = newAnonymousId(0);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
  });

  it('keep the random bits beside the version and variant bits', () => {
    const ids = Array.from({ length: 400 }, () => newAnonymousId(0));
    // The low nibble of byte 6 (after the version 7), the low 6 bits of byte 8 (the variant's).
    expect(new Set(ids.map((id) => id[15])).size).toBe(16);
    expect(new Set(ids.map((id) => id[19]))).toStrictEqual(new Set(['8', '9', 'a', 'b']));
    expect(new Set(ids.map((id) => id[20])).size).toBe(16);
  });

  it('patterns match whole strings only', () => {
    const id = newAnonymousId(0);
    for (const pattern of [ANONYMOUS_ID_PATTERN, ANALYTICS_JS_ANONYMOUS_ID_PATTERN]) {
      expect(pattern.test(id)).toBe(true);
      expect(pattern.test(`x${id}`)).toBe(false);
      expect(pattern.test(`${id}x`)).toBe(false);
    }
    expect(anonymousIdTime(`x${id}`)).toBeUndefined();
    expect(anonymousIdTime(`${id}0`)).toBeUndefined();
    // Not a string, even one that reads as an id.
    expect(anonymousIdTime({ toString: () => id })).toBeUndefined();
  });

  it('anonymousIdTime reads only the browser client’s form', () => {
    for (const id of [
      '0e06f1a1-a014-46a2-afc1-0f09bdb617ee',
      '019AD3A2-6C1E-7B3F-9D2A-4F1E8C7B6A50',
      '019ad3a2-6c1e-7b3f-7d2a-4f1e8c7b6a50',
      'u-victim',
      42,
      undefined,
    ])
      expect(anonymousIdTime(id)).toBeUndefined();
    expect(anonymousIdTime('019ad3a2-6c1e-7b3f-9d2a-4f1e8c7b6a50')).toBe(0x019ad3a26c1e);
  });

  it('analytics.js’s pattern also takes UUID v4s', () => {
    expect(ANALYTICS_JS_ANONYMOUS_ID_PATTERN.test('0e06f1a1-a014-46a2-afc1-0f09bdb617ee')).toBe(
      true,
    );
    expect(ANALYTICS_JS_ANONYMOUS_ID_PATTERN.test(newAnonymousId(0))).toBe(true);
    expect(ANALYTICS_JS_ANONYMOUS_ID_PATTERN.test('0e06f1a1-a014-16a2-afc1-0f09bdb617ee')).toBe(
      false,
    );
    expect(ANONYMOUS_ID_PATTERN.test('0e06f1a1-a014-46a2-afc1-0f09bdb617ee')).toBe(false);
  });
});
