import { describe, expect, it } from 'vitest';
import { mapIdentify } from '../../src/index';
import { phoneText, toE164 } from '../../src/mappers/phone';
import { validationIssues } from '../support/validation';

type Options = Parameters<typeof mapIdentify>[1];
const identify = (traits: Record<string, unknown>, options?: Options) =>
  mapIdentify({ userId: 'u1', traits }, options);

const NO_COUNTRY =
  'is not a valid phone number (add a country code, or set the defaultCountry option)';
const IN_US = 'is not a valid phone number (read in US when it has no country code)';

describe('phoneText', () => {
  it('trims usable strings and writes non-negative safe integers in digits', () => {
    expect(phoneText(' +1 415 555 2671 ')).toBe('+1 415 555 2671');
    expect(phoneText(4155552671)).toBe('4155552671');
    expect(phoneText(0)).toBe('0');
    expect(phoneText(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
  });

  it.each([
    '',
    '   ',
    '\n\t',
    -1,
    -4155552671,
    4155552671.5,
    Number.MAX_SAFE_INTEGER + 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    null,
    undefined,
    [4155552671],
    { phone: '+14155552671' },
  ])('has no phone text for %j', (value) => {
    expect(phoneText(value)).toBeUndefined();
  });
});

describe('toE164', () => {
  it('reads national numbers in defaultCountry only', () => {
    expect(toE164('4155552671', 'US')).toBe('+14155552671');
    expect(toE164('4155552671')).toBeUndefined();
    expect(toE164('020 7946 0018', 'GB')).toBe('+442079460018');
    expect(toE164('020 7946 0018', 'US')).toBeUndefined();
    expect(toE164('+44 20 7946 0018', 'US')).toBe('+442079460018');
    expect(toE164('', 'US')).toBeUndefined();
  });
});

describe('mapIdentify: numeric phones', () => {
  it('reads a number in defaultCountry and sends it in E.164', () => {
    expect(identify({ phone: 4155552671 }, { defaultCountry: 'US' })).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: 'u1', phone_number: '+14155552671', attributes: {} },
      warnings: [],
    });
    expect(identify({ phones: [4155552671] }, { defaultCountry: 'US' }).body).toStrictEqual({
      user_id: 'u1',
      phone_number: '+14155552671',
      attributes: { phones: [4155552671] },
    });
  });

  it('without defaultCountry, sends a number as its digits (keep), with a warning', () => {
    expect(identify({ phone: 4155552671 })).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: 'u1', phone_number: '4155552671', attributes: {} },
      warnings: [
        {
          field: 'traits.phone',
          code: 'invalid_phone',
          message: `identify: \`traits.phone\` ${NO_COUNTRY}; it was sent as given`,
        },
      ],
    });
  });

  it('reads 0 as a (not valid) phone number', () => {
    expect(identify({ phone: 0 }).body.phone_number).toBe('0');
  });

  it('leaves negative and fractional numbers in attributes, without a warning', () => {
    for (const phone of [-4155552671, 4155552671.5]) {
      expect(identify({ phone }, { defaultCountry: 'US' })).toStrictEqual({
        path: '/v2/identify',
        body: { user_id: 'u1', attributes: { phone } },
        warnings: [],
      });
    }
  });

  it("drops a number that is not valid with 'drop', naming the field and the country", () => {
    expect(
      identify({ Phone: 12345 }, { defaultCountry: 'US', onInvalidPhone: 'drop' }),
    ).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: 'u1', attributes: { Phone: 12345 } },
      warnings: [
        {
          field: 'traits.Phone',
          code: 'invalid_phone',
          message: `identify: \`traits.Phone\` ${IN_US}; it was left in attributes`,
        },
      ],
    });
  });

  it("refuses a number that is not valid with 'reject', naming the field", () => {
    expect(
      validationIssues(() => identify({ phone_number: 12345 }, { onInvalidPhone: 'reject' })),
    ).toStrictEqual([
      { path: 'traits.phone_number', message: `identify: \`traits.phone_number\` ${NO_COUNTRY}` },
    ]);
  });
});

describe('mapIdentify: which phone trait is sent', () => {
  it('takes phone over phoneNumber whatever their order, and removes every key of the one sent', () => {
    expect(
      identify({ phoneNumber: '+442079460018', PHONE: ' ', phone: '+14155552671' }).body,
    ).toStrictEqual({
      user_id: 'u1',
      phone_number: '+14155552671',
      attributes: { phoneNumber: '+442079460018' },
    });
  });

  it('skips blank and non-phone values to the next trait', () => {
    expect(
      identify({ phone: '  ', Phone: true, 'Phone Number': null, phone_number: '+442079460018' })
        .body,
    ).toStrictEqual({
      user_id: 'u1',
      phone_number: '+442079460018',
      attributes: { phone: '  ', Phone: true },
    });
  });

  it('reads only the first number of phones, and never removes phones', () => {
    for (const phones of [['  ', '+14155552671'], [], '+14155552671', [null, '+14155552671']]) {
      expect(identify({ phones })).toStrictEqual({
        path: '/v2/identify',
        body: { user_id: 'u1', attributes: { phones } },
        warnings: [],
      });
    }
    expect(identify({ phones: [' 123 '] }, { defaultCountry: 'US' })).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: 'u1', phone_number: '123', attributes: { phones: [' 123 '] } },
      warnings: [
        {
          field: 'traits.phones.0',
          code: 'invalid_phone',
          message: `identify: \`traits.phones.0\` ${IN_US}; it was sent as given`,
        },
      ],
    });
  });

  it('sends phones[0] only when phone and phoneNumber have none', () => {
    expect(identify({ phones: ['+14155552671'], phone: 'x' }).body).toStrictEqual({
      user_id: 'u1',
      phone_number: 'x',
      attributes: { phones: ['+14155552671'] },
    });
  });
});
