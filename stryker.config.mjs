// Stryker over the folders of test/mutation/folders.mjs. Run it with `npm run mutation`
// (scripts/mutation.mjs): Stryker needs Node >= 22, and the script checks each folder's score.
import { FOLDERS } from './test/mutation/folders.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mjs', related: false },
  coverageAnalysis: 'perTest',
  mutate: FOLDERS.flatMap((folder) => folder.mutate),
  // The machine's cores are shared; `npm run mutation -- --concurrency 2` to go faster.
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Kept in the repository, so `--incremental` only tests what changed since it was written.
  incrementalFile: 'test/mutation/stryker-incremental.json',
  // Colours only: scripts/mutation.mjs breaks on each folder's own threshold.
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  // The sandbox needs src/, test/ and scripts/ (a test imports a generator); not the rest.
  ignorePatterns: ['bench', 'docs', 'examples', 'dist', 'coverage', '.ci'],
  cleanTempDir: 'always',
};
