// Architecture rules, checked in CI by `npm run check:arch` (dependency-cruiser).
// The packages form one-way layers, like the data: text → tokenizer → datasets → encoder →
// losses / masking / prompts → loop → recipes → eval. These rules keep it that way.

/** Packages that are libraries: they take tfjs-core as a peer and never pick a backend. */
const LIBRARIES = [
  'utils',
  'tokenizer',
  'superglue-tasks',
  'superglue-datasets',
  'encoder-model',
  'smooth-label-loss',
  'self-evolution-masking',
  'prompt-transfer',
  'trainer',
  'training-plots',
  'mlm-pretraining',
  'superglue-finetuning',
  'superglue-eval',
].join('|');

/** Test files, fixtures and benchmarks may use the backends (they run the code). */
const NOT_RUNTIME = '(\\.test\\.ts$|/test-fixtures/|/bench/|/test/|/scripts/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles inside a package, type-only imports included.',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    {
      name: 'library-imports-no-backend',
      severity: 'error',
      comment:
        'Library packages depend on @tensorflow/tfjs-core only; the application picks the backend ' +
        '(@selfevo/backend*). Tests and benches may use one.',
      from: { path: `^packages/(${LIBRARIES})/src/`, pathNot: NOT_RUNTIME },
      to: {
        path: '(^packages/backend[^/]*/|@tensorflow/tfjs-backend-|@tensorflow/tfjs-node|@tensorflow/tfjs$)',
      },
    },
    {
      name: 'trainer-is-only-a-loop',
      severity: 'error',
      comment:
        'The trainer package is the training loop: no datasets, eval, tokenizer, recipes or ' +
        'plotting libraries (those live in superglue-finetuning, mlm-pretraining, training-plots).',
      from: { path: '^packages/trainer/src/', pathNot: NOT_RUNTIME },
      to: {
        path: '(^packages/(tokenizer|superglue-[a-z]+|mlm-pretraining|training-plots|self-evolution-masking|prompt-transfer)/|node_modules/(vega|vega-lite|@resvg)/)',
      },
    },
    {
      name: 'prompts-below-recipes',
      severity: 'error',
      comment:
        '@selfevo/prompt-transfer builds what train() takes and knows no task: no datasets, eval, ' +
        'recipes or loop (superglue-finetuning depends on it, not the other way round).',
      from: { path: '^packages/prompt-transfer/src/', pathNot: NOT_RUNTIME },
      to: { path: '^packages/(superglue-[a-z]+|mlm-pretraining|trainer|tokenizer)/' },
    },
    {
      name: 'eval-installs-alone',
      severity: 'error',
      comment: '@selfevo/superglue-eval scores predictions without a tokenizer, a model or tfjs.',
      from: { path: '^packages/superglue-eval/src/', pathNot: NOT_RUNTIME },
      to: { path: '(^packages/(tokenizer|encoder-model|superglue-datasets|trainer)/|@tensorflow/)' },
    },
    {
      name: 'no-reaching-into-other-packages',
      severity: 'error',
      comment: 'Packages use each other through their published entry points, never relative paths.',
      from: { path: '^packages/([^/]+)/' },
      // @selfevo/test-utils (private, tests only) is the one package used from its source.
      to: {
        path: '^packages/',
        pathNot: ['^packages/$1/', '^packages/[^/]+/dist/', '^packages/test-utils/src/'],
      },
    },
    {
      name: 'not-to-undeclared-package',
      severity: 'error',
      comment: 'Runtime code imports only packages its package.json declares.',
      from: { path: '^packages/', pathNot: NOT_RUNTIME },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'runtime-not-to-dev-dependency',
      severity: 'error',
      comment: 'Runtime code must not need a devDependency (it is not installed for users).',
      from: { path: '^packages/[^/]+/src/', pathNot: NOT_RUNTIME },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['npm', 'npm-peer', 'npm-optional', 'type-only'],
      },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: ['\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
