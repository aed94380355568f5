import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/examples.mobile.json';
import fullMetadata from 'libphonenumber-js/metadata.min.json';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { withoutFormats } from '../../scripts/generate-phone-metadata.mjs';
import { phoneMetadata } from '../../src/leaf/phone-metadata';
import { toE164 } from '../../src/mappers/phone';
import { seededRandom } from '../support/seeded-random';

/** E.164 with libphonenumber-js's own, complete "min" metadata: what toE164 must agree with. */
function referenceE164(text: string, defaultCountry?: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(
    text,
    defaultCountry === undefined ? {} : { defaultCountry },
    fullMetadata,
  );
  return parsed?.isValid() ? parsed.number : undefined;
}

describe('the phone metadata (libphonenumber-js min, without display formats)', () => {
  it('matches the installed libphonenumber-js (run `node scripts/generate-phone-metadata.mjs` after upgrading it)', () => {
    expect(phoneMetadata()).toStrictEqual(withoutFormats(fullMetadata));
  });

  it('parses and validates exactly as the complete metadata, in every country', () => {
    const random = seededRandom(20261129);
    const digits = (count: number) =>
      Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
    let valid = 0;
    let compared = 0;
    const mismatches: string[] = [];
    for (const country of getCountries(fullMetadata)) {
      const code = getCountryCallingCode(country, fullMetadata);
      const example = (examples as Record<string, string>)[country];
      const texts = example
        ? [example, `0${example}`, `+${code}${example}`, `00${code} ${example}`, `${example}9`]
        : [];
      for (let i = 0; i < 40; i++) {
        const national = digits(4 + Math.floor(random() * 11));
        texts.push(national, `+${code}${national}`, `0${national}`);
      }
      for (const text of texts) {
        for (const defaultCountry of [country, undefined]) {
          const expected = referenceE164(text, defaultCountry);
          const actual = toE164(text, defaultCountry);
          if (actual !== expected)
            mismatches.push(`${text} (${defaultCountry}): ${actual} ≠ ${expected}`);
          compared++;
          if (expected) valid++;
        }
      }
    }
    expect(mismatches).toStrictEqual([]);
    // The sample must reach valid numbers in bulk, or agreeing on "invalid" would prove nothing.
    expect(compared).toBeGreaterThan(50_000);
    expect(valid).toBeGreaterThan(2_000);
  });
});
