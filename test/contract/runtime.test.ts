import { expect, inject, it } from 'vitest';

it('runs in the runtime its project names', () => {
  const global = globalThis as { EdgeRuntime?: unknown };
  if (inject('runtime') === 'edge') expect(typeof global.EdgeRuntime).toBe('string');
  else expect(global.EdgeRuntime).toBeUndefined();
});
