import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // integration tests spawn real processes: two workers match the 2-core CI machine
    maxWorkers: 2,
    reporters: process.env.CI ? ['dot'] : ['default'],
  },
});
