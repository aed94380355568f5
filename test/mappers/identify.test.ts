import { describe, expect, it } from 'vitest';
import { mapIdentify } from '../../src/index';
import type { SegmentContext, Traits } from '../../src/schemas/types';
import { validationIssues } from '../support/validation';

const body = (
  message: Parameters<typeof mapIdentify>[0],
  options?: Parameters<typeof mapIdentify>[1],
) => mapIdentify(message, options).body;

describe('mapIdentify: the examples of mapping.md', () => {
  it('maps the seed identify (defaultCountry US)', () => {
    const result = mapIdentify(
      {
        userId: '019mr8mf4r',
        traits: { name: 'Michael Bolton', email: 'mbolton@example.com', phone: '+1 415 555 2671' },
        context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
      },
      { defaultCountry: 'US' },
    );
    expect(result).toStrictEqual({
      path: '/v2/identify',
      body: {
        user_id: '019mr8mf4r',
        first_name: 'Michael',
        last_name: 'Bolton',
        email: 'mbolton@example.com',
        phone_number: '+14155552671',
        apns: ['XXXYYYZZZ'],
        attributes: { name: 'Michael Bolton' },
      },
      warnings: [],
    });
  });

  it('creates an anonymous user and finds E-mail as email', () => {
    expect(
      body({ anonymousId: 'anon-1', traits: { plan: 'pro', 'E-mail': 'a@b.co' } }),
    ).toStrictEqual({
      user_id: 'anon-1',
      email: 'a@b.co',
      attributes: { plan: 'pro' },
    });
  });

  it('canonicalizes the timezone and routes an Android token to fcm', () => {
    expect(
      body({
        userId: 'u1',
        traits: { timezone: 'asia/calcutta' },
        context: { device: { type: 'Android', token: 't1' } },
      }),
    ).toStrictEqual({ user_id: 'u1', timezone: 'Asia/Kolkata', fcm: ['t1'], attributes: {} });
  });

  it('keeps what could not be promoted in attributes, with a warning', () => {
    const result = mapIdentify({ userId: 'u1', traits: { timezone: 'GMT+2', first_name: '  ' } });
    expect(result.body).toStrictEqual({
      user_id: 'u1',
      attributes: { timezone: 'GMT+2', first_name: '  ' },
    });
    expect(result.warnings).toStrictEqual([
      {
        field: 'traits.timezone',
        code: 'invalid_timezone',
        message:
          'identify: `traits.timezone` is not an IANA time zone name such as Europe/Berlin; it was not sent',
      },
    ]);
  });
});

describe('mapIdentify: user_id', () => {
  it('uses userId, else anonymousId, exactly as given', () => {
    expect(body({ userId: 42 }).user_id).toBe(42);
    expect(body({ userId: ' u1 ' }).user_id).toBe(' u1 ');
    expect(body({ userId: null, anonymousId: 'anon' }).user_id).toBe('anon');
    expect(body({ userId: 'u1', anonymousId: 'anon' }).user_id).toBe('u1');
  });

  it.each([
    ['', 'userId'],
    ['   ', 'userId'],
    [Number.NaN, 'userId'],
    [Number.POSITIVE_INFINITY, 'userId'],
    [true, 'userId'],
    [{}, 'userId'],
  ])('refuses userId %j without falling back to anonymousId', (userId, path) => {
    const issues = validationIssues(() => body({ userId: userId as never, anonymousId: 'anon' }));
    expect(issues).toStrictEqual([
      { path, message: 'identify: `userId` must be a non-empty string or a finite number' },
    ]);
  });

  it('requires userId or anonymousId', () => {
    expect(validationIssues(() => body({ traits: {} }))).toStrictEqual([
      { path: 'userId', message: 'identify: `userId` or `anonymousId` is required' },
    ]);
  });

  it.each([
    ['traits', { traits: ['a'] }],
    ['traits', { traits: new Date() }],
    ['context', { context: 'ios' }],
    ['context.device', { context: { device: [] } }],
    ['context.device.token', { context: { device: { type: 'ios', token: 42 } } }],
  ])('refuses a malformed %s', (path, extra) => {
    const issues = validationIssues(() => body({ userId: 'u1', ...(extra as object) }));
    expect(issues.map((issue) => issue.path)).toStrictEqual([path]);
    expect(issues[0]?.message).toMatch(
      new RegExp(`^identify: \`${path.replace(/\./g, '\\.')}\` must be`),
    );
  });

  it('refuses a message that is not an object', () => {
    expect(validationIssues(() => body('u1' as never))).toStrictEqual([
      { path: '', message: 'identify: the message must be an object' },
    ]);
  });

  it('treats null optional inputs as absent', () => {
    expect(body({ userId: 'u1', traits: null, context: null, anonymousId: null })).toStrictEqual({
      user_id: 'u1',
      attributes: {},
    });
  });

  it('sends nothing of context.traits, integrations, messageId or timestamp', () => {
    expect(
      body({
        userId: 'u1',
        messageId: 'm1',
        timestamp: '2020-01-01',
        integrations: { All: true },
        context: { traits: { email: 'x@y.z' } },
      }),
    ).toStrictEqual({ user_id: 'u1', attributes: {} });
  });
});

