/**
 * What the compiler accepts and refuses at a call: typed reserved traits, and a tracking plan's
 * events. Checked by `npm run typecheck` (each `@ts-expect-error` fails the build if the line
 * compiles); the tests only run the calls that compile.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DeliveryResult } from '../../src/index';
import { ConnectClient } from '../../src/index';
import type { SEGMENT_CALLS, SegmentCallType } from '../../src/mappers/calls';
import { API_KEY } from './setup';

interface MyPlan {
  'Signed Up': { plan: 'Startup' | 'Growth' };
  'Order Completed': { revenue: number; currency: string };
}

describe('types at the call', () => {
  const connect = new ConnectClient({ apiKey: API_KEY, fetch: async () => new Response('') });
  const planned = new ConnectClient<MyPlan>({
    apiKey: API_KEY,
    fetch: async () => new Response(''),
  });

  it('types the reserved traits', async () => {
    await connect.identify({ userId: 'u1', traits: { email: 'a@b.co', plan: 'pro', seats: 3 } });
    // @ts-expect-error an email is a string
    expect(() => connect.identify({ userId: 'u1', traits: { email: 42 } })).not.toThrow();
    // @ts-expect-error a phone is a string or a number
    expect(() => connect.identify({ userId: 'u1', traits: { phone: true } })).not.toThrow();
    await connect.close();
  });

  it('lists every Segment call type the proxy forwards', () => {
    expectTypeOf<(typeof SEGMENT_CALLS)[number]>().toEqualTypeOf<SegmentCallType>();
  });

  it('accepts any event without a plan', () => {
    expectTypeOf(connect.track).parameter(0).toHaveProperty('event').toEqualTypeOf<string>();
  });

  it("accepts only the plan's events, each with its own properties", async () => {
    const result = planned.track({
      userId: 'u1',
      event: 'Signed Up',
      properties: { plan: 'Startup' },
    });
    expectTypeOf(result).toEqualTypeOf<Promise<DeliveryResult>>();
    await result;
    planned.track({
      userId: 'u1',
      event: 'Order Completed',
      properties: { revenue: 12.5, currency: 'EUR' },
    });
    // @ts-expect-error not an event of the plan
    planned.track({ userId: 'u1', event: 'Signed Up' as string });
    const otherProperties = {
      userId: 'u1',
      event: 'Signed Up',
      properties: { revenue: 1 },
    } as const;
    // @ts-expect-error the properties of another event
    planned.track(otherProperties);
    // @ts-expect-error a plan outside the plan's values
    planned.track({ userId: 'u1', event: 'Signed Up', properties: { plan: 'Enterprise' } });
    await planned.close();
  });
});
