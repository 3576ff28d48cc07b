// The vitest config of a CI mutation slice (stryker.base.mjs, `ci.tests`): the package's usual
// settings, with only the test files the slice names (vitest's `dir` would re-root `include`,
// and its `related` lookup pulls in every test that imports the code, e.g. CLI end-to-end tests).
// The root is the working directory: the package's Stryker sandbox.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by stryker.base.mjs, not a turbo task
    include: (process.env.SELFEVO_MUTATE_TESTS ?? 'src/**/*.test.ts').split(','),
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
