import { defineConfig, type Options } from 'tsup';

const entry = {
  index: 'src/index.ts',
};

const shared: Options = { entry, target: 'es2022', sourcemap: true, treeshake: true };

export default defineConfig([
  { ...shared, format: ['esm'], dts: true },
  // ky is ESM-only: the CJS build inlines it, or `require` fails on Node < 20.19.
  { ...shared, format: ['cjs'], dts: true, noExternal: ['ky'] },
]);
