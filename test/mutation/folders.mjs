// What `npm run mutation` mutates, the tests allowed to kill those mutants, and the score each
// folder must keep. To cover another folder, add an entry: its globs join the one Stryker run and
// its score is checked on its own (scripts/mutation.mjs).

/**
 * @typedef {object} MutationFolder
 * @property {string} name - how reports and docs call it
 * @property {string[]} mutate - Stryker `mutate` globs (a leading `!` excludes)
 * @property {string[]} tests - the vitest files that test it
 * @property {string[]} [slowTests] - of those, the ones to run last (a mutant stops at its first failing test)
 * @property {number} break - `npm run mutation` fails when the folder scores below this
 */

/** @type {MutationFolder[]} */
export const FOLDERS = [
  {
    name: 'src/mappers',
    mutate: [
      'src/mappers/**/*.ts',
      // Re-exports only.
      '!src/mappers/index.ts',
      // Generated data, compared in full with its source by test/mappers/*-data.test.ts.
      '!src/leaf/phone-metadata.ts',
      '!src/leaf/timezone-data.ts',
    ],
    tests: ['test/mappers/**/*.test.ts'],
    slowTests: ['test/mappers/properties.test.ts', 'test/mappers/phone-metadata.test.ts'],
    break: 100,
  },
];