describe('mapIdentify: trait key lookup', () => {
  it.each(['firstName', 'first_name', 'First Name', 'FIRSTNAME'])(
    'finds %s as firstName',
    (key) => {
      expect(body({ userId: 'u1', traits: { [key]: ' Mike ' } })).toStrictEqual({
        user_id: 'u1',
        first_name: 'Mike',
        attributes: {},
      });
    },
  );

  it('takes the first usable value in key order and removes every matching key (fix)', () => {
    expect(
      body({
        userId: 'u1',
        traits: { first_name: ' ', FirstName: 'Ann', 'first-name': 'Bo', plan: 'x' },
      }),
    ).toStrictEqual({ user_id: 'u1', first_name: 'Ann', attributes: { plan: 'x' } });
  });

  it('lets firstName win over name independently of lastName', () => {
    expect(
      body({ userId: 'u1', traits: { name: 'Michael Bolton', firstName: 'Mike' } }),
    ).toStrictEqual({
      user_id: 'u1',
      first_name: 'Mike',
      last_name: 'Bolton',
      attributes: { name: 'Michael Bolton' },
    });
  });

  it('removes userId and id traits equal to user_id (as strings), keeps others, adds none (fix)', () => {
    expect(body({ userId: 5, traits: { id: '5', user_id: 5, userId: 'other' } })).toStrictEqual({
      user_id: 5,
      attributes: { userId: 'other' },
    });
    expect(body({ userId: 'u1', traits: {} }).attributes).toStrictEqual({});
  });
});

describe('mapIdentify: names', () => {
  it.each([
    ['Michael Bolton', 'Michael', 'Bolton'],
    ['Cher', 'Cher', undefined],
    ['Mary Ann van der Berg', 'Mary', 'Ann van der Berg'],
    ['  Michael   Bolton  ', 'Michael', 'Bolton'],
    ['John\tDoe', 'John', 'Doe'],
    ['Zoë\u00a0Ångström', 'Zoë', 'Ångström'],
    ['', undefined, undefined],
    [42, undefined, undefined],
  ])('splits name %j', (name, first, last) => {
    // Any value, as JavaScript callers may send: the types say string.
    const user = body({ userId: 'u1', traits: { name } as Traits });
    expect(user.first_name).toBe(first);
    expect(user.last_name).toBe(last);
    expect('first_name' in user).toBe(first !== undefined);
    expect(user.attributes).toStrictEqual({ name });
  });
});

describe('mapIdentify: email', () => {
  it('trims the email trait', () => {
    expect(body({ userId: 'u1', traits: { email: ' a@b.co ' } }).email).toBe('a@b.co');
  });

  it('falls back to a user_id that looks like an email', () => {
    expect(body({ userId: 'jo@example.com' }).email).toBe('jo@example.com');
    expect(body({ userId: 'jo' }).email).toBeUndefined();
    expect(body({ userId: 7 }).email).toBeUndefined();
  });

  it('sends an email that does not look like one, with a warning', () => {
    const result = mapIdentify({ userId: 'u1', traits: { Email: 'not-an-email' } });
    expect(result.body).toStrictEqual({ user_id: 'u1', email: 'not-an-email', attributes: {} });
    expect(result.warnings).toStrictEqual([
      {
        field: 'traits.Email',
        code: 'invalid_email',
        message:
          'identify: `traits.Email` does not look like an email address; it was sent as given',
      },
    ]);
  });
});

