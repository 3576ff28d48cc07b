// `train()` in Node: checkpoints, resume and the JSONL log on disk, data-parallel worker threads,
// a progress bar on a TTY. The loop itself is ./train-loop.ts; browsers get ./train-browser.ts.
import { join } from 'node:path';
import { CheckpointKeeper } from './checkpointing.js';
import { GradientWorkerPool } from './data-parallel-pool.js';
import { JsonlLogWriter } from './jsonl-log.js';
import { createProgressReporter } from './progress-bar.js';
import { startOrResume } from './resume.js';
import { trainWith } from './train-loop.js';
import type { TrainOptions, TrainResult } from './train-options.js';
import { storeTrainer } from './train-store.js';
import type { TrainerIo } from './trainer-io.js';
import type { EncoderLike } from './types.js';

export type { TrainerCallback, TrainOptions, TrainResult } from './train-options.js';

const nodeIo: TrainerIo = {
  checkOptions() {},
  startOrResume,
  openLog: (outputDir) => new JsonlLogWriter(join(outputDir, 'log.jsonl')),
  checkpointKeeper: (outputDir, contents, limit, resumed) =>
    new CheckpointKeeper(outputDir, contents, limit, resumed),
  startWorkers: (options, params, trained) => GradientWorkerPool.start(options, params, trained),
  createProgress: (mode, stream) => createProgressReporter(mode, stream as NodeJS.WritableStream | undefined),
  warnStream: () => process.stderr,
};

/**
 * `train(opts)` with the checkpoints and the log in a `CheckpointStore` (memory, IndexedDB) instead
 * of folders: `opts.outputDir` names the run in the store. See ./train-store.ts.
 */
export const trainWithStore = storeTrainer(nodeIo);

/**
 * Train `model` (all of its parameters, or the `parameters` subset) on `trainData` with `lossFn`:
 * gradient accumulation, learning-rate schedule, gradient clipping, AdamW (with parameter
 * groups), periodic evaluation, keep-best / keep-last-k checkpoints, early stopping, exact resume
 * (trained weights, optimizer, schedule position, RNG and data position), JSONL logs, progress
 * output, and NaN/Inf detection. The one loop for MLM / SE pretraining, fine-tuning and prompt
 * tuning. See the package README for the semantics of every option.
 */
export function train<M extends EncoderLike, B>(opts: TrainOptions<M, B>): Promise<TrainResult> {
  return trainWith(nodeIo, opts);
}
