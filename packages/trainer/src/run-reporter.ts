import type { ProgressReporter } from './progress.js';
import type { TrainerCallback } from './train-options.js';
import type { RunLog } from './trainer-io.js';
import type { LogRecord } from './types.js';

/**
 * Where a run's records go: the JSONL log, the progress output, the callbacks and the in-memory
 * history returned in the result. `elapsed()` counts from the start of the (resumed) run.
 */
export class RunReporter {
  readonly history: LogRecord[] = [];
  private readonly startTime: number;

  constructor(
    readonly log: RunLog | null,
    readonly progress: ProgressReporter,
    readonly callbacks: readonly TrainerCallback[],
    elapsedBefore: number,
  ) {
    this.startTime = Date.now() - elapsedBefore;
  }

  /** Milliseconds since the run started (a resumed run continues its clock). */
  elapsed(): number {
    return Date.now() - this.startTime;
  }

  async emit(record: LogRecord): Promise<void> {
    this.history.push(record);
    await this.log?.append(record);
    this.progress.log(record);
    for (const cb of this.callbacks) await cb.onLog?.(record);
  }

  async stepEnd(info: { step: number; loss: number; learningRate: number; skipped: boolean }): Promise<void> {
    this.progress.step(info.step, info.skipped ? null : info.loss);
    for (const cb of this.callbacks) await cb.onStepEnd?.(info);
  }

  async evaluated(info: { step: number; metrics: Record<string, number>; isBest: boolean }): Promise<void> {
    for (const cb of this.callbacks) await cb.onEvaluate?.(info);
  }

  async saved(info: { step: number; dir: string }): Promise<void> {
    for (const cb of this.callbacks) await cb.onSave?.(info);
  }
}
