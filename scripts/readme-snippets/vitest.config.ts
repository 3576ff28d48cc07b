import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.test.ts'],
    // Each snippet takes 1–4 s on an idle machine; the margin is for loaded CI runners.
    testTimeout: 120_000,
    pool: 'forks',
  },
});
