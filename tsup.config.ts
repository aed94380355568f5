import { defineConfig, type Options } from 'tsup';

/** Library doors, built as ESM and CJS. */
const doors = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  'testing-msw': 'src/testing/msw.ts',
  'testing-node': 'src/node/testing.ts',
  browser: 'src/browser/index.ts',
  proxy: 'src/proxy/index.ts',
  'proxy-node': 'src/node/proxy.ts',
  schemas: 'src/schemas/index.ts',
  redis: 'src/redis/index.ts',
};

// zod and libphonenumber-js are bundled: Node loads their hundreds of small ESM files in ~150 ms,
// four times what it takes to load one bundled file. So they are devDependencies: the .d.ts files
// carry our own types (only zendesk-connect/schemas shows zod's, an optional peer). The ESM files'
// source maps keep file and line for stack traces but not the sources (3.3 of 4.4 MB before): the
// TypeScript is in the repository, and the generated phone and time zone data would only weigh.
const shared: Options = {
  target: 'es2022',
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  treeshake: true,
  external: ['msw', 'ioredis'],
  noExternal: ['zod', 'libphonenumber-js'],
};

/**
 * The two commands are programs, not libraries: minified, without source maps (the library they
 * bundle is mapped in its own files), so the install stays small.
 */
const COMMAND: Options = { minify: true, sourcemap: false };

export default defineConfig([
  { ...shared, entry: doors, format: ['esm'], dts: true },
  // CommonJS copies without maps: the code is not minified, so its stack traces read as is, and
  // the install stays under 2 MB (test/package/install.test.ts).
  { ...shared, entry: doors, format: ['cjs'], dts: true, splitting: true, sourcemap: false },
  {
    ...shared,
    entry: { 'connect-emulator': 'src/node/cli.ts', 'connect-redis': 'src/redis/cli.ts' },
    format: ['esm'],
    platform: 'node',
    ...COMMAND,
  },
  // `zendesk-connect import`: its libraries (commander, csv-parse, cli-progress) are bundled into
  // this one file and are dev dependencies, so installing the library never pulls them in. They
  // include CommonJS that requires Node's modules, hence a `require` for the ESM bundle.
  {
    ...shared,
    entry: { 'zendesk-connect': 'src/node/zendesk-connect.ts' },
    format: ['esm'],
    platform: 'node',
    ...COMMAND,
    // The library itself is imported by name (Node resolves a package's own name through its
    // exports), so the command carries only its own code and libraries.
    external: [...(shared.external ?? []), 'zendesk-connect'],
    noExternal: [...(shared.noExternal ?? []), 'commander', 'csv-parse', 'cli-progress'],
    banner: {
      js: "import { createRequire as __zcCreateRequire } from 'node:module'; const require = __zcCreateRequire(import.meta.url);",
    },
  },
]);
