import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectClient, ConnectionError, ValidationError } from '../../src/index';
import { API_KEY, connectToEmulator } from './setup';

/** What a synchronous call threw. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not throw');
}

describe("a developer's day: loud failures, clear options", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('refuses a misspelled option, naming what was meant', () => {
    const error = thrown(
      () => new ConnectClient({ apiKey: API_KEY, baseURL: 'https://x.test' } as never),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('baseURL');
    expect((error as Error).message).toContain(
      '`baseURL` is not an option; did you mean `baseUrl`?',
    );
    expect(
      (thrown(() => new ConnectClient({ apiKey: API_KEY, colour: 1 } as never)) as Error).message,
    ).toContain('`colour` is not an option (the options are androidPushField');
  });

  it('allows plain http beyond loopback only with allowInsecureHttp', () => {
    expect(
      () => new ConnectClient({ apiKey: API_KEY, baseUrl: 'http://connect-emulator:4010' }),
    ).toThrow('allowInsecureHttp');
    expect(
      () =>
        new ConnectClient({
          apiKey: API_KEY,
          baseUrl: 'http://connect-emulator:4010',
          allowInsecureHttp: true,
        }),
    ).not.toThrow();
  });

  it('validates and maps but sends nothing with enabled: false', async () => {
    const { emulator, connect } = connectToEmulator({ enabled: false });
    const drops: string[] = [];
    connect.on('drop', ({ reason }) => drops.push(reason));
    await expect(
      connect.identify({ userId: 'u1', traits: { timezone: 'Moon/Base' } }),
    ).resolves.toMatchObject({ attempts: 0, warnings: [{ code: 'invalid_timezone' }] });
    expect(() => connect.track({ userId: 'u1', event: '' })).toThrow(ValidationError);
    expect(emulator.calls).toHaveLength(0);
    expect(drops).toStrictEqual(['disabled']);
    expect(await connect.close()).toStrictEqual({ delivered: 0, failed: 0, dropped: 1 });
  });

  it('warns once per kind of failure a minute when nobody listens', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { emulator, connect } = connectToEmulator({ maxRetries: 0 });
    emulator.faults.refuse(() => true);
    await Promise.allSettled([
      connect.track({ userId: 'u1', event: 'A' }),
      connect.track({ userId: 'u2', event: 'B' }),
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /^zendesk-connect: a track was not delivered: Connect answered 400 to POST \/v2\/track .*Listen with connect\.on\('error', …\) or pass a logger/,
    );
    vi.advanceTimersByTime(60_000);
    await connect.track({ userId: 'u3', event: 'C' }).catch(() => {});
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('stays quiet with an error listener, a logger, or logger: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const options of [{ logger: false as const }, { logger: { error: () => {} } }, {}]) {
      const { emulator, connect } = connectToEmulator({ maxRetries: 0, ...options });
      if (!('logger' in options)) connect.on('error', () => {});
      emulator.faults.refuse(() => true);
      await connect.track({ userId: 'u1', event: 'A' }).catch(() => {});
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('names the host and the network error code when Connect cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const connect = new ConnectClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      maxRetries: 0,
      logger: false,
    });
    const error = await connect.track({ userId: 'u1', event: 'E' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^could not reach Connect at 127\\.0\\.0\\.1:${port} for POST /v2/track \\(1 attempt\\): fetch failed \\(ECONNREFUSED\\)$`,
      ),
    );
  });
});
