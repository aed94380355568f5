// The vitest config Stryker runs (stryker.config.mjs): only the tests of the mutated folder, in
// node, with fast-check on CI's fixed seed so a mutant's outcome never depends on the draw.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import { currentFolder } from './folders.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const folder = currentFolder();
const slow = folder.slowTests ?? [];
const rank = (file) => {
  const index = slow.findIndex((name) => file.endsWith(name));
  return index === -1 ? -1 : index;
};

/** Fast files first, then the slow ones in the listed order: a mutant stops at its first failure. */
class FastFirst extends BaseSequencer {
  async sort(files) {
    return [...files].sort(
      (a, b) => rank(a.moduleId) - rank(b.moduleId) || a.moduleId.localeCompare(b.moduleId),
    );
  }
}

export default defineConfig({
  root,
  test: {
    include: folder.tests,
    environment: 'node',
    setupFiles: ['test/mutation/fixed-seed.ts'],
    sequence: { sequencer: FastFirst },
    reporters: ['dot'],
  },
});
