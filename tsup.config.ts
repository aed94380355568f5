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
};

// zod and libphonenumber-js are bundled: Node loads their hundreds of small ESM files in ~150 ms,
// four times what it takes to load one bundled file. Both stay dependencies: the .d.ts files
// import their types, and their versions are pinned, so bundling changes no update path.
const shared: Options = {
  target: 'es2022',
  sourcemap: true,
  treeshake: true,
  external: ['msw'],
  noExternal: ['zod', 'libphonenumber-js'],
};

export default defineConfig([
  { ...shared, entry: doors, format: ['esm'], dts: true },
  { ...shared, entry: doors, format: ['cjs'], dts: true },
  {
    ...shared,
    entry: { 'connect-emulator': 'src/node/cli.ts' },
    format: ['esm'],
    platform: 'node',
  },
  // `zendesk-connect import`: its libraries (commander, csv-parse, cli-progress) are bundled into
  // this one file and are dev dependencies, so installing the library never pulls them in. They
  // include CommonJS that requires Node's modules, hence a `require` for the ESM bundle.
  {
    ...shared,
    entry: { 'zendesk-connect': 'src/node/zendesk-connect.ts' },
    format: ['esm'],
    platform: 'node',
    noExternal: [...(shared.noExternal ?? []), 'commander', 'csv-parse', 'cli-progress'],
    banner: {
      js: "import { createRequire as __zcCreateRequire } from 'node:module'; const require = __zcCreateRequire(import.meta.url);",
    },
  },
]);
