import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ClientClosedError,
  ConnectClient,
  type ConnectClientEvents,
  ConnectError,
  QueueFullError,
  ValidationError,
} from '../../src/index';
import { API_KEY, connectToEmulator, requestShapes } from './setup';

describe('ConnectClient: bounds, flush, close', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects a call past maxQueueSize with QueueFullError, emitting drop, sending the rest', async () => {
    const { emulator, connect } = connectToEmulator({ maxQueueSize: 3 });
    const drops: ConnectClientEvents['drop'][] = [];
    connect.on('drop', (drop) => drops.push(drop));
    const accepted = [1, 2, 3].map((i) => connect.track({ userId: 'u', event: `e${i}` }));
    const refused = connect.track({ userId: 'u', event: 'e4', messageId: 'm-4' });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toThrow(
      'track: the queue holds 3 messages (maxQueueSize); the call was dropped',
    );
    expect(drops.map(({ reason, messageId }) => [reason, messageId])).toStrictEqual([
      ['queue_full', 'm-4'],
    ]);
    await Promise.all(accepted);
    expect(emulator.events.map((e) => e.event)).toStrictEqual(['e1', 'e2', 'e3']);
    await connect.track({ userId: 'u', event: 'e5' });
    expect(await connect.close()).toStrictEqual({ delivered: 4, failed: 0, dropped: 1 });
  });

  it('flush() sends without waiting out the linger; concurrent flushes share one promise', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { emulator, connect } = connectToEmulator({ flushInterval: 60_000 });
    connect.track({ userId: 'u', event: 'a' });
    const first = connect.flush();
    const second = connect.flush();
    expect(second).toBe(first);
    await first;
    expect(emulator.events).toHaveLength(1);
    await expect(connect.flush()).resolves.toBeUndefined();
  });

  it('flush() does not lose messages that arrive while it runs, and covers them when called again', async () => {
    const { emulator, connect } = connectToEmulator();
    emulator.faults.delay(30, 1);
    connect.track({ userId: 'u', event: 'before' });
    const first = connect.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
    connect.track({ userId: 'u', event: 'during' });
    const second = connect.flush();
    expect(second).not.toBe(first);
    await first;
    await second;
    expect(emulator.events.map((e) => e.event)).toStrictEqual(['before', 'during']);
  });

  it('flush() resolves once failures have settled too, and never rejects', async () => {
    const { emulator, connect } = connectToEmulator({ maxRetries: 0 });
    emulator.faults.failNext(1, 401);
    const failed = connect.track({ userId: 'u', event: 'x' });
    await connect.flush();
    await expect(failed).rejects.toHaveProperty('status', 401);
  });

  it('close() stops intake, delivers what is queued and reports exactly', async () => {
    const { emulator, connect } = connectToEmulator({ flushInterval: 60_000, maxRetries: 0 });
    emulator.faults.refuse((m) => (m as { event?: string }).event === 'bad');
    connect.track({ userId: 'u', event: 'a' });
    connect.track({ userId: 'u', event: 'bad' });
    connect.identify({ userId: 'u' });
    const report = await connect.close();
    expect(report).toStrictEqual({ delivered: 2, failed: 1, dropped: 0 });
    expect(connect.close()).toBe(connect.close());
    const drops: string[] = [];
    connect.on('drop', ({ reason }) => drops.push(reason));
    const later = connect.track({ userId: 'u', event: 'late' });
    await expect(later).rejects.toBeInstanceOf(ClientClosedError);
    await expect(later).rejects.toThrow('track: the client is closed; the call was not sent');
    expect(drops).toStrictEqual(['closed']);
    expect(emulator.events.map((e) => e.event)).toStrictEqual(['a']);
  });

  it('close() meets its deadline on a stalled Connect: in-flight messages fail, queued ones are dropped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { emulator, connect } = connectToEmulator({
      maxConcurrentRequests: 1,
      maxBatchSize: 2,
      timeout: 60_000,
    });
    emulator.faults.delay(3_600_000);
    const calls = Array.from({ length: 5 }, (_, i) =>
      connect.track({ userId: 'u', event: `e${i}` }),
    );
    const outcomes = Promise.allSettled(calls);
    let report: unknown;
    void connect.close({ timeout: 1_000 }).then((r) => {
      report = r;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(report).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(report).toStrictEqual({ delivered: 0, failed: 2, dropped: 3 });
    const reasons = (await outcomes).map((o) =>
      o.status === 'rejected' ? (o.reason as Error).message : 'delivered',
    );
    expect(reasons).toStrictEqual([
      'track: the client was closed before Connect answered',
      'track: the client was closed before Connect answered',
      'track: the client was closed before the message was sent',
      'track: the client was closed before the message was sent',
      'track: the client was closed before the message was sent',
    ]);
    expect(requestShapes(emulator)).toStrictEqual([['/v2/track/batch', 2]]);
  });

  it('keeps one listener on its abort signal, however many requests are in flight', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const connect = new ConnectClient({
        apiKey: API_KEY,
        maxConcurrentRequests: 32,
        maxBatchSize: 1,
        fetch: () => new Promise<Response>(() => {}),
      });
      // Forty users: one user's messages travel one request at a time.
      const calls = Array.from({ length: 40 }, (_, i) =>
        connect.track({ userId: `u${i}`, event: `e${i}` }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await connect.close({ timeout: 10 })).toStrictEqual({
        delivered: 0,
        failed: 32,
        dropped: 8,
      });
      const reasons = (await Promise.allSettled(calls)).map((o) =>
        o.status === 'rejected' ? (o.reason as Error).name : 'delivered',
      );
      expect(reasons).toStrictEqual(Array.from({ length: 40 }, () => 'ClientClosedError'));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toStrictEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('calls waitUntil with each delivery, a promise that never rejects', async () => {
    const waited: Promise<unknown>[] = [];
    const { emulator, connect } = connectToEmulator({
      waitUntil: (promise) => waited.push(promise),
    });
    emulator.faults.refuse((m) => (m as { event?: string }).event === 'a');
    const failing = connect.track({ userId: 'u', event: 'a' });
    const fine = connect.identify({ userId: 'u' });
    expect(waited).toHaveLength(2);
    await expect(waited[0]).resolves.toBeUndefined();
    await expect(failing).rejects.toBeInstanceOf(ConnectError);
    await fine;
  });
});

