import { describe, expect, it } from 'vitest';
import { ConnectClient, ConnectError, ValidationError } from '../../src/index';
import { API_KEY, connectToEmulator, requestShapes } from './setup';

/** What a synchronous call threw. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not throw');
}

describe('nothing stalls, nothing escapes untyped', () => {
  it("does not hold other users' calls while one user has a call waiting behind a slow one", async () => {
    const { emulator, connect } = connectToEmulator({ timeout: 5_000 });
    emulator.faults.failNext(1, 429, { retryAfter: 2 }); // A's identify waits 2 s to be retried
    const a = connect.identify({ userId: 'A', traits: { plan: 'pro' } });
    const aTrack = connect.track({ userId: 'A', event: 'Upgraded' }); // waits for A's identify
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await Promise.all([
      connect.identify({ userId: 'B', traits: { plan: 'free' } }),
      connect.track({ userId: 'C', event: 'Signed Up' }),
    ]);
    expect(performance.now() - started).toBeLessThan(500);
    await Promise.all([a, aTrack]);
  });

  it("keeps batching other users while one user's many calls wait", async () => {
    const { emulator, connect } = connectToEmulator({ maxConcurrentRequests: 64 });
    emulator.faults.use(({ path }) =>
      path === '/v2/identify' ? { kind: 'delay', ms: 300 } : undefined,
    );
    const hot = [connect.identify({ userId: 'hot' })];
    for (let i = 0; i < 150; i++) hot.push(connect.track({ userId: 'hot', event: `E${i}` }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const others = Array.from({ length: 2_000 }, (_, i) =>
      connect.track({ userId: `u${i}`, event: 'E' }),
    );
    await Promise.all(others);
    const otherRequests = requestShapes(emulator).filter(([path]) => path.startsWith('/v2/track'));
    expect(otherRequests.length).toBeLessThanOrEqual(21);
    await Promise.all(hot);
  });

  it('settles every message once when a logger or listener throws', async () => {
    const { emulator, connect } = connectToEmulator({
      logger: {
        error: () => {
          throw new Error('sink closed');
        },
      },
    });
    connect.on('delivered', () => {
      throw new Error('listener broke');
    });
    emulator.faults.refuse((message) => (message as { event?: string }).event === 'bad');
    const outcomes = await Promise.allSettled([
      connect.track({ userId: 'u1', event: 'bad' }),
      connect.track({ userId: 'u2', event: 'good' }),
      connect.track({ userId: 'u3', event: 'good' }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toStrictEqual([
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await connect.close()).toStrictEqual({ delivered: 2, failed: 1, dropped: 0 });
  });

  it('turns whatever an input throws into a ValidationError with the cause', () => {
    const { connect } = connectToEmulator();
    const cause = new Error('getter broke');
    const hostile = [
      {
        userId: 'u1',
        event: 'E',
        properties: {
          a: {
            toJSON: () => {
              throw cause;
            },
          },
        },
      },
      {
        userId: 'u1',
        event: 'E',
        properties: Object.defineProperty({}, 'x', {
          enumerable: true,
          get: () => {
            throw cause;
          },
        }),
      },
      new Proxy(
        {},
        {
          get: () => {
            throw cause;
          },
        },
      ),
    ];
    for (const message of hostile) {
      const error = thrown(() => connect.track(message as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toBe('track: the input could not be read: getter broke');
    }
    expect(thrown(() => connect.validate(undefined as never))).toBeInstanceOf(ValidationError);
    expect(
      (thrown(() => connect.validate({ type: 'nope' } as never)) as ValidationError).issues[0]
        ?.path,
    ).toBe('type');
    expect(
      (thrown(() => connect.validate({ type: 'toString' } as never)) as ValidationError).issues[0]
        ?.path,
    ).toBe('type');
  });

  it('keeps a call whose waitUntil throws (a Worker past its response): it is still delivered', async () => {
    const logged: string[] = [];
    const { emulator, connect } = connectToEmulator({
      waitUntil: () => {
        throw new TypeError('waitUntil after the response');
      },
      logger: { error: (message) => logged.push(message) },
    });
    await expect(connect.track({ userId: 'u1', event: 'E' })).resolves.toMatchObject({
      attempts: 1,
    });
    expect(emulator.events).toHaveLength(1);
    expect(logged).toStrictEqual([
      'zendesk-connect: waitUntil threw; the message is still delivered',
    ]);
  });

  it('refuses a close timeout a timer cannot hold, naming it', () => {
    const { connect } = connectToEmulator();
    for (const timeout of [Number.POSITIVE_INFINITY, Number.NaN, 3e9, -1, 'x']) {
      const error = thrown(() => connect.close({ timeout: timeout as number }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe('timeout');
    }
    expect(() => new ConnectClient({ apiKey: API_KEY, flushInterval: 3e9 })).toThrow(
      'flushInterval',
    );
  });

  it('fails a response a custom fetch followed, saying the key went there', async () => {
    const followed = new Response('', { status: 200 });
    Object.defineProperties(followed, {
      redirected: { value: true },
      url: { value: 'https://collector.example/collect' },
    });
    const connect = new ConnectClient({ apiKey: API_KEY, fetch: async () => followed });
    const error = await connect.track({ userId: 'u1', event: 'E' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toBe(
      "POST /v2/track was redirected to collector.example by the fetch given to the client (1 attempt), so the key was sent there too: a custom fetch must honour init.redirect ('manual')",
    );
  });

  it('fails a call whose custom fetch resolves something that is not a Response, typed', async () => {
    const connect = new ConnectClient({
      apiKey: API_KEY,
      fetch: async () => ({}) as Response,
      maxRetries: 0,
    });
    const error = await connect.track({ userId: 'u1', event: 'E' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toContain('not a Response');
  });
});

describe('prepare and send', () => {
  it('checks a whole batch first, then sends it; each prepared call once, and only from its client', async () => {
    const { emulator, connect } = connectToEmulator();
    const calls = [
      { type: 'identify', message: { userId: 'u1', traits: { email: 'a@b.co' } } },
      { type: 'track', message: { userId: 'u1', event: 'Signed Up' } },
    ] as const;
    const prepared = calls.map((call) => connect.prepare(call));
    expect(prepared.map(({ type, dropped }) => [type, dropped])).toStrictEqual([
      ['identify', false],
      ['track', false],
    ]);
    expect(emulator.calls).toHaveLength(0);
    await Promise.all(prepared.map((call) => connect.send(call)));
    expect(emulator.writesOf('u1').map((write) => write.kind)).toStrictEqual(['identify', 'track']);
    expect(thrown(() => connect.send(prepared[0]!))).toBeInstanceOf(ValidationError);
    const other = connectToEmulator().connect;
    expect(thrown(() => other.send(connect.prepare(calls[1])))).toBeInstanceOf(ValidationError);
    expect(
      thrown(() => connect.prepare({ type: 'track', message: { userId: 'u1', event: '' } })),
    ).toBeInstanceOf(ValidationError);
  });

  it('runs beforeSend at prepare: a dropped call resolves unsent when sent', async () => {
    const { emulator, connect } = connectToEmulator({ beforeSend: () => null });
    const prepared = connect.prepare({ type: 'track', message: { userId: 'u1', event: 'E' } });
    expect(prepared.dropped).toBe(true);
    await expect(connect.send(prepared)).resolves.toMatchObject({ attempts: 0 });
    expect(emulator.calls).toHaveLength(0);
    expect(await connect.close()).toStrictEqual({ delivered: 0, failed: 0, dropped: 1 });
  });
});
