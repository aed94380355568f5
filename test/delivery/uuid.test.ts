import { describe, expect, it } from 'vitest';
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
