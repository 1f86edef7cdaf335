import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{src,workers,cli,server,bench,test-support,fuzz}/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test-support/build-cli.setup.ts'],
    reporters: ['default'],
  },
});
