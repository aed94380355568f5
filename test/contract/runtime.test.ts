import { expect, inject, it } from 'vitest';

it('runs in the runtime its project names', () => {
  const global = globalThis as {
    EdgeRuntime?: unknown;
    document?: unknown;
    navigator?: { userAgent?: string };
  };
  const runtime = inject('runtime');
  expect(global.navigator?.userAgent === 'Cloudflare-Workers').toBe(runtime === 'workers');
  expect(typeof global.EdgeRuntime === 'string').toBe(runtime === 'edge');
  expect(typeof global.document === 'object').toBe(runtime === 'browser');
});

it('runs on the Node version CI asked for (the node suite is repeated on Node 22 and 24)', () => {
  const node = (globalThis as { process?: { version: string; env: Record<string, string> } })
    .process;
  const expected = inject('runtime') === 'node' ? node?.env.EXPECTED_NODE_VERSION : undefined;
  if (expected !== undefined) expect(node?.version).toBe(expected);
});
