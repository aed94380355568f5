/**
 * The plain types users see and the zod schemas that check values describe the same shapes: every
 * message a type allows passes its schema's input type, and what a wire schema accepts is the
 * wire type. Checked by the compiler (`npm run typecheck`); the test bodies only make vitest list them.
 */

import type { CountryCode as LibCountryCode } from 'libphonenumber-js';
import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import type { CountryCode } from '../../src/leaf/phone-country';
import type {
  AliasMessageSchema,
  DisablePushTokenMessageSchema,
  GroupMessageSchema,
  IdentifyMessageSchema,
  MappingOptionsSchema,
  RegisterPushTokenMessageSchema,
  SubscriptionMessageSchema,
  TrackMessageSchema,
} from '../../src/schemas/index';
import type {
  AliasMessage,
  ConnectEvent,
  ConnectUser,
  DisablePushTokenMessage,
  GroupMessage,
  IdentifyMessage,
  MappingOptions,
  MappingWarning,
  RegisterPushTokenMessage,
  SubscriptionMessage,
  TrackMessage,
  Traits,
} from '../../src/schemas/types';
import type { MappingWarningSchema } from '../../src/schemas/warning';
import type { ConnectEventSchema, ConnectUserSchema } from '../../src/schemas/wire';

describe('types and schemas', () => {
  it('every message a type allows fits its schema', () => {
    expectTypeOf<IdentifyMessage>().toExtend<z.input<typeof IdentifyMessageSchema>>();
    expectTypeOf<TrackMessage>().toExtend<z.input<typeof TrackMessageSchema>>();
    expectTypeOf<AliasMessage>().toExtend<z.input<typeof AliasMessageSchema>>();
    expectTypeOf<GroupMessage>().toExtend<z.input<typeof GroupMessageSchema>>();
    expectTypeOf<RegisterPushTokenMessage>().toExtend<
      z.input<typeof RegisterPushTokenMessageSchema>
    >();
    expectTypeOf<DisablePushTokenMessage>().toExtend<
      z.input<typeof DisablePushTokenMessageSchema>
    >();
    expectTypeOf<SubscriptionMessage>().toExtend<z.input<typeof SubscriptionMessageSchema>>();
    expectTypeOf<MappingOptions>().toExtend<z.input<typeof MappingOptionsSchema>>();
  });

  it('what a wire schema accepts is the wire type', () => {
    expectTypeOf<z.output<typeof ConnectUserSchema>>().toExtend<ConnectUser>();
    expectTypeOf<ConnectUser>().toExtend<z.input<typeof ConnectUserSchema>>();
    expectTypeOf<z.output<typeof ConnectEventSchema>>().toExtend<ConnectEvent>();
    expectTypeOf<ConnectEvent>().toExtend<z.input<typeof ConnectEventSchema>>();
    expectTypeOf<z.output<typeof MappingWarningSchema>>().toEqualTypeOf<MappingWarning>();
  });

  it('writes out libphonenumber-js’s country codes', () => {
    expectTypeOf<CountryCode>().toEqualTypeOf<LibCountryCode>();
  });

  it('types the reserved traits, and leaves the rest to the caller', () => {
    expectTypeOf<{ email: string; plan: string; seats: number }>().toExtend<Traits>();
    expectTypeOf<{ email: number }>().not.toExtend<Traits>();
    expectTypeOf<{ phone: boolean }>().not.toExtend<Traits>();
    expectTypeOf<{ phones: string[] }>().toExtend<Traits>();
  });
});
