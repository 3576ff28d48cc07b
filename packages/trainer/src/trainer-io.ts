import type { AdamW, SeededRandom } from '@selfevo/encoder-model';
import type * as tf from '@tensorflow/tfjs-core';
import type { CheckpointKeeper } from './checkpointing.js';
import type { GradientWorkerPool } from './data-parallel-pool.js';
import type { JsonlLogWriter } from './jsonl-log.js';
import type { ProgressMode, ProgressReporter, ProgressStream } from './progress.js';
import type { startOrResume } from './resume.js';

/** What the run saves and resumes: the trained parameters, the optimizer and the seed stream. */
export type RunContents = { params: Map<string, tf.Variable>; optimizer: AdamW; rng: SeededRandom };

/**
 * What the training loop needs from its platform. Node (`./train.ts`): checkpoints, resume and the
 * JSONL log on disk, worker threads, a progress bar. Browsers (`./train-browser.ts`): none of the
 * file-system or thread parts (options that need them are refused up front), progress as lines.
 * Type imports only here, so the loop itself pulls in no Node module.
 */
export interface TrainerIo {
  /** Refuse options this platform cannot honour (before anything is created). */
  checkOptions(opts: Readonly<Record<string, unknown>>): void;
  startOrResume: typeof startOrResume;
  /** The JSONL log writer of `outputDir`. */
  openLog(outputDir: string): JsonlLogWriter;
  checkpointKeeper(
    outputDir: string,
    contents: RunContents,
    saveTotalLimit: number | undefined,
    resumed: { dir: string; step: number } | null,
  ): CheckpointKeeper;
  startWorkers: typeof GradientWorkerPool.start;
  createProgress(mode: ProgressMode | undefined, stream: ProgressStream | undefined): ProgressReporter;
  /** Where warnings go when `progressStream` is not given. */
  warnStream(): ProgressStream;
}
