import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, without types
import { assetsSource, buildPage } from '../../scripts/build-page.mjs';

describe('the debugger page’s built assets', () => {
  it('are what src/testing/page/client/ builds to (npm run build:page)', async () => {
    const committed = readFileSync('src/testing/page/assets.ts', 'utf8');
    expect(committed === assetsSource(await buildPage()), 'run npm run build:page').toBe(true);
  });
});
