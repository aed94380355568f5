import { describe, expect, it, vi } from 'vitest';
import { randomUuid } from '../../src/delivery/uuid';

describe('randomUuid', () => {
  it('makes version 4 UUIDs, lowercase, all different, across refills of its random block', () => {
    const ids = Array.from({ length: 3_000 }, randomUuid);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every hex digit in every random position', () => {
    const ids = Array.from({ length: 2_000 }, randomUuid);
    for (let position = 0; position < 36; position++) {
      if ([8, 13, 14, 18, 19, 23].includes(position)) continue; // dashes, version, variant
      expect(new Set(ids.map((id) => id[position])).size, `position ${position}`).toBe(16);
    }
  });
});

describe('randomUuid, byte for byte', () => {
  it('writes each random byte as two hex digits in place, sets the version and variant, refills after 256', async () => {
    vi.resetModules();
    let fill = 0;
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementation(((array: Uint8Array) => {
      for (let index = 0; index < array.length; index++) array[index] = (index + fill) % 256;
      fill += 7;
      return array;
    }) as typeof crypto.getRandomValues);
    try {
      const { randomUuid: fresh } = await import('../../src/delivery/uuid');
      expect(spy).not.toHaveBeenCalled();
      expect(fresh()).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f');
      expect(spy).toHaveBeenCalledOnce();
      expect(fresh()).toBe('10111213-1415-4617-9819-1a1b1c1d1e1f');
      for (let i = 2; i < 16; i++) fresh();
      // Byte 0xff at index 255, 0xf0.. at 240: the last id of the first block.
      for (let i = 16; i < 255; i++) fresh();
      expect(fresh()).toBe('f0f1f2f3-f4f5-46f7-b8f9-fafbfcfdfeff');
      expect(spy).toHaveBeenCalledOnce();
      // The next block, offset by 7.
      expect(fresh()).toBe('0708090a-0b0c-4d0e-8f10-111213141516');
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
      vi.resetModules();
    }
  });
});
