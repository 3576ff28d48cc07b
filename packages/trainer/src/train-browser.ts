// `train()` in browsers: the same loop (./train-loop.ts) without a file system or threads. Runs keep
// the model and the optimizer in memory; logs go to `onLog` / callbacks (and to `progressStream` as
// lines). `outputDir`, `resumeFrom`, `overwriteOutputDir` and `dataParallel` need Node and are
// refused with a `TrainerConfigError` before anything starts. To pause and continue a run exactly,
// await in `onStepEnd` (the loop waits). For checkpoints that survive a page reload (IndexedDB)
// and exact resume from them, `trainWithStore(store, opts)` (./train-store.ts).
import { TrainerConfigError } from './errors.js';
import { LineProgress, NO_PROGRESS, type ProgressStream } from './progress.js';
import { trainWith } from './train-loop.js';
import type { TrainOptions, TrainResult } from './train-options.js';
import { storeTrainer } from './train-store.js';
import type { TrainerIo } from './trainer-io.js';
import type { EncoderLike } from './types.js';

const NODE_ONLY_OPTIONS = ['outputDir', 'resumeFrom', 'overwriteOutputDir', 'dataParallel'] as const;

function nodeOnly(option: string, value?: unknown): TrainerConfigError {
  return new TrainerConfigError(
    `${option} needs Node (a file system or worker threads); in a browser the run stays in memory: ` +
      'use callbacks/onLog for the log, await in onStepEnd to pause, and trainWithStore with an ' +
      'IndexedDbCheckpointStore for checkpoints and resume',
    value === undefined ? { option } : { option, value },
  );
}

/** `console.log` as a line stream (the default for warnings and `progress: 'lines'`). */
const consoleStream: ProgressStream = { write: (chunk: string) => console.log(chunk.replace(/\n$/, '')) };

export const browserIo: TrainerIo = {
  checkOptions(opts) {
    for (const option of NODE_ONLY_OPTIONS) {
      const value = opts[option];
      if (value !== undefined && value !== false) throw nodeOnly(option, value);
    }
  },
  startOrResume: async (_o, fresh) => ({ state: fresh, resumeDir: null, skipped: [] }),
  openLog: () => {
    throw nodeOnly('outputDir');
  },
  checkpointKeeper: () => {
    throw nodeOnly('outputDir');
  },
  startWorkers: () => Promise.reject(nodeOnly('dataParallel')),
  // No TTY in a browser: 'auto' and 'bar' are lines on `progressStream` when one is given, else nothing.
  createProgress: (mode = 'auto', stream) => {
    if (mode === 'none') return NO_PROGRESS;
    if (mode === 'lines') return new LineProgress(stream ?? consoleStream);
    return stream ? new LineProgress(stream) : NO_PROGRESS;
  },
  warnStream: () => consoleStream,
};

/** `train()` for browsers: see ./train.ts for the loop's options and this file's header for the differences. */
export function train<M extends EncoderLike, B>(opts: TrainOptions<M, B>): Promise<TrainResult> {
  return trainWith(browserIo, opts);
}

/**
 * `train(opts)` with the checkpoints and the log in a `CheckpointStore` (IndexedDB, memory):
 * `opts.outputDir` names the run in the store, and `resumeFrom: 'latest'` continues it after a
 * page reload. See ./train-store.ts.
 */
export const trainWithStore = storeTrainer(browserIo);
