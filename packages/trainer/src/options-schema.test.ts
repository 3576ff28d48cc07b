import { useBackend } from '@selfevo/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayBatchSource } from './batch-source.js';
import { TrainerConfigError, TrainerError } from './errors.js';
import { type Batch, collate, makeExamples, makeSource, mseLoss, TinyMlp } from './test-fixtures/tiny-mlp.js';
import { type TrainOptions, train } from './train.js';

beforeAll(async () => {
  await useBackend('cpu');
});

type Extra = Record<string, unknown>;
const evalFn = () => ({ loss: 1 });

// [what, options over the base run, the option the error must name, how its value reads]
const bad: [string, Extra, string, string][] = [
  ['maxSteps NaN', { maxSteps: Number.NaN }, 'maxSteps', 'NaN'],
  ['maxSteps Infinity', { maxSteps: Number.POSITIVE_INFINITY }, 'maxSteps', 'Infinity'],
  ['maxSteps negative', { maxSteps: -3 }, 'maxSteps', '-3'],
  ['maxSteps fractional', { maxSteps: 2.5 }, 'maxSteps', '2.5'],
  ['maxSteps a string', { maxSteps: '2' }, 'maxSteps', '"2"'],
  ['epochs fractional', { maxSteps: undefined, epochs: 1.5 }, 'epochs', '1.5'],
  ['epochs 0', { maxSteps: undefined, epochs: 0 }, 'epochs', '0'],
  ['gradientAccumulationSteps 1.5', { gradientAccumulationSteps: 1.5 }, 'gradientAccumulationSteps', '1.5'],
  ['gradientAccumulationSteps 0', { gradientAccumulationSteps: 0 }, 'gradientAccumulationSteps', '0'],
  ['logEverySteps 0', { logEverySteps: 0 }, 'logEverySteps', '0'],
  ['evalEverySteps 2.5', { evalFn, evalEverySteps: 2.5 }, 'evalEverySteps', '2.5'],
  ['saveEverySteps -1', { saveEverySteps: -1 }, 'saveEverySteps', '-1'],
  ['saveTotalLimit -1', { saveTotalLimit: -1 }, 'saveTotalLimit', '-1'],
  ['saveTotalLimit 0', { saveTotalLimit: 0 }, 'saveTotalLimit', '0'],
  ['saveTotalLimit 1.5', { saveTotalLimit: 1.5 }, 'saveTotalLimit', '1.5'],
  [
    'earlyStoppingPatience 0',
    { evalFn, evalEverySteps: 1, earlyStoppingPatience: 0 },
    'earlyStoppingPatience',
    '0',
  ],
  ['earlyStoppingThreshold -0.1', { earlyStoppingThreshold: -0.1 }, 'earlyStoppingThreshold', '-0.1'],
  ['earlyStoppingThreshold NaN', { earlyStoppingThreshold: Number.NaN }, 'earlyStoppingThreshold', 'NaN'],
  ['maxGradNorm -1', { maxGradNorm: -1 }, 'maxGradNorm', '-1'],
  ['maxGradNorm NaN', { maxGradNorm: Number.NaN }, 'maxGradNorm', 'NaN'],
  ['seed NaN', { seed: Number.NaN }, 'seed', 'NaN'],
  ['seed fractional', { seed: 1.5 }, 'seed', '1.5'],
  ['seed negative', { seed: -1 }, 'seed', '-1'],
  ['seed over 2^32', { seed: 2 ** 32 }, 'seed', '4294967296'],
  ['optimizer.lr negative', { optimizer: { lr: -0.01 } }, 'optimizer.lr', '-0.01'],
  ['optimizer.lr NaN', { optimizer: { lr: Number.NaN } }, 'optimizer.lr', 'NaN'],
  ['optimizer.lr Infinity', { optimizer: { lr: Number.POSITIVE_INFINITY } }, 'optimizer.lr', 'Infinity'],
  ['optimizer.eps negative', { optimizer: { lr: 0.01, eps: -1e-8 } }, 'optimizer.eps', '-1e-8'],
  ['optimizer.eps 0', { optimizer: { lr: 0.01, eps: 0 } }, 'optimizer.eps', '0'],
  ['optimizer.betas[0] = 1', { optimizer: { lr: 0.01, betas: [1, 0.999] } }, 'optimizer.betas[0]', '1'],
  [
    'optimizer.betas[1] negative',
    { optimizer: { lr: 0.01, betas: [0.9, -0.1] } },
    'optimizer.betas[1]',
    '-0.1',
  ],
  [
    'optimizer.betas one number',
    { optimizer: { lr: 0.01, betas: [0.9] } },
    'optimizer.betas[1]',
    'undefined',
  ],
  ['optimizer.betas not a pair', { optimizer: { lr: 0.01, betas: 0.9 } }, 'optimizer.betas', '0.9'],
  [
    'optimizer.weightDecay negative',
    { optimizer: { lr: 0.01, weightDecay: -0.01 } },
    'optimizer.weightDecay',
    '-0.01',
  ],
  ['optimizer not an object', { optimizer: 0.01 }, 'optimizer', '0.01'],
  [
    'schedule.warmupSteps negative',
    { schedule: { schedule: 'linear', warmupSteps: -1 } },
    'schedule.warmupSteps',
    '-1',
  ],
  [
    'schedule.warmupSteps fractional',
    { schedule: { schedule: 'linear', warmupSteps: 1.5 } },
    'schedule.warmupSteps',
    '1.5',
  ],
  ['schedule.peakLr negative', { schedule: { schedule: 'linear', peakLr: -1 } }, 'schedule.peakLr', '-1'],
  ['schedule.minLr NaN', { schedule: { schedule: 'cosine', minLr: Number.NaN } }, 'schedule.minLr', 'NaN'],
  ['schedule.totalSteps 0', { schedule: { schedule: 'linear', totalSteps: 0 } }, 'schedule.totalSteps', '0'],
  [
    'schedule.schedule unknown',
    { schedule: { schedule: 'exponential' } },
    'schedule.schedule',
    '"exponential"',
  ],
  [
    'schedule.warmupRatio 1',
    { schedule: { schedule: 'linear', warmupRatio: 1 } },
    'schedule.warmupRatio',
    '1',
  ],
  ['onNonFinite unknown', { onNonFinite: 'ignore' }, 'onNonFinite', '"ignore"'],
  ['progress unknown', { progress: 'fancy' }, 'progress', '"fancy"'],
  ['metricForBest empty', { metricForBest: '' }, 'metricForBest', '""'],
  ['outputDir empty', { outputDir: '' }, 'outputDir', '""'],
  ['resumeFrom empty', { resumeFrom: '' }, 'resumeFrom', '""'],
  [
    'dataParallel.workers 0',
    { dataParallel: { workers: 0, workerModule: '/nope.mjs' } },
    'dataParallel.workers',
    '0',
  ],
  [
    'dataParallel.workers 2.5',
    { dataParallel: { workers: 2.5, workerModule: '/nope.mjs' } },
    'dataParallel.workers',
    '2.5',
  ],
  ['lossFn not a function', { lossFn: 'mse' }, 'lossFn', '"mse"'],
  ['trainData not a BatchSource', { trainData: [] }, 'trainData', '[]'],
  ['parameters a bare string', { parameters: 'dense1.weight' }, 'parameters', '"dense1.weight"'],
  ['callbacks not a list', { callbacks: { onLog: () => {} } }, 'callbacks', ''],
  [
    'dataParallel.workers over the limit',
    { dataParallel: { workers: 100_000, workerModule: '/nope.mjs' } },
    'dataParallel.workers',
    '100000',
  ],
  ['model without namedParameters', { model: {} }, 'model', '{}'],
  ['rng not a generator', { rng: Math.random }, 'rng', 'a function'],
  ['progressStream not a stream', { progressStream: 'stderr' }, 'progressStream', '"stderr"'],
];

