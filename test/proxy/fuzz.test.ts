import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectClient } from '../../src/index';
import { createConnectProxy } from '../../src/proxy/index';
import { createConnectEmulator } from '../../src/testing/index';

const emulator = createConnectEmulator(); // strict: refuses what Connect documents as invalid
const client = new ConnectClient({
  apiKey: 'fuzz-key',
  fetch: emulator.fetch,
  maxRetries: 0,
  flushInterval: 0,
});
const proxy = createConnectProxy({
  client,
  currentUser: () => 'u1', // test/proxy/identity-property.test.ts fuzzes who may write what
  secret: false,
  maxBodyBytes: 64 * 1024,
  maxDepth: 16,
});

const key = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'type',
    'userId',
    'anonymousId',
    'event',
    'traits',
    'properties',
    'context',
    'timestamp',
    'previousId',
    'groupId',
  ),
  fc.string({ maxLength: 6 }),
);
const leaf = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom(
    'identify',
    'track',
    'alias',
    'group',
    'page',
    'u1',
    '',
    ' ',
    '2015-04-06T12:31:32Z',
    'ios',
    '+14155552671',
    'Europe/Berlin',
    'x'.repeat(300),
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 1e11, 1e21, -1e11, 5e-324),
  fc.boolean(),
  fc.constant(null),
);
const json = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('any'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('any'), { maxKeys: 6 }),
})).any;
const message = fc.record(
  {
    type: fc.oneof(fc.constantFrom('identify', 'track', 'alias', 'group', 'page'), leaf),
    userId: json,
    anonymousId: json,
    previousId: json,
    groupId: json,
    event: json,
    traits: json,
    properties: json,
    context: json,
    timestamp: json,
  },
  { requiredKeys: ['type'] },
);
const valid = fc.record({
  userId: fc.constantFrom('u1', 42, 'ü-ñ'),
  event: fc.string({ minLength: 1, maxLength: 20 }).filter((e) => /\S/.test(e)),
});
const body = fc.oneof(
  fc.record({ batch: fc.array(message, { maxLength: 5 }) }).map((value) => JSON.stringify(value)),
  fc
    .array(valid, { minLength: 1, maxLength: 3 })
    .map((batch) => JSON.stringify({ batch: batch.map((m) => ({ type: 'track', ...m })) })),
  valid.map((m) => JSON.stringify(m)),
  json.map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes)),
  fc.integer({ min: 17, max: 400 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constant(`{"batch":[{"type":"track","userId":"u","event":"${'x'.repeat(70_000)}"}]}`),
);
const path = fc.constantFrom(
  '/batch',
  '/identify',
  '/track',
  '/alias',
  '/group',
  '/page',
  '/v2/identify',
  '/',
  '/batch/../admin',
);

describe('the proxy under fuzzing', () => {
  it('answers every raw body with a documented status and a JSON error, never forwarding what Connect would refuse', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(path, body, async (route, text) => {
        const response = await proxy(
          new Request(`https://app.example.com/api/connect${route}`, {
            method: 'POST',
            body: text,
          }),
        );
        expect([200, 400, 403, 404, 413]).toContain(response.status);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status !== 200) {
          const payload = (await response.json()) as {
            error?: { code?: unknown; message?: unknown };
          };
          expect(typeof payload.error?.code).toBe('string');
          expect(typeof payload.error?.message).toBe('string');
        }
        expect(Object.keys(Object.prototype)).toStrictEqual([]);
      }),
      { numRuns: 600 },
    );
    // The fuzz reached both sides: refusals of every kind and calls forwarded to Connect.
    for (const status of [200, 400, 404, 413]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect(emulator.calls.length).toBeGreaterThan(0);
    // Nothing the proxy forwarded was refused by the strict emulator.
    expect(emulator.calls.filter((call) => call.status !== 200)).toStrictEqual([]);
  }, 120_000);
});
