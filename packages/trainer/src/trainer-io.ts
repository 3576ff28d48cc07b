import type { GradientWorkerPool } from './data-parallel-pool.js';
import type { ProgressMode, ProgressReporter, ProgressStream } from './progress.js';
import type { ResumeContents, ResumeOptions, RunStart } from './resume-core.js';
import type { TrainerState } from './trainer-state.js';
import type { LogRecord } from './types.js';

/** What the run saves and resumes: the trained parameters, the optimizer and the seed stream. */
export type RunContents = ResumeContents;

/** Where a run's log records go (Node: `JsonlLogWriter`, a `log.jsonl` file). */
export interface RunLog {
  /** Where the log is (a path, or a name in a checkpoint store). */
  readonly path: string;
  append(record: LogRecord): Promise<void>;
  /** Keep only the records with `record.step <= step` (a resumed run logs the rest again). */
  truncateAfter(step: number): Promise<void>;
  /** Start an empty log. */
  reset(): Promise<void>;
}

/** A run's checkpoints (Node: `CheckpointKeeper`, folders in `outputDir`). */
export interface RunCheckpoints {
  /** The newest checkpoint written (or resumed from), and its step. */
  last: string | null;
  lastStep: number | null;
  /** Save `state` as the checkpoint of `state.step`, then delete those over the limit (keeping the best). */
  save(state: TrainerState, bestStep: number | null): Promise<string>;
  /** The best step's checkpoint, if it still exists. */
  bestDir(bestStep: number | null): Promise<string | null>;
  /** Load a checkpoint's trained parameters into the model (the optimizer is left alone). */
  loadWeights(name: string): Promise<void>;
}

/**
 * What the training loop needs from its platform. Node (`./train.ts`): checkpoints, resume and the
 * JSONL log on disk, worker threads, a progress bar. Browsers (`./train-browser.ts`): none of the
 * file-system or thread parts (options that need them are refused up front), progress as lines.
 * Type imports only here, so the loop itself pulls in no Node module.
 */
export interface TrainerIo {
  /** Refuse options this platform cannot honour (before anything is created). */
  checkOptions(opts: Readonly<Record<string, unknown>>): void;
  /** A fresh start, or the checkpoint to resume from loaded into `into` (see ./resume-core.ts). */
  startOrResume(
    o: ResumeOptions,
    fresh: TrainerState,
    into: RunContents,
    warn: (line: string) => void,
  ): Promise<RunStart>;
  /** The JSONL log writer of `outputDir`. */
  openLog(outputDir: string): RunLog;
  checkpointKeeper(
    outputDir: string,
    contents: RunContents,
    saveTotalLimit: number | undefined,
    resumed: { dir: string; step: number } | null,
  ): RunCheckpoints;
  startWorkers: typeof GradientWorkerPool.start;
  createProgress(mode: ProgressMode | undefined, stream: ProgressStream | undefined): ProgressReporter;
  /** Where warnings go when `progressStream` is not given. */
  warnStream(): ProgressStream;
}