describe('train() options are checked at the boundary', () => {
  it.each(bad)(
    '%s: a TrainerConfigError naming the option and its value',
    async (_what, extra, option, shown) => {
      const model = new TinyMlp(1);
      const opts = {
        model,
        lossFn: mseLoss,
        trainData: makeSource(16, 4),
        optimizer: { lr: 0.01 },
        maxSteps: 2,
        progress: 'none',
        ...extra,
      } as unknown as TrainOptions<TinyMlp, Batch>;
      let caught: unknown;
      try {
        await train(opts);
      } catch (e) {
        caught = e;
      }
      model.dispose();
      expect(caught).toBeInstanceOf(TrainerConfigError);
      const err = caught as TrainerConfigError;
      expect(err.option).toBe(option);
      expect(err.message.startsWith(`${option} `)).toBe(true);
      if (shown) expect(err.message).toContain(`got ${shown}`);
      expect(err).toBeInstanceOf(TrainerError);
    },
  );
});

describe('arrayBatchSource options', () => {
  const items = makeExamples(8);
  it.each([
    ['batchSize fractional', { batchSize: 2.5 }, 'batchSize', '2.5'],
    ['batchSize 0', { batchSize: 0 }, 'batchSize', '0'],
    ['batchSize NaN', { batchSize: Number.NaN }, 'batchSize', 'NaN'],
    ['batchSize Infinity', { batchSize: Number.POSITIVE_INFINITY }, 'batchSize', 'Infinity'],
    ['batchSize negative', { batchSize: -4 }, 'batchSize', '-4'],
    ['shuffle not a boolean', { batchSize: 2, shuffle: 'yes' }, 'shuffle', '"yes"'],
    ['collate missing', { batchSize: 2, collate: undefined }, 'collate', 'undefined'],
  ] as [string, Extra, string, string][])(
    '%s: a TrainerConfigError naming it',
    (_what, extra, option, shown) => {
      let caught: unknown;
      try {
        arrayBatchSource(items, { collate, ...extra } as never);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(TrainerConfigError);
      expect((caught as TrainerConfigError).option).toBe(option);
      expect((caught as Error).message).toContain(`arrayBatchSource: ${option} `);
      expect((caught as Error).message).toContain(`got ${shown}`);
    },
  );

  it('examples that are not a list are refused', () => {
    expect(() => arrayBatchSource(42 as never, { batchSize: 2, collate })).toThrow(TrainerConfigError);
  });
});