describe('ConnectClient: beforeSend', () => {
  const calls = [
    ['identify', (c: ConnectClient) => c.identify({ userId: 'u', traits: { plan: 'pro' } })],
    ['track', (c: ConnectClient) => c.track({ userId: 'u', event: 'e' })],
    ['alias', (c: ConnectClient) => c.alias({ userId: 'u', previousId: 'anon' })],
    ['group', (c: ConnectClient) => c.group({ userId: 'u', groupId: 'g' })],
    [
      'registerPushToken',
      (c: ConnectClient) => c.registerPushToken({ userId: 'u', platform: 'apns', token: 't' }),
    ],
    [
      'disablePushToken',
      (c: ConnectClient) => c.disablePushToken({ userId: 'u', platform: 'apns', all: true }),
    ],
    ['subscribe', (c: ConnectClient) => c.subscribe({ userId: 'u' })],
    ['unsubscribe', (c: ConnectClient) => c.unsubscribe({ userId: 'u', campaignIds: [1] })],
  ] as const;

  it.each(calls)('can change a %s call', async (type, send) => {
    const { emulator, connect } = connectToEmulator({
      beforeSend: (call) =>
        ({ ...call, message: { ...call.message, userId: 'changed' } }) as typeof call,
    });
    await send(connect);
    expect(emulator.calls).toHaveLength(1);
    expect(emulator.calls[0]?.body).toMatchObject({ user_id: 'changed' });
    expect(type).toBeTruthy();
  });

  it.each(calls)(
    'can drop a %s call: it resolves unsent, reported as dropped',
    async (type, send) => {
      const seen: string[] = [];
      const { emulator, connect } = connectToEmulator({
        beforeSend: (call) => {
          seen.push(call.type);
          return null;
        },
      });
      const drops: string[] = [];
      connect.on('drop', ({ reason }) => drops.push(reason));
      await expect(send(connect)).resolves.toMatchObject({ attempts: 0, warnings: [] });
      expect([seen, drops, emulator.calls.length]).toStrictEqual([[type], ['before_send'], 0]);
      expect(await connect.close()).toStrictEqual({ delivered: 0, failed: 0, dropped: 1 });
    },
  );

  it('validates what beforeSend returns', () => {
    const { connect } = connectToEmulator({
      beforeSend: (call) => ({ ...call, message: { ...call.message, event: '' } }) as typeof call,
    });
    expect(() => connect.track({ userId: 'u', event: 'e' })).toThrow(ValidationError);
  });
});

