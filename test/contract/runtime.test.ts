import { expect, inject, it } from 'vitest';

it('runs in the runtime its project names', () => {
  const global = globalThis as { EdgeRuntime?: unknown; document?: unknown };
  const runtime = inject('runtime');
  expect(typeof global.EdgeRuntime === 'string').toBe(runtime === 'edge');
  expect(typeof global.document === 'object').toBe(runtime === 'browser');
});
