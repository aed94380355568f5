// What `npm run mutation` mutates, the tests allowed to kill those mutants, and the score each
// folder must keep. Each folder is one Stryker run with only its own tests (a static mutant, one
// in code that runs at import, runs every test of its run: one run over every folder's tests was
// estimated at over an hour). To cover another folder, add an entry (scripts/mutation.mjs).

/**
 * @typedef {object} MutationFolder
 * @property {string} name - how reports and docs call it
 * @property {string} slug - its reports (reports/mutation/<slug>/) and incremental file
 *   (test/mutation/incremental/<slug>.json)
 * @property {string[]} mutate - Stryker `mutate` globs (a leading `!` excludes)
 * @property {string[]} tests - the vitest files that test it
 * @property {string[]} [slowTests] - of those, the ones to run last (a mutant stops at its first failing test)
 * @property {number} break - `npm run mutation` fails when the folder scores below this
 */

/** @type {MutationFolder[]} */
export const FOLDERS = [
  {
    name: 'src/mappers',
    slug: 'mappers',
    mutate: [
      'src/mappers/**/*.ts',
      // Re-exports only.
      '!src/mappers/index.ts',
      // Decides what the mappers take as valid without zod: a mutant that lets bad input through
      // must fail a test.
      'src/schemas/fast-paths.ts',
    ],
    tests: ['test/mappers/**/*.test.ts'],
    slowTests: ['test/mappers/properties.test.ts', 'test/mappers/phone-metadata.test.ts'],
    break: 100,
  },
  {
    // The predicates the mappers, the schemas, the client's options and the proxy share.
    name: 'src/leaf',
    slug: 'leaf',
    mutate: [
      'src/leaf/**/*.ts',
      // Generated data, compared in full with its source by test/mappers/*-data.test.ts.
      '!src/leaf/phone-metadata.ts',
      '!src/leaf/timezone-data.ts',
    ],
    tests: ['test/leaf/**/*.test.ts', 'test/mappers/**/*.test.ts', 'test/proxy/proxy.test.ts'],
    break: 100,
  },
  {
    name: 'src/delivery',
    slug: 'delivery',
    mutate: ['src/delivery/**/*.ts'],
    tests: ['test/delivery/**/*.test.ts', 'test/client/**/*.test.ts'],
    slowTests: [
      'test/client/lifecycle.test.ts',
      'test/client/robustness.test.ts',
      'test/client/ordering.test.ts',
      'test/client/limits.test.ts',
    ],
    break: 100,
  },
  {
    // Which users a proxied message writes, and the browser's signed binding cookie.
    name: 'src/proxy (identity)',
    slug: 'proxy-identity',
    mutate: ['src/proxy/identity.ts', 'src/proxy/binding.ts'],
    tests: ['test/proxy/identity*.test.ts', 'test/proxy/tracking-api-identity.test.ts'],
    slowTests: [
      'test/proxy/identity.test.ts',
      'test/proxy/tracking-api-identity.test.ts',
      'test/proxy/identity-property.test.ts',
    ],
    break: 100,
  },
];

/**
 * The folder a Stryker run is for: `MUTATION_FOLDER` (a slug), set by scripts/mutation.mjs.
 * Without it (Stryker run by hand), the first folder.
 * @returns {MutationFolder}
 */
export function currentFolder() {
  const slug = process.env.MUTATION_FOLDER;
  const folder = slug === undefined ? FOLDERS[0] : FOLDERS.find((f) => f.slug === slug);
  if (!folder) {
    throw new Error(`MUTATION_FOLDER=${slug} is none of ${FOLDERS.map((f) => f.slug).join(', ')}`);
  }
  return folder;
}
