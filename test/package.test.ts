import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies?: Record<string, string>;
  exports: Record<string, unknown>;
  sideEffects: boolean;
  type: string;
};

describe('package.json', () => {
  it('has no runtime dependencies: zod and libphonenumber-js are bundled, their types written out', () => {
    expect(pkg.dependencies).toBeUndefined();
  });

  it('is an ESM package without side effects, with a door for each subpath', () => {
    expect([pkg.type, pkg.sideEffects]).toStrictEqual(['module', false]);
    expect(Object.keys(pkg.exports)).toStrictEqual([
      '.',
      './browser',
      './proxy',
      './proxy/node',
      './testing',
      './testing/msw',
      './testing/node',
      './schemas',
      './redis',
      './package.json',
    ]);
  });
});