describe('mapIdentify: phone', () => {
  it('sends valid numbers in E.164, reading national numbers in defaultCountry', () => {
    expect(
      body({ userId: 'u1', traits: { phone: '(415) 555-2671' } }, { defaultCountry: 'US' }),
    ).toStrictEqual({
      user_id: 'u1',
      phone_number: '+14155552671',
      attributes: {},
    });
    expect(body({ userId: 'u1', traits: { phone_number: '+44 20 7946 0018' } }).phone_number).toBe(
      '+442079460018',
    );
  });

  it('turns numbers into digit strings', () => {
    expect(
      body({ userId: 'u1', traits: { phone: 4155552671 } }, { defaultCountry: 'US' }).phone_number,
    ).toBe('+14155552671');
  });

  it('takes phone, then phoneNumber, then phones[0]; phones stays in attributes', () => {
    expect(
      body({ userId: 'u1', traits: { phones: ['+14155552671'], phoneNumber: '+442079460018' } }),
    ).toStrictEqual({
      user_id: 'u1',
      phone_number: '+442079460018',
      attributes: { phones: ['+14155552671'] },
    });
    expect(
      body({ userId: 'u1', traits: { phones: ['+14155552671', '+442079460018'] } }),
    ).toStrictEqual({
      user_id: 'u1',
      phone_number: '+14155552671',
      attributes: { phones: ['+14155552671', '+442079460018'] },
    });
  });

  it("keeps an invalid number by default ('keep'), with a warning", () => {
    const result = mapIdentify({ userId: 'u1', traits: { phone: ' 1234567890 ' } });
    expect(result.body).toStrictEqual({
      user_id: 'u1',
      phone_number: '1234567890',
      attributes: {},
    });
    expect(result.warnings).toStrictEqual([
      {
        field: 'traits.phone',
        code: 'invalid_phone',
        message:
          'identify: `traits.phone` is not a valid phone number (add a country code, or set the defaultCountry option); it was sent as given',
      },
    ]);
  });

  it("leaves an invalid number in attributes with 'drop'", () => {
    const result = mapIdentify(
      { userId: 'u1', traits: { phone: '1234567890' } },
      { onInvalidPhone: 'drop' },
    );
    expect(result.body).toStrictEqual({ user_id: 'u1', attributes: { phone: '1234567890' } });
    expect(result.warnings.map((w) => [w.field, w.code])).toStrictEqual([
      ['traits.phone', 'invalid_phone'],
    ]);
  });

  it("refuses an invalid number with 'reject'", () => {
    const issues = validationIssues(() =>
      mapIdentify(
        { userId: 'u1', traits: { phones: ['123'] } },
        { onInvalidPhone: 'reject', defaultCountry: 'US' },
      ),
    );
    expect(issues).toStrictEqual([
      {
        path: 'traits.phones.0',
        message:
          'identify: `traits.phones.0` is not a valid phone number (read in US when it has no country code)',
      },
    ]);
  });

  it('refuses unknown mapping options, naming them', () => {
    expect(
      validationIssues(() => mapIdentify({ userId: 'u1' }, { defaultCountry: 'XX' as never })),
    ).toStrictEqual([
      {
        path: 'defaultCountry',
        message: 'options: `defaultCountry` must be an ISO 3166-1 alpha-2 country code such as US',
      },
    ]);
    expect(
      validationIssues(() => mapIdentify({ userId: 'u1' }, { onInvalidPhone: 'maybe' as never }))[0]
        ?.path,
    ).toBe('onInvalidPhone');
  });
});

describe('mapIdentify: timezone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    [' Asia/Calcutta ', 'Asia/Kolkata'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['UTC', 'Etc/UTC'],
    ['utc', 'Etc/UTC'],
  ])('sends %j as %j', (zone, expected) => {
    expect(body({ userId: 'u1', traits: { timezone: zone } })).toStrictEqual({
      user_id: 'u1',
      timezone: expected,
      attributes: {},
    });
  });

  it.each(['GMT+2', 'Moon/Moon', 'Berlin'])('does not send %j', (zone) => {
    const result = mapIdentify({ userId: 'u1', traits: { time_zone: zone } });
    expect(result.body).toStrictEqual({ user_id: 'u1', attributes: { time_zone: zone } });
    expect(result.warnings.map((w) => [w.field, w.code])).toStrictEqual([
      ['traits.time_zone', 'invalid_timezone'],
    ]);
  });

  it('prefers context.timezone; the trait then stays in attributes', () => {
    expect(
      body({
        userId: 'u1',
        traits: { timezone: 'Europe/Paris' },
        context: { timezone: 'europe/berlin' },
      }),
    ).toStrictEqual({
      user_id: 'u1',
      timezone: 'Europe/Berlin',
      attributes: { timezone: 'Europe/Paris' },
    });
  });

  it('falls back to the trait when context.timezone is unknown, warning for each unknown one', () => {
    const result = mapIdentify({
      userId: 'u1',
      traits: { timezone: 'Europe/Paris' },
      context: { timezone: 'CEST' },
    });
    expect(result.body).toStrictEqual({ user_id: 'u1', timezone: 'Europe/Paris', attributes: {} });
    expect(result.warnings.map((w) => w.field)).toStrictEqual(['context.timezone']);
    const both = mapIdentify({
      userId: 'u1',
      traits: { timezone: 'Mars' },
      context: { timezone: 7 } as unknown as SegmentContext,
    });
    expect(both.body.timezone).toBeUndefined();
    expect(both.warnings.map((w) => w.field)).toStrictEqual([
      'context.timezone',
      'traits.timezone',
    ]);
  });
});

