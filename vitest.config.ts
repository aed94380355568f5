import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Debian's Chromium, never a downloaded build; without the background-networking flags it keeps
// dialling out on this closed network.
const chromium = playwright({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
});

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
