import { describe, expect, it } from 'vitest';
import {
  BeforeSendError,
  ConnectClient,
  PayloadTooLargeError,
  ValidationError,
} from '../../src/index';
import { createConnectEmulator } from '../../src/testing/index';
import { API_KEY, connectToEmulator, requestShapes } from './setup';

const KiB = 1024;
const bodyBytes = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)).byteLength;

/** The error a synchronous call threw. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not throw');
}

describe('message and request sizes', () => {
  it('refuses a message over maxMessageBytes at the call, naming its largest field; nothing is queued', async () => {
    const { emulator, connect } = connectToEmulator();
    const huge = 'x'.repeat(5.5 * 1024 * 1024);
    const error = thrown(() =>
      connect.track({ userId: 'u1', event: 'Uploaded', properties: { blob: huge, note: 'n' } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toStrictEqual([
      {
        path: 'properties.blob',
        message:
          'track: `properties.blob` is 5.5 MiB of JSON, which makes the message 5.5 MiB, over maxMessageBytes (32 KiB)',
      },
    ]);
    // A hundred calls sharing the string: each throws; the engine never sees them.
    for (let i = 0; i < 100; i++) {
      expect(() => connect.track({ userId: `u${i}`, event: 'E', properties: { huge } })).toThrow(
        ValidationError,
      );
    }
    expect(await connect.close()).toStrictEqual({ delivered: 0, failed: 0, dropped: 0 });
    expect(emulator.calls).toHaveLength(0);
  });

  it('names a trait by its input name and counts bytes, not UTF-16 units', () => {
    const { connect } = connectToEmulator({ maxMessageBytes: 1_000 });
    // 400 characters of three bytes each: 1,200 bytes, though only 400 UTF-16 units.
    const error = thrown(() =>
      connect.identify({ userId: 'u1', traits: { bio: '€'.repeat(400) } }),
    );
    expect((error as ValidationError).issues[0]?.path).toBe('traits.bio');
    expect(() =>
      connect.identify({ userId: 'u1', traits: { bio: '€'.repeat(300) } }),
    ).not.toThrow();
  });

  it('refuses a message that is big because of many fields by naming their parent', () => {
    const { connect } = connectToEmulator();
    const properties = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(400)]),
    );
    const error = thrown(() => connect.track({ userId: 'u1', event: 'E', properties }));
    expect((error as ValidationError).issues[0]?.path).toBe('properties');
  });

  it('validate() applies the same size limit', () => {
    const { connect } = connectToEmulator();
    expect(() =>
      connect.validate({
        type: 'track',
        message: { userId: 'u1', event: 'E', properties: { blob: 'x'.repeat(40 * KiB) } },
      }),
    ).toThrow(ValidationError);
  });

  it('refuses maxMessageBytes above maxBatchBytes, naming it', () => {
    expect(
      () =>
        new ConnectClient({ apiKey: API_KEY, maxBatchBytes: 64 * KiB, maxMessageBytes: 65 * KiB }),
    ).toThrow('ConnectClient: `maxMessageBytes` must be at most maxBatchBytes (65536)');
  });

  it('cuts batches by bytes: 100 tracks of 200 KB go in requests each under maxBatchBytes', async () => {
    const { emulator, connect } = connectToEmulator({ maxMessageBytes: 256 * KiB });
    const big = 'b'.repeat(200_000);
    const calls = Array.from({ length: 100 }, (_, i) =>
      connect.track({ userId: `u${i}`, event: 'Big', properties: { big, i } }),
    );
    await Promise.all(calls);
    expect(emulator.events).toHaveLength(100);
    const sizes = emulator.calls.map((call) => bodyBytes(call.body));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500 * KiB);
    // Two 200 KB messages fit in 500 KiB, three do not.
    expect(requestShapes(emulator).map(([, count]) => count)).toStrictEqual(
      Array.from({ length: 50 }, () => 2),
    );
  });

  it('splits on 413 like on 400: behind a 300 KiB server limit, 90 tiny and 10 big all arrive', async () => {
    const emulator = createConnectEmulator({ apiKeys: [API_KEY], maxBodyBytes: 300 * KiB });
    const connect = new ConnectClient({
      apiKey: API_KEY,
      fetch: emulator.fetch,
      maxMessageBytes: 256 * KiB,
    });
    const big = 'b'.repeat(200_000);
    const calls = Array.from({ length: 100 }, (_, i) =>
      i % 10 === 0
        ? connect.track({ userId: `big${i}`, event: 'Big', properties: { big } })
        : connect.track({ userId: `tiny${i}`, event: 'Tiny' }),
    );
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(emulator.events).toHaveLength(100);
    // Two big ones never share an accepted request: together they are over the server's limit.
    const accepted = emulator.calls.filter((call) => call.status === 200);
    for (const call of accepted) {
      const items = Array.isArray(call.body) ? call.body : [call.body];
      const bigs = items.filter((item) => (item as { event: string }).event === 'Big');
      expect(bigs.length).toBeLessThanOrEqual(1);
      expect(bodyBytes(call.body)).toBeLessThanOrEqual(300 * KiB);
    }
    expect(
      accepted.flatMap((call) => (Array.isArray(call.body) ? call.body : [call.body])),
    ).toHaveLength(100);
    expect(emulator.calls.some((call) => call.status === 413)).toBe(true);
  });

  it('fails a message refused alone with 413 as PayloadTooLargeError, alone', async () => {
    const emulator = createConnectEmulator({ apiKeys: [API_KEY], maxBodyBytes: 10 * KiB });
    const connect = new ConnectClient({ apiKey: API_KEY, fetch: emulator.fetch });
    const [big, small] = await Promise.allSettled([
      connect.track({ userId: 'u1', event: 'Big', properties: { big: 'b'.repeat(20 * KiB) } }),
      connect.track({ userId: 'u2', event: 'Small' }),
    ]);
    expect(big.status).toBe('rejected');
    const error = (big as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(small.status).toBe('fulfilled');
    // 413 is not retried as it was: two messages → one batch, then each alone.
    expect(emulator.calls.map((call) => call.status)).toStrictEqual([413, 413, 200]);
  });
});

describe('beforeSend', () => {
  it('that throws makes the call throw BeforeSendError, naming the hook, with the cause; nothing queued', async () => {
    const cause = new Error('boom');
    const { emulator, connect } = connectToEmulator({
      beforeSend: () => {
        throw cause;
      },
    });
    const error = thrown(() => connect.track({ userId: 'u1', event: 'E' }));
    expect(error).toBeInstanceOf(BeforeSendError);
    expect(error).toMatchObject({
      code: 'before_send_failed',
      message: 'track: beforeSend threw: boom; the call was not sent',
      cause,
    });
    expect(await connect.close()).toStrictEqual({ delivered: 0, failed: 0, dropped: 0 });
    expect(emulator.calls).toHaveLength(0);
  });
});
