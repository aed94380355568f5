import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromium-flags.ts';

const chromium = playwright({
  launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
});

/** The package's doors, from source: guides and examples import them by name. */
const DOORS: Record<string, string> = {
  'zendesk-connect': 'src/index.ts',
  'zendesk-connect/browser': 'src/browser/index.ts',
  'zendesk-connect/proxy': 'src/proxy/index.ts',
  'zendesk-connect/proxy/node': 'src/node/proxy.ts',
  'zendesk-connect/testing': 'src/testing/index.ts',
  'zendesk-connect/testing/msw': 'src/testing/msw.ts',
  'zendesk-connect/testing/node': 'src/node/testing.ts',
  'zendesk-connect/schemas': 'src/schemas/index.ts',
};

export default defineConfig({
  resolve: {
    alias: Object.entries(DOORS).map(([door, file]) => ({
      find: new RegExp(`^${door}$`),
      replacement: fileURLToPath(new URL(file, import.meta.url)),
    })),
  },
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
          setupFiles: ['test/support/fast-check-setup.ts'],
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
      {
        extends: true,
        plugins: [
          cloudflareTest({
            miniflare: { compatibilityDate: '2026-01-01', compatibilityFlags: ['nodejs_compat'] },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/contract/**/*.test.ts'],
          provide: { runtime: 'workers' },
          globalSetup: ['test/contract/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/contract/**/*.test.ts'],
          provide: { runtime: 'browser' },
          globalSetup: ['test/contract/global-setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: chromium,
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
