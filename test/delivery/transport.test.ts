import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/delivery/events';
import { Transport } from '../../src/delivery/transport';
import { VERSION } from '../../src/version';

const KEY = 'f00dfeedf00dfeedf00dfeedf00dfeed';

/** A transport over a fetch that answers from a script, recording every call. */
function scripted(answers: Array<Response | Error | 'hang'>, options: { timeout?: number } = {}) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const abort = new AbortController();
  const transport = new Transport({
    apiKey: KEY,
    baseUrl: 'https://connect.test',
    timeout: options.timeout ?? 1_000,
    retry: {
      maxRetries: 3,
      initialDelay: 100,
      maxDelay: 1_000,
      maxRetryAfter: 2_000,
      maxElapsed: 10_000,
    },
    signal: abort.signal,
    emitter: new Emitter(() => {}),
    fetch: async (url, init) => {
      calls.push({ url, init });
      const answer = answers.shift() ?? new Response('');
      if (answer === 'hang') return new Promise<Response>(() => {});
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  return { transport, calls, abort };
}

describe('Transport', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('posts the body with the headers, one GUID for every attempt, never following redirects', async () => {
    const { transport, calls } = scripted([new Response('', { status: 503 }), new Response('')]);
    const sending = transport.send('/v2/track/batch', '[{"user_id":"u1"}]', 1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await sending).toStrictEqual({ ok: true, attempts: 2 });
    expect(calls.map((call) => call.url)).toStrictEqual([
      'https://connect.test/v2/track/batch',
      'https://connect.test/v2/track/batch',
    ]);
    const [first, second] = calls.map((call) => call.init);
    expect(first?.method).toBe('POST');
    expect(first?.redirect).toBe('manual');
    expect(first?.body).toBe('[{"user_id":"u1"}]');
    const headers = first?.headers as Record<string, string>;
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Outbound-Key': KEY,
      'X-Outbound-Client': `zendesk-connect/${VERSION}`,
    });
    expect((second?.headers as Record<string, string> | undefined)?.['X-Outbound-GUID']).toBe(
      headers['X-Outbound-GUID'],
    );
  });

  it('waits the jittered backoff, or Retry-After capped at maxRetryAfter', async () => {
    const { transport, calls } = scripted([
      new Response('', { status: 503 }),
      new Response('', { status: 429, headers: { 'Retry-After': '30' } }),
      new Response(''),
    ]);
    const sending = transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(49); // 0.5 × 100 ms
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_999); // Retry-After 30 s, cut to 2 s
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await sending).toStrictEqual({ ok: true, attempts: 3 });
  });

  it('types each final failure and never retries 400, 401, 413 or a redirect', async () => {
    const cases: Array<[Response, string, number]> = [
      [
        new Response('{"error":{"Message":"event is required","Code":400}}', { status: 400 }),
        'BadRequestError',
        1,
      ],
      [new Response('', { status: 401 }), 'AuthenticationError', 1],
      [new Response('', { status: 413 }), 'PayloadTooLargeError', 1],
      [
        new Response('', { status: 307, headers: { location: 'https://elsewhere.test/' } }),
        'ConnectApiError',
        1,
      ],
    ];
    for (const [response, name, attempts] of cases) {
      const { transport, calls } = scripted([response]);
      const result = await transport.send('/v2/track', '{}', 1);
      expect([result.ok, result.attempts, !result.ok && result.error.name]).toStrictEqual([
        false,
        attempts,
        name,
      ]);
      expect(calls).toHaveLength(1);
    }
    const { transport } = scripted([
      new Response('{"error":{"Message":"event is required","Code":400}}', { status: 400 }),
    ]);
    const result = await transport.send('/v2/track', '{}', 1);
    expect(!result.ok && result.error).toMatchObject({
      message: 'Connect answered 400 to POST /v2/track (1 attempt): event is required',
      connectMessage: 'event is required',
      connectCode: 400,
      status: 400,
    });
  });

  it('retries network errors and timeouts, then fails typed, naming the attempts', async () => {
    const { transport, calls } = scripted(['hang', new TypeError('fetch failed'), 'hang', 'hang'], {
      timeout: 50,
    });
    const sending = transport.send('/v2/track', '{}', 1);
    await vi.advanceTimersByTimeAsync(5_000);
    const result = await sending;
    expect(calls).toHaveLength(4);
    expect(!result.ok && [result.error.name, result.error.message]).toStrictEqual([
      'TimeoutError',
      'Connect did not answer POST /v2/track within 50 ms (4 attempts)',
    ]);
  });

  it('stops at once when the client closes, leaving no timer', async () => {
    const { transport, abort } = scripted(['hang']);
    const sending = transport.send('/v2/track', '{}', 1);
    abort.abort();
    const result = await sending;
    expect(!result.ok && result.error.name).toBe('ClientClosedError');
    expect(vi.getTimerCount()).toBe(0);
  });
});
