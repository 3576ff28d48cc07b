import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public API', () => {
  it('exports the trainer, data sources, logs, errors and the data-parallel pieces', () => {
    for (const name of [
      'train',
      'computeGradients',
      'arrayBatchSource',
      'epochRng',
      'microBatchRng',
      'modelRng',
      'BestMetricTracker',
      'listCheckpoints',
      'latestCheckpoint',
      'readJsonlLog',
      'parseJsonlLog',
      'JsonlLogWriter',
      'createProgressReporter',
      'GradientWorkerPool',
      'liveDataParallelWorkers',
      'validateTrainOptions',
      'validateArrayBatchSource',
      'TrainerError',
      'NonFiniteLossError',
      'TrainerConfigError',
      'ResumeError',
      'TrainingLogError',
      'DataParallelWorkerError',
    ])
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
  });
});
