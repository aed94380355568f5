/**
 * The guides' snippets that can run, run: each file under examples/guides/ that needs nothing but
 * the package and the emulator is imported, so its top-level code executes as the docs show it.
 */
import { describe, expect, it } from 'vitest';

describe('runnable guides', () => {
  it('testing.md: the emulator and its faults', async () => {
    await import('../../examples/guides/testing');
  });

  it('testing.md: msw and DOM-like environments', async () => {
    const { ran } = await import('../../examples/guides/testing-msw');
    expect(ran.events).toBe(1);
  });
});