describe('mapIdentify: push tokens', () => {
  const withDevice = (
    context: Record<string, unknown>,
    options?: Parameters<typeof mapIdentify>[1],
  ) => mapIdentify({ userId: 'u1', context }, options);

  it.each(['ios', 'iOS', 'IPADOS', 'tvOS', 'watchos', 'macOS', 'visionOS'])(
    'routes %s to apns (fix: any case)',
    (type) => {
      expect(withDevice({ device: { type, token: ' tok ' } }).body).toStrictEqual({
        user_id: 'u1',
        apns: ['tok'],
        attributes: {},
      });
    },
  );

  it("routes android to fcm, or to gcm with androidPushField: 'gcm'", () => {
    expect(withDevice({ device: { type: 'android', token: 't' } }).body.fcm).toStrictEqual(['t']);
    const legacy = withDevice(
      { device: { type: 'ANDROID', token: 't' } },
      { androidPushField: 'gcm' },
    ).body;
    expect(legacy).toStrictEqual({ user_id: 'u1', gcm: ['t'], attributes: {} });
  });

  it('reads the platform from os.name, then from the library', () => {
    expect(withDevice({ device: { token: 't' }, os: { name: 'iOS' } }).body.apns).toStrictEqual([
      't',
    ]);
    expect(
      withDevice({ device: { token: 't' }, library: { name: 'analytics-android', version: '1' } })
        .body.fcm,
    ).toStrictEqual(['t']);
    expect(
      withDevice({ device: { token: 't' }, library: 'analytics-ios' }).body.apns,
    ).toStrictEqual(['t']);
  });

  it('sends bytes as lowercase hex', () => {
    const bytes = new Uint8Array([0x0a, 0xbc, 0xff]);
    expect(withDevice({ device: { type: 'ios', token: bytes } }).body.apns).toStrictEqual([
      '0abcff',
    ]);
    expect(withDevice({ device: { type: 'ios', token: bytes.buffer } }).body.apns).toStrictEqual([
      '0abcff',
    ]);
  });

  it('does not send a token whose platform is unknown or missing, with a warning', () => {
    for (const context of [{ device: { type: 'web', token: 't' } }, { device: { token: 't' } }]) {
      const result = withDevice(context);
      expect(result.body).toStrictEqual({ user_id: 'u1', attributes: {} });
      expect(result.warnings.map((w) => [w.field, w.code])).toStrictEqual([
        ['context.device.type', 'unknown_device_type'],
      ]);
    }
  });

  it('ignores a blank token', () => {
    expect(withDevice({ device: { type: 'ios', token: '  ' } })).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: 'u1', attributes: {} },
      warnings: [],
    });
  });
});

describe('mapIdentify: the lastName trait', () => {
  it('is sent trimmed, and wins over the rest of name', () => {
    expect(
      body({ userId: 'u1', traits: { name: 'Michael Bolton', lastName: ' Smith ' } }),
    ).toStrictEqual({
      user_id: 'u1',
      first_name: 'Michael',
      last_name: 'Smith',
      attributes: { name: 'Michael Bolton' },
    });
    expect(body({ userId: 'u1', traits: { lastName: '\tvan der Berg\n' } })).toStrictEqual({
      user_id: 'u1',
      last_name: 'van der Berg',
      attributes: {},
    });
  });

  it('is the first usable one in key order; every lastName key goes when it is sent', () => {
    expect(
      body({ userId: 'u1', traits: { last_name: '  ', 'Last Name': 'Smith', LASTNAME: 'Jones' } }),
    ).toStrictEqual({ user_id: 'u1', last_name: 'Smith', attributes: {} });
  });

  it('stays in attributes when it is not usable, and name gives the last name', () => {
    expect(
      body({
        userId: 'u1',
        traits: { lastName: 42, last_name: ' ', name: 'Cher Sarkisian' } as unknown as Traits,
      }),
    ).toStrictEqual({
      user_id: 'u1',
      first_name: 'Cher',
      last_name: 'Sarkisian',
      attributes: { lastName: 42, last_name: ' ', name: 'Cher Sarkisian' },
    });
  });
});