describe('ConnectClient: input, options and safety', () => {
  it('throws ValidationError synchronously for bad input and queues nothing', async () => {
    const { emulator, connect } = connectToEmulator();
    expect(() => connect.track({ userId: 'u', event: '' })).toThrow(
      'track: `event` must be a non-empty string of at most 200 characters',
    );
    expect(() =>
      connect.registerPushToken({ userId: 'u', platform: 'web' as never, token: 't' }),
    ).toThrow("registerPushToken: `platform` must be 'apns', 'fcm' or 'gcm'");
    expect(() => connect.unsubscribe({ userId: 'u', campaignIds: [] })).toThrow(ValidationError);
    expect(() => connect.disablePushToken({ userId: 'u', platform: 'fcm' })).toThrow(
      'disablePushToken: `token` must be a non-empty string or bytes (or set `all: true`)',
    );
    await connect.flush();
    expect(emulator.calls).toHaveLength(0);
    expect(await connect.close()).toStrictEqual({ delivered: 0, failed: 0, dropped: 0 });
  });

  it.each([
    [{ apiKey: '' }, 'apiKey', 'ConnectClient: `apiKey` must not be empty'],
    [
      { apiKey: API_KEY, baseUrl: 'http://api.outbound.io' },
      'baseUrl',
      'ConnectClient: `baseUrl` must use https (plain http is allowed for loopback hosts such as 127.0.0.1, or with allowInsecureHttp: true)',
    ],
    [
      { apiKey: API_KEY, baseUrl: 'not a url' },
      'baseUrl',
      'ConnectClient: `baseUrl` must be an absolute URL such as https://api.outbound.io',
    ],
    [
      { apiKey: API_KEY, maxBatchSize: 101 },
      'maxBatchSize',
      'ConnectClient: `maxBatchSize` must be at most 100, Connect’s batch limit',
    ],
    [
      { apiKey: API_KEY, defaultCountry: 'XX' },
      'defaultCountry',
      'ConnectClient: `defaultCountry` must be an ISO 3166-1 alpha-2 country code such as US',
    ],
  ])('refuses bad options, naming them: %j', (options, path, message) => {
    try {
      new ConnectClient(options as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toStrictEqual([{ path, message }]);
    }
  });

  it('allows plain http for loopback hosts', () => {
    for (const baseUrl of [
      'http://127.0.0.1:4010',
      'http://localhost:4010/',
      'http://[::1]:4010',
    ]) {
      expect(() => new ConnectClient({ apiKey: API_KEY, baseUrl })).not.toThrow();
    }
  });

  it('refuses a key in a browser unless dangerouslyAllowBrowser', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    try {
      expect(() => new ConnectClient({ apiKey: API_KEY })).toThrow(/must not be used in a browser/);
      expect(
        () => new ConnectClient({ apiKey: API_KEY, dangerouslyAllowBrowser: true }),
      ).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('never lets the key into an error, an event or a log line', async () => {
    const lines: unknown[] = [];
    const log = (...args: unknown[]) => lines.push(args);
    const events: unknown[] = [];
    const { emulator, connect } = connectToEmulator({
      maxRetries: 1,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    for (const event of [
      'error',
      'drop',
      'retry',
      'warning',
      'request',
      'response',
      'delivered',
    ] as const) {
      connect.on(event, (payload) => events.push(payload));
    }
    emulator.faults.failNext(1, 503).failNext(2, 401).dropNext(2);
    const outcomes = await Promise.allSettled([
      connect.track({ userId: 'u', event: 'a' }),
      connect.identify({ userId: 'u', traits: { email: 'nope' } }),
    ]);
    await connect.track({ userId: 'u', event: 'b' }).catch((error) => events.push(error));
    const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    const everything = JSON.stringify(
      { lines, events, errors, calls: emulator.calls },
      (_key, value) =>
        value instanceof Error
          ? { ...value, message: value.message, stack: value.stack, cause: value.cause }
          : value,
    );
    expect(errors.length + events.length + lines.length).toBeGreaterThan(5);
    expect(everything).not.toContain(API_KEY);
    for (const error of errors)
      expect(String(error) + String((error as Error).stack)).not.toContain(API_KEY);
  });

  it('answers instanceof for errors from another copy of the package', async () => {
    // A query string makes Vite load the module again: a second copy, as two installs would give.
    const copyPath = '../../src/errors?copy';
    const copy = (await import(/* @vite-ignore */ copyPath)) as typeof import('../../src/errors');
    expect(copy.ValidationError).not.toBe(ValidationError);
    const foreign = new copy.QueueFullError('x');
    expect(foreign).toBeInstanceOf(QueueFullError);
    expect(foreign).toBeInstanceOf(ConnectError);
    expect(foreign).not.toBeInstanceOf(ValidationError);
    expect(new QueueFullError('x')).toBeInstanceOf(copy.ConnectError);
  });

  it('produces no unhandled rejection when every promise is ignored under failures', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { emulator, connect } = connectToEmulator({ maxRetries: 0, maxQueueSize: 5 });
      emulator.faults.failNext(100, 500);
      for (let i = 0; i < 10; i++) connect.track({ userId: 'u', event: `e${i}` });
      await connect.close();
      connect.identify({ userId: 'u' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toStrictEqual([]);
  });

  it('lets a Node process exit once its work is done: an idle client holds no timers', () => {
    const script = `
      import { ConnectClient } from './src/index.ts';
      import { createConnectEmulator } from './src/testing/index.ts';
      const emulator = createConnectEmulator();
      const connect = new ConnectClient({ apiKey: 'k', fetch: emulator.fetch });
      await connect.track({ userId: 'u', event: 'e' });
      console.log('delivered', emulator.events.length);
    `;
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.error).toBeUndefined();
    expect(result.stdout.trim()).toBe('delivered 1');
    expect(result.status).toBe(0);
  });
});

describe('ConnectClient: option bounds', () => {
  it('names the bound an option broke', () => {
    expect(() => new ConnectClient({ apiKey: API_KEY, maxConcurrentRequests: 1_000 })).toThrow(
      'ConnectClient: `maxConcurrentRequests` must be at most 64',
    );
    expect(() => new ConnectClient({ apiKey: API_KEY, androidPushField: 'apns' as never })).toThrow(
      'ConnectClient: `androidPushField` must be one of "fcm", "gcm"',
    );
  });
});
