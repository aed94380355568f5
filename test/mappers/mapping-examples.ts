/**
 * The mapping rules users rely on, each with an input and exactly what Connect receives. One
 * table, two uses: `mapping-examples.test.ts` runs every example through the mappers, and
 * `scripts/mapping-doc.ts` writes docs/mapping.md from it, so the page cannot drift from the code.
 */
import type { MappingOptions } from '../../src/schemas/types';

export interface MappingExample {
  /** What the example shows, one short sentence. */
  rule: string;
  call: 'identify' | 'track' | 'alias' | 'group' | 'registerPushToken' | 'unsubscribe';
  input: Record<string, unknown>;
  options?: MappingOptions;
  /** The body sent, and its warnings' codes; or the field a `ValidationError` names. */
  expected: { body: unknown; warnings?: string[] } | { error: string };
}

export interface MappingSection {
  title: string;
  intro: string;
  examples: MappingExample[];
}

const T0 = Date.UTC(2026, 10, 29, 12); // the clock of tracks without a timestamp

export const MAPPING_CLOCK = T0;

export const MAPPING_SECTIONS: MappingSection[] = [
  {
    title: 'Who: user ids',
    intro:
      "Connect knows a user by `user_id`: the call's `userId`, else its `anonymousId`. An id is a non-blank string or a finite number, sent exactly as given.",
    examples: [
      {
        rule: '`userId` is the user',
        call: 'identify',
        input: { userId: '019mr8mf4r', anonymousId: 'anon-1' },
        expected: { body: { user_id: '019mr8mf4r', attributes: {} } },
      },
      {
        rule: 'before sign-up, the anonymous id is the user',
        call: 'identify',
        input: { anonymousId: 'anon-1', traits: { plan: 'trial' } },
        expected: { body: { user_id: 'anon-1', attributes: { plan: 'trial' } } },
      },
      {
        rule: 'numbers stay numbers',
        call: 'track',
        input: { userId: 42, event: 'Signed Up', timestamp: 1_700_000_000 },
        expected: {
          body: { user_id: 42, event: 'Signed Up', properties: {}, timestamp: 1_700_000_000 },
        },
      },
      {
        rule: 'a blank `userId` is an error, not a reason to fall back',
        call: 'identify',
        input: { userId: ' ', anonymousId: 'anon-1' },
        expected: { error: 'userId' },
      },
    ],
  },
  {
    title: 'Names',
    intro:
      'Reserved traits are found whatever their case and punctuation (`first_name`, `First Name`, `FIRSTNAME`). `name` is split at its first run of whitespace; `firstName` and `lastName` win over it; `name` itself stays an attribute.',
    examples: [
      {
        rule: 'a full name is split',
        call: 'identify',
        input: { userId: 'u1', traits: { name: '  Mary Ann   van der Berg ' } },
        expected: {
          body: {
            user_id: 'u1',
            first_name: 'Mary',
            last_name: 'Ann   van der Berg',
            attributes: { name: '  Mary Ann   van der Berg ' },
          },
        },
      },
      {
        rule: '`firstName` wins over the first word of `name`, in any spelling',
        call: 'identify',
        input: { userId: 'u1', traits: { name: 'Michael Bolton', first_name: ' Mike ' } },
        expected: {
          body: {
            user_id: 'u1',
            first_name: 'Mike',
            last_name: 'Bolton',
            attributes: { name: 'Michael Bolton' },
          },
        },
      },
      {
        rule: 'a blank first name is not sent, and stays an attribute',
        call: 'identify',
        input: { userId: 'u1', traits: { firstName: '  ' } },
        expected: { body: { user_id: 'u1', attributes: { firstName: '  ' } } },
      },
    ],
  },
  {
    title: 'Email',
    intro:
      'The `email` trait, trimmed; without one, a `userId` that looks like an email. A value that does not look like an email is still sent, with a warning.',
    examples: [
      {
        rule: 'any spelling of the trait',
        call: 'identify',
        input: { anonymousId: 'anon-1', traits: { 'E-mail': ' a@b.co ' } },
        expected: { body: { user_id: 'anon-1', email: 'a@b.co', attributes: {} } },
      },
      {
        rule: 'the user id when it is an email',
        call: 'identify',
        input: { userId: 'ann@example.com' },
        expected: {
          body: { user_id: 'ann@example.com', email: 'ann@example.com', attributes: {} },
        },
      },
      {
        rule: 'sent as given, with a warning, when it does not look like one',
        call: 'identify',
        input: { userId: 'u1', traits: { email: 'not-an-email' } },
        expected: {
          body: { user_id: 'u1', email: 'not-an-email', attributes: {} },
          warnings: ['invalid_email'],
        },
      },
    ],
  },
  {
    title: 'Phone numbers',
    intro:
      "The first usable of `phone`, `phoneNumber` and `phones[0]`, in E.164, read in `defaultCountry` when it has no country code. A number that is not valid is kept as given (`onInvalidPhone: 'keep'`, the default), left in attributes (`'drop'`) or refused (`'reject'`).",
    examples: [
      {
        rule: 'a national number in the default country',
        call: 'identify',
        input: { userId: 'u1', traits: { phone: '(415) 555-2671' } },
        options: { defaultCountry: 'US' },
        expected: { body: { user_id: 'u1', phone_number: '+14155552671', attributes: {} } },
      },
      {
        rule: 'the first of `phones`; the list stays an attribute',
        call: 'identify',
        input: { userId: 'u1', traits: { phones: ['+44 20 7946 0958', '+1 415 555 2671'] } },
        expected: {
          body: {
            user_id: 'u1',
            phone_number: '+442079460958',
            attributes: { phones: ['+44 20 7946 0958', '+1 415 555 2671'] },
          },
        },
      },
      {
        rule: 'not valid: kept as given, with a warning',
        call: 'identify',
        input: { userId: 'u1', traits: { phone: '555-0100' } },
        expected: {
          body: { user_id: 'u1', phone_number: '555-0100', attributes: {} },
          warnings: ['invalid_phone'],
        },
      },
      {
        rule: "not valid, with `onInvalidPhone: 'drop'`: left in attributes",
        call: 'identify',
        input: { userId: 'u1', traits: { phone: '555-0100' } },
        options: { onInvalidPhone: 'drop' },
        expected: {
          body: { user_id: 'u1', attributes: { phone: '555-0100' } },
          warnings: ['invalid_phone'],
        },
      },
      {
        rule: "not valid, with `onInvalidPhone: 'reject'`: an error",
        call: 'identify',
        input: { userId: 'u1', traits: { phone: '555-0100' } },
        options: { onInvalidPhone: 'reject' },
        expected: { error: 'traits.phone' },
      },
    ],
  },
  {
    title: 'Time zones',
    intro:
      "The first known zone of `context.timezone` and the `timezone` trait, in the IANA database's spelling; a link becomes its zone (`Asia/Calcutta` is `Asia/Kolkata`). An unknown name is not sent, with a warning, and stays an attribute.",
    examples: [
      {
        rule: 'any case, canonical spelling',
        call: 'identify',
        input: { userId: 'u1', traits: { timezone: 'asia/calcutta' } },
        expected: { body: { user_id: 'u1', timezone: 'Asia/Kolkata', attributes: {} } },
      },
      {
        rule: '`context.timezone` first; the trait it beat stays an attribute',
        call: 'identify',
        input: { userId: 'u1', traits: { timezone: 'Europe/Paris' }, context: { timezone: 'UTC' } },
        expected: {
          body: { user_id: 'u1', timezone: 'Etc/UTC', attributes: { timezone: 'Europe/Paris' } },
        },
      },
      {
        rule: 'an offset is not a zone',
        call: 'identify',
        input: { userId: 'u1', traits: { timezone: 'GMT+2' } },
        expected: {
          body: { user_id: 'u1', attributes: { timezone: 'GMT+2' } },
          warnings: ['invalid_timezone'],
        },
      },
    ],
  },
  {
    title: 'Push tokens',
    intro:
      "`context.device.token`, sent in the platform's list: `ios` and Apple's other systems to `apns`, `android` to `fcm` (`androidPushField: 'gcm'` for the legacy field). The platform is `context.device.type`, else `context.os.name`, else read from `context.library`, in any case. Bytes become lowercase hex.",
    examples: [
      {
        rule: "the seed's identify",
        call: 'identify',
        input: {
          userId: '019mr8mf4r',
          traits: {
            name: 'Michael Bolton',
            email: 'mbolton@example.com',
            phone: '+1 415 555 2671',
          },
          context: { device: { type: 'ios', token: 'XXXYYYZZZ' } },
        },
        options: { defaultCountry: 'US' },
        expected: {
          body: {
            user_id: '019mr8mf4r',
            first_name: 'Michael',
            last_name: 'Bolton',
            email: 'mbolton@example.com',
            phone_number: '+14155552671',
            apns: ['XXXYYYZZZ'],
            attributes: { name: 'Michael Bolton' },
          },
        },
      },
      {
        rule: 'Android, any case',
        call: 'identify',
        input: { userId: 'u1', context: { device: { type: 'Android', token: 't1' } } },
        expected: { body: { user_id: 'u1', fcm: ['t1'], attributes: {} } },
      },
      {
        rule: 'an unknown platform: not sent, with a warning',
        call: 'identify',
        input: { userId: 'u1', context: { device: { type: 'toaster', token: 't1' } } },
        expected: { body: { user_id: 'u1', attributes: {} }, warnings: ['unknown_device_type'] },
      },
    ],
  },
  {
    title: 'Attributes',
    intro:
      'Every trait goes to `attributes`, except a reserved one that was sent as a field of its own (then every spelling of it goes). Trait keys naming `userId` or `id` go when they equal the user id (compared as strings). The SDK adds nothing of its own.',
    examples: [
      {
        rule: 'every spelling of a sent field goes; the rest stays',
        call: 'identify',
        input: {
          userId: 'u1',
          traits: { email: 'a@b.co', Email: 'a@b.co', plan: 'pro', id: 'u1', userId: 'other' },
        },
        expected: {
          body: { user_id: 'u1', email: 'a@b.co', attributes: { plan: 'pro', userId: 'other' } },
        },
      },
      {
        rule: 'values are copied as JSON carries them: a `Date` becomes its ISO string',
        call: 'identify',
        input: { userId: 'u1', traits: { signedUpAt: new Date(Date.UTC(2026, 0, 2)) } },
        expected: {
          body: { user_id: 'u1', attributes: { signedUpAt: '2026-01-02T00:00:00.000Z' } },
        },
      },
      {
        rule: 'what JSON cannot carry is an error naming its path',
        call: 'identify',
        input: { userId: 'u1', traits: { score: Number.NaN } },
        expected: { error: 'traits.score' },
      },
    ],
  },
  {
    title: 'Events',
    intro:
      'A track sends the event name as given (at most 200 characters), a copy of `properties`, and when it happened in Unix seconds with millisecond precision: from a `Date`, an ISO-8601 date or date-time (UTC without an offset), or a number (seconds below 1e11, else milliseconds); the clock when there is none.',
    examples: [
      {
        rule: "the seed's track",
        call: 'track',
        input: {
          userId: 'u1',
          event: 'Signed Up',
          properties: { plan: 'Startup', source: 'Analytics Academy' },
          timestamp: '2015-04-06T12:31:32.123Z',
        },
        expected: {
          body: {
            user_id: 'u1',
            event: 'Signed Up',
            properties: { plan: 'Startup', source: 'Analytics Academy' },
            timestamp: 1428323492.123,
          },
        },
      },
      {
        rule: 'an offset is applied; milliseconds are read as such',
        call: 'track',
        input: { userId: 'u1', event: 'A', timestamp: '2015-04-06 14:31:32+02:00' },
        expected: { body: { user_id: 'u1', event: 'A', properties: {}, timestamp: 1428323492 } },
      },
      {
        rule: 'no timestamp: the time of the call',
        call: 'track',
        input: { anonymousId: 'anon-1', event: 'Viewed Pricing' },
        expected: {
          body: {
            user_id: 'anon-1',
            event: 'Viewed Pricing',
            properties: {},
            timestamp: T0 / 1000,
          },
        },
      },
      {
        rule: 'a digit string is not a timestamp',
        call: 'track',
        input: { userId: 'u1', event: 'A', timestamp: '1428323492' },
        expected: { error: 'timestamp' },
      },
      {
        rule: 'an empty event name is an error',
        call: 'track',
        input: { userId: 'u1', event: '' },
        expected: { error: 'event' },
      },
    ],
  },
  {
    title: 'Aliases, groups, push tokens, subscriptions',
    intro:
      'An alias is an identify with `previous_id` (`previousId`, else `anonymousId`): Connect merges the earlier user into `userId`. A group is an identify with `group_id` and `group_attributes`. Push tokens and subscriptions have endpoints of their own.',
    examples: [
      {
        rule: 'alias the anonymous id into the user',
        call: 'alias',
        input: { userId: '019mr8mf4r', anonymousId: 'anon-1' },
        expected: { body: { user_id: '019mr8mf4r', previous_id: 'anon-1' } },
      },
      {
        rule: 'an id cannot be aliased to itself (`5` and `"5"` are one id)',
        call: 'alias',
        input: { userId: 5, previousId: '5' },
        expected: { error: 'previousId' },
      },
      {
        rule: 'a group',
        call: 'group',
        input: { userId: 'u1', groupId: 'acme', traits: { plan: 'enterprise' } },
        expected: {
          body: { user_id: 'u1', group_id: 'acme', group_attributes: { plan: 'enterprise' } },
        },
      },
      {
        rule: 'a push token (`POST /v2/apns/register`)',
        call: 'registerPushToken',
        input: { userId: 'u1', platform: 'apns', token: new Uint8Array([0xab, 0x01]) },
        expected: { body: { user_id: 'u1', token: 'ab01' } },
      },
      {
        rule: 'unsubscribe from campaigns (`POST /v2/unsubscribe/campaigns`)',
        call: 'unsubscribe',
        input: { userId: 'u1', campaignIds: [12, 34] },
        expected: { body: { user_id: 'u1', campaign_ids: [12, 34] } },
      },
    ],
  },
];