describe('mapIdentify: what stays in attributes', () => {
  it('removes every key of each reserved trait that was sent, and only those', () => {
    const traits = {
      first_name: 'Ann',
      FirstName: 'Bo',
      last_name: 'Lee',
      'Last Name': 'Kim',
      email: 'a@b.co',
      'E-mail': 'x@y.z',
      phone: '+14155552671',
      PHONE: '+442079460018',
      phone_number: '+442079460018',
      timezone: 'europe/berlin',
      time_zone: 'Moon/Moon',
      name: 'Ann Lee',
      phones: ['+14155552671'],
      plan: 'pro',
    };
    expect(body({ userId: 'u1', traits })).toStrictEqual({
      user_id: 'u1',
      first_name: 'Ann',
      last_name: 'Lee',
      email: 'a@b.co',
      phone_number: '+14155552671',
      timezone: 'Europe/Berlin',
      attributes: {
        phone_number: '+442079460018',
        name: 'Ann Lee',
        phones: ['+14155552671'],
        plan: 'pro',
      },
    });
  });

  it('leaves out undefined, functions and symbols, as JSON would', () => {
    expect(
      body({ userId: 'u1', traits: { skip: undefined, fn: () => 1, sym: Symbol('s'), plan: 'x' } })
        .attributes,
    ).toStrictEqual({ plan: 'x' });
  });

  it('refuses what JSON cannot carry, naming the trait', () => {
    expect(validationIssues(() => body({ userId: 'u1', traits: { score: 1 / 0 } }))).toStrictEqual([
      {
        path: 'traits.score',
        message: 'identify: `traits.score` is Infinity, which JSON cannot carry',
      },
    ]);
    expect(
      validationIssues(() => body({ userId: 'u1', traits: { 'Last Seen': { at: 1n } } })),
    ).toStrictEqual([
      {
        path: 'traits.Last Seen.at',
        message:
          'identify: `traits.Last Seen.at` is a BigInt, which JSON cannot carry; send it as a string or number',
      },
    ]);
  });

  // Issue #16: a NaN beside the trait that was sent was removed with it, silently.
  it('refuses NaN in a trait even when another key of the same name was sent (mapping.md: NaN in traits is an error)', () => {
    expect(
      validationIssues(() => body({ userId: 'u1', traits: { firstName: 'A', first_name: NaN } })),
    ).toStrictEqual([
      {
        path: 'traits.first_name',
        message: 'identify: `traits.first_name` is NaN, which JSON cannot carry',
      },
    ]);
    expect(
      validationIssues(() => body({ userId: 'NaN', traits: { id: Number.NaN } })).map(
        (i) => i.path,
      ),
    ).toStrictEqual(['traits.id']);
    expect(
      validationIssues(() => body({ userId: 'u1', traits: { email: 'a@b.co', Email: 2n } })).map(
        (i) => i.path,
      ),
    ).toStrictEqual(['traits.Email']);
  });
});

describe('mapIdentify: userId and id traits', () => {
  // Issue #16: ids compare as strings (mapping.md), so `true` is the id "true".
  it.each([
    ['true', { Id: true }],
    ['false', { user_id: false }],
    [5, { id: '5', user_id: 5, USERID: '5' }],
    ['5', { id: 5 }],
    [' u1 ', { id: ' u1 ' }],
    ['anon-1', { 'User Id': 'anon-1' }],
  ])('removes them when they equal user_id %j as strings', (userId, traits) => {
    expect(body({ userId, traits })).toStrictEqual({ user_id: userId, attributes: {} });
  });

  it.each([
    ['u1', { id: 'u2', userId: true, user_id: null, ID: ['u1'], Id: { id: 'u1' } }],
    ['u1', { id: ' u1', userId: 'U1' }],
    ['null', { id: null }],
    ['undefined', { id: 'undefined ' }],
  ])('keeps them otherwise (user_id %j)', (userId, traits) => {
    expect(body({ userId, traits }).attributes).toStrictEqual(traits);
  });

  it('compares with anonymousId when there is no userId', () => {
    expect(body({ anonymousId: 'anon-1', traits: { id: 'anon-1' } })).toStrictEqual({
      user_id: 'anon-1',
      attributes: {},
    });
  });
});

