// Stryker over one folder of test/mutation/folders.mjs (MUTATION_FOLDER, a slug). Run it with
// `npm run mutation` (scripts/mutation.mjs): Stryker needs Node >= 22, and the script runs each
// folder in turn and checks its score.
import { currentFolder } from './test/mutation/folders.mjs';

const folder = currentFolder();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mjs', related: false },
  coverageAnalysis: 'perTest',
  mutate: folder.mutate,
  // The machine's cores are shared; `npm run mutation -- --concurrency 2` to go faster.
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${folder.slug}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${folder.slug}/mutation.json` },
  // Kept in the repository, so `--incremental` only tests what changed since it was written.
  incrementalFile: `test/mutation/incremental/${folder.slug}.json`,
  // Colours only: scripts/mutation.mjs breaks on each folder's own threshold.
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  // The sandbox needs src/, test/ and scripts/ (a test imports a generator); not the rest.
  ignorePatterns: ['bench', 'docs', 'examples', 'dist', 'coverage', '.ci'],
  cleanTempDir: 'always',
};
