/**
 * The contract suite every runtime project runs (node, edge-runtime…): real calls through
 * ConnectClient to a loopback emulator server started by the project's global setup.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ConnectClient, RateLimitError, TimeoutError, ValidationError } from '../../src/index';

const url = inject('emulatorUrl');
const control = (path: string, body: unknown = {}) =>
  fetch(`${url}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const state = async () =>
  (await (await fetch(`${url}/_emulator/state`)).json()) as {
    users: {
      user_id: string;
      first_name?: string;
      previous_ids: string[];
      attributes: Record<string, unknown>;
    }[];
    events: { user_id: string; event: string }[];
  };

describe('contract: ConnectClient against a loopback Connect', () => {
  let connect: ConnectClient;
  beforeEach(async () => {
    await control('reset');
    connect = new ConnectClient({
      apiKey: 'contract-key',
      baseUrl: url,
      retry: { initialDelay: 10, maxDelay: 50 },
      dangerouslyAllowBrowser: true,
    });
  });
  afterEach(async () => {
    await connect.close({ timeout: 1_000 });
  });

  it('identifies, aliases and tracks: one merged user holding the events', async () => {
    await connect.identify({ anonymousId: 'anon-c', traits: { plan: 'trial' } });
    await connect.track({ anonymousId: 'anon-c', event: 'Viewed Pricing' });
    await connect.identify({ userId: 'c1', traits: { name: 'Ann Lee' } });
    await connect.alias({ userId: 'c1', previousId: 'anon-c' });
    await connect.track({ userId: 'c1', event: 'Signed Up' });
    const { users, events } = await state();
    expect(users.map((u) => [u.user_id, u.first_name, u.previous_ids, u.attributes])).toStrictEqual(
      [['c1', 'Ann', ['anon-c'], { plan: 'trial', name: 'Ann Lee' }]],
    );
    expect(events.map((e) => [e.user_id, e.event])).toStrictEqual([
      ['c1', 'Viewed Pricing'],
      ['c1', 'Signed Up'],
    ]);
  });

  it('batches concurrent calls', async () => {
    const sizes: number[] = [];
    connect.on('request', ({ path, messageCount }) =>
      sizes.push(path === '/v2/track/batch' ? messageCount : -1),
    );
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => connect.track({ userId: 'c2', event: `e${i}` })),
    );
    expect(sizes).toStrictEqual([100, 20]);
    expect((await state()).events).toHaveLength(120);
  });

  it('retries a 429 honouring Retry-After, with one GUID', async () => {
    await control('faults/fail', { count: 1, status: 429, retryAfter: 0 });
    const retries: string[] = [];
    connect.on('retry', ({ requestId }) => retries.push(requestId));
    const result = await connect.track({ userId: 'c3', event: 'Retried' });
    expect(result.attempts).toBe(2);
    expect(retries).toHaveLength(1);
  });

  it('times out a stalled request and retries it', async () => {
    const quick = new ConnectClient({
      apiKey: 'contract-key',
      baseUrl: url,
      timeout: 200,
      maxRetries: 0,
      dangerouslyAllowBrowser: true,
    });
    await control('faults/delay', { ms: 1_000, count: 1 });
    await expect(quick.track({ userId: 'c4', event: 'Slow' })).rejects.toBeInstanceOf(TimeoutError);
    await quick.close({ timeout: 100 });
  });

  it('raises typed errors', async () => {
    expect(() => connect.track({ userId: 'c5', event: '' })).toThrow(ValidationError);
    const strict = new ConnectClient({
      apiKey: 'contract-key',
      baseUrl: url,
      maxRetries: 0,
      dangerouslyAllowBrowser: true,
    });
    await control('faults/fail', { count: 1, status: 429, retryAfter: 3 });
    const error = await strict.track({ userId: 'c5', event: 'Limited' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_000);
    await strict.close({ timeout: 100 });
  });
});