describe('mapIdentify: email from the user id', () => {
  it('uses a user id that looks like an email when no email trait is usable', () => {
    expect(body({ userId: 'jo@example.com', traits: { email: '  ' } })).toStrictEqual({
      user_id: 'jo@example.com',
      email: 'jo@example.com',
      attributes: { email: '  ' },
    });
    expect(body({ anonymousId: 'jo@example.com' }).email).toBe('jo@example.com');
    expect(body({ userId: 'jo@example', traits: {} }).email).toBeUndefined();
  });
});

describe('mapIdentify: which timezone trait is read', () => {
  it('prefers a usable string in key order, and removes every timezone key when one is sent', () => {
    expect(
      mapIdentify({
        userId: 'u1',
        traits: { timezone: 5, time_zone: 'Europe/Berlin' } as unknown as Traits,
      }),
    ).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: 'u1', timezone: 'Europe/Berlin', attributes: {} },
      warnings: [],
    });
  });

  it('warns about a present value that is not a zone (a number, a blank string), keeping it', () => {
    for (const zone of [42, '  ', true]) {
      expect(mapIdentify({ userId: 'u1', traits: { TimeZone: zone } })).toStrictEqual({
        path: '/v2/identify',
        body: { user_id: 'u1', attributes: { TimeZone: zone } },
        warnings: [
          {
            field: 'traits.TimeZone',
            code: 'invalid_timezone',
            message:
              'identify: `traits.TimeZone` is not an IANA time zone name such as Europe/Berlin; it was not sent',
          },
        ],
      });
    }
  });

  it('reads null as absent: no warning', () => {
    expect(mapIdentify({ userId: 'u1', traits: { timezone: null } })).toStrictEqual({
      path: '/v2/identify',
      body: { user_id: 'u1', attributes: { timezone: null } },
      warnings: [],
    });
  });

  it('names context.timezone in its warning', () => {
    expect(mapIdentify({ userId: 'u1', context: { timezone: 'CEST' } }).warnings).toStrictEqual([
      {
        field: 'context.timezone',
        code: 'invalid_timezone',
        message:
          'identify: `context.timezone` is not an IANA time zone name such as Europe/Berlin; it was not sent',
      },
    ]);
  });
});

describe('mapIdentify: the push-token warnings a user reads', () => {
  const warningsOf = (context: Record<string, unknown>) =>
    mapIdentify({ userId: 'u1', context }).warnings;

  it('says the platform is missing, and how to set it', () => {
    for (const context of [
      { device: { token: 't' } },
      { device: { type: '  ', token: 't' }, os: { name: ' ' } },
      { device: { token: 't' }, library: 'analytics-node' },
      { device: { token: 't' }, library: { version: '1.0' } },
    ]) {
      expect(warningsOf(context)).toStrictEqual([
        {
          field: 'context.device.type',
          code: 'unknown_device_type',
          message:
            'identify: `context.device.type` is missing, so the push token was not sent (set it to ios or android)',
        },
      ]);
    }
  });

  it('says which platforms Connect pushes to', () => {
    expect(warningsOf({ device: { type: 'web', token: 't' } })).toStrictEqual([
      {
        field: 'context.device.type',
        code: 'unknown_device_type',
        message:
          'identify: `context.device.type` is not a platform Connect pushes to (ios, ipados, tvos, watchos, macos, visionos or android); the push token was not sent',
      },
    ]);
  });

  it('falls back from a blank device type to os.name, and reads the library in any case', () => {
    expect(
      mapIdentify({
        userId: 'u1',
        context: { device: { type: ' ', token: 't' }, os: { name: 'Android' } },
      }).body.fcm,
    ).toStrictEqual(['t']);
    expect(
      mapIdentify({ userId: 'u1', context: { device: { token: 't' }, library: 'Analytics-IOS' } })
        .body.apns,
    ).toStrictEqual(['t']);
    expect(
      mapIdentify({
        userId: 'u1',
        context: { device: { token: 't' }, library: { name: 'ANDROID sdk' } },
      }).body.fcm,
    ).toStrictEqual(['t']);
  });
});
