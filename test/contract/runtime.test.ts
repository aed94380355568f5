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
