import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          provide: { runtime: 'node' },
          environment: 'node',
          globalSetup: ['test/contract/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'edge',
          include: ['test/contract/**/*.test.ts'],
          provide: { runtime: 'edge' },
          environment: 'edge-runtime',
          globalSetup: ['test/contract/global-setup.ts'],
        },
      },
    ],
  },
});
