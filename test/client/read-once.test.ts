/**
 * Caller data is read once per call. The client may skip copying plain data before it is
 * serialized, but a value that changes between two reads (a getter, a Proxy) must not let
 * something the mapping refuses reach the wire, nor refuse what it accepted: what is sent is what
 * was checked, as with the copy (spec/mapping.md, "Values inside traits and properties").
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index';
import { connectToEmulator } from './setup';

/** An object whose `x` is `first` on the first read and `later` on every other one; `reads` counts. */
function flipping(first: unknown, later: unknown) {
  const counter = { reads: 0 };
  const value = {
    get x() {
      counter.reads++;
      return counter.reads === 1 ? first : later;
    },
  };
  return { value, counter };
}

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not throw');
}

describe('caller data is read once', () => {
  it('sends what it checked when a property turns NaN after the check', async () => {
    const { emulator, connect } = connectToEmulator();
    const { value, counter } = flipping(1, Number.NaN);
    await connect.track({ userId: 'u', event: 'E', timestamp: 1, properties: value });
    expect(emulator.calls[0]?.body).toStrictEqual({
      user_id: 'u',
      event: 'E',
      properties: { x: 1 },
      timestamp: 1,
    });
    expect(counter.reads).toBe(1);
  });

  it('refuses a property that is NaN when read, even if it would read finite later', () => {
    const { connect } = connectToEmulator();
    const { value, counter } = flipping(Number.NaN, 1);
    const error = thrown(() =>
      connect.track({ userId: 'u', event: 'E', timestamp: 1, properties: { nested: [value] } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toStrictEqual([
      {
        path: 'properties.nested.0.x',
        message: 'track: `properties.nested.0.x` is NaN, which JSON cannot carry',
      },
    ]);
    expect(counter.reads).toBe(1);
  });

  it('a Proxy whose values change between reads: sent as first read', async () => {
    const { emulator, connect } = connectToEmulator();
    let reads = 0;
    const properties = new Proxy(
      { n: 0 },
      {
        get: (target, key) =>
          key === 'n' ? (reads++ === 0 ? 2 : Number.POSITIVE_INFINITY) : Reflect.get(target, key),
      },
    );
    await connect.track({ userId: 'u', event: 'E', timestamp: 1, properties });
    expect(emulator.calls[0]?.body).toStrictEqual({
      user_id: 'u',
      event: 'E',
      properties: { n: 2 },
      timestamp: 1,
    });
  });

  it('a getter that turns into a cycle after the check is sent as first read', async () => {
    const { emulator, connect } = connectToEmulator();
    const properties: Record<string, unknown> = {};
    let reads = 0;
    Object.defineProperty(properties, 'x', {
      enumerable: true,
      get: () => (reads++ === 0 ? { ok: true } : properties),
    });
    await connect.track({ userId: 'u', event: 'E', timestamp: 1, properties });
    expect(emulator.calls[0]?.body).toMatchObject({ properties: { x: { ok: true } } });
  });

  it('a getter that turns into a BigInt after the check is sent as first read', async () => {
    const { emulator, connect } = connectToEmulator();
    const { value } = flipping('a', 1n);
    await connect.track({ userId: 'u', event: 'E', timestamp: 1, properties: { value } });
    expect(emulator.calls[0]?.body).toMatchObject({ properties: { value: { x: 'a' } } });
  });

  it('identify: a trait read once, NaN refused by the name of its trait', async () => {
    const { emulator, connect } = connectToEmulator();
    const later = flipping('pro', Number.NEGATIVE_INFINITY);
    await connect.identify({ userId: 'u', traits: { plan: later.value } });
    expect(emulator.calls[0]?.body).toStrictEqual({
      user_id: 'u',
      attributes: { plan: { x: 'pro' } },
    });
    expect(later.counter.reads).toBe(1);

    const first = flipping(Number.NEGATIVE_INFINITY, 'pro');
    const error = thrown(() => connect.identify({ userId: 'u', traits: { plan: first.value } }));
    expect((error as ValidationError).issues).toStrictEqual([
      {
        path: 'traits.plan.x',
        message: 'identify: `traits.plan.x` is -Infinity, which JSON cannot carry',
      },
    ]);
  });
});
