import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/web/app/**/*.test.ts',
      'apps/web/e2e/**/*.test.ts',
      'scripts/**/*.test.ts',
      'docker/**/*.test.ts',
    ],
    // One Postgres server and one migrated template for the whole run.
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
