// Shared StrykerJS settings for mutation testing (`npm run mutate`, `npm run mutate:ci`).
// Each package that is mutation-tested has a `stryker.config.mjs` that calls `packageConfig`
// with its name, so `cd packages/<pkg> && npx stryker run` works on its own and runs that
// package's vitest suite (its own vitest.config.ts) against mutants of the files listed here.
//
// TARGETS: the code where a silent numeric or metric bug would hurt most. `ci` is the short
// slice run by `npm run mutate:ci` (a few small files, ≤ ~4 minutes on 2 cores in all; `tests`
// limits the tests run), and `break` its score threshold: the current score
// rounded down. It may only go up — see the README's "Mutation testing" section.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

const notTests = ['!src/**/*.test.ts', '!src/**/test-fixtures/**'];

export const TARGETS = {
  'encoder-model': {
    mutate: ['src/ops.ts', 'src/adamw.ts'],
  },
  'smooth-label-loss': {
    mutate: ['src/**/*.ts', '!src/index.ts', '!src/errors.ts', ...notTests],
  },
  'self-evolution-masking': {
    mutate: ['src/informative-tokens.ts', 'src/se-mask.ts'],
  },
  'superglue-eval': {
    mutate: ['src/metrics/**/*.ts', ...notTests],
    // CI: the small metric files, tested by the metric tests alone.
    ci: {
      mutate: [
        'src/metrics/accuracy.ts',
        'src/metrics/f1.ts',
        'src/metrics/matthews.ts',
        'src/metrics/multirc.ts',
      ],
      tests: ['src/metrics/*.test.ts'],
      // 83.72% on 2026-12-01 (140 killed + 4 timeouts of 172; 22 survived, 6 not covered).
      break: 83,
    },
  },
  'superglue-datasets': {
    mutate: ['src/formulate*.ts', 'src/wsc-spans.ts', ...notTests],
  },
  tokenizer: {
    mutate: ['src/models/**/*.ts', '!src/models/index.ts', ...notTests],
  },
};

/**
 * The Stryker options for one package. `SELFEVO_MUTATE_CI=1` selects the package's CI slice
 * (its `ci.mutate` files and `ci.break` threshold); otherwise every target file, no threshold.
 */
export function packageConfig(pkg) {
  const target = TARGETS[pkg];
  if (!target) throw new Error(`stryker.base.mjs: no mutation target for package '${pkg}'`);
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by scripts/mutate.mjs, not a turbo task
  const ci = process.env.SELFEVO_MUTATE_CI === '1';
  if (ci && !target.ci) throw new Error(`stryker.base.mjs: package '${pkg}' has no CI slice`);
  // One backend is enough to tell a mutant from the original (cpu: the reference kernels).
  process.env.SELFEVO_TEST_BACKENDS ??= 'cpu';
  // Shared data as in .ci/run (tests resolve it from the repo root, which a sandbox is not).
  process.env.SELFEVO_DATA ??= join(root, '..', 'shared', 'data');
  if (ci && target.ci.tests) process.env.SELFEVO_MUTATE_TESTS = target.ci.tests.join(',');
  const reportDir = join(root, 'reports', 'mutation', ci ? `${pkg}-ci` : pkg);
  return {
    packageManager: 'npm',
    testRunner: 'vitest',
    // A CI slice runs only its own test files (`ci.tests`, see stryker.vitest.config.mjs).
    vitest:
      ci && target.ci.tests
        ? { configFile: join(root, 'stryker.vitest.config.mjs'), related: false }
        : { configFile: 'vitest.config.ts', related: true },
    mutate: ci ? target.ci.mutate : target.mutate,
    // Mutants that only run at module load would need the whole suite per mutant: skipped.
    ignoreStatic: true,
    // 2 cores: one test runner (`npx stryker run --concurrency N` to change).
    concurrency: 1,
    timeoutMS: 20_000,
    // Each sandbox (a copy of the package) is .tmp/sandbox-*: gitignored, never in the package,
    // and at a package's depth, so tests that find the repo root as `<package>/../..` (and the
    // shared fixtures beside it) still do.
    tempDirName: join(root, '.tmp'),
    // …so the tsconfig's `extends: ../../tsconfig.base.json` holds as it is: no tsconfig is named
    // for Stryker to rewrite (it would assume a sandbox two levels deeper, in the package).
    tsconfigFile: 'no-tsconfig-rewrite.json',
    cleanTempDir: 'always',
    reporters: ['html', 'json', 'clear-text', 'progress'],
    htmlReporter: { fileName: join(reportDir, 'index.html') },
    jsonReporter: { fileName: join(reportDir, 'mutation.json') },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
    thresholds: { high: 90, low: 75, break: ci ? target.ci.break : null },
  };
}
