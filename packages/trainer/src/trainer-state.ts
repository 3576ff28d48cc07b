import type { BestMetricState } from './early-stopping.js';
import { ResumeError } from './errors.js';

export const TRAINER_STATE_FORMAT = 'selfevo-trainer/1';

/** The trainer's own resume state, stored in the checkpoint's `extra.trainer`. */
export interface TrainerState {
  format: typeof TRAINER_STATE_FORMAT;
  step: number;
  totalSteps: number;
  seed: number;
  /** Next micro-batch to read. */
  epoch: number;
  batchIndex: number;
  microBatchesSeen: number;
  best: BestMetricState;
  logWindow: { lossSum: number; steps: number };
  skippedSteps: number[];
  elapsedMs: number;
  /** Names of the trained parameters, sorted (absent in checkpoints from before `parameters`). */
  trainedParameters?: string[];
  /** `parameterFingerprint` of the frozen parameters; absent when nothing is frozen. */
  frozenFingerprint?: string;
}

/** The state of a run that has not taken a step yet. */
export function freshState(init: {
  totalSteps: number;
  seed: number;
  best: BestMetricState;
  trainedParameters: string[];
  frozenFingerprint?: string;
}): TrainerState {
  return {
    format: TRAINER_STATE_FORMAT,
    step: 0,
    totalSteps: init.totalSteps,
    seed: init.seed,
    epoch: 0,
    batchIndex: 0,
    microBatchesSeen: 0,
    best: init.best,
    logWindow: { lossSum: 0, steps: 0 },
    skippedSteps: [],
    elapsedMs: 0,
    trainedParameters: [...init.trainedParameters].sort(),
    frozenFingerprint: init.frozenFingerprint,
  };
}

/**
 * The state saved in `dir` if it belongs to this run (`fresh`: same seed, length, trained
 * parameters and frozen weights), else a `ResumeError` saying what differs.
 */
export function checkResumedState(saved: unknown, fresh: TrainerState, dir: string): TrainerState {
  const s = saved as TrainerState | undefined;
  if (s?.format !== TRAINER_STATE_FORMAT)
    throw new ResumeError(`${dir} was not written by @selfevo/trainer (no extra.trainer state)`);
  if (s.seed !== fresh.seed)
    throw new ResumeError(`${dir} was trained with seed ${s.seed}, this run has seed ${fresh.seed}`);
  if (s.totalSteps !== fresh.totalSteps)
    throw new ResumeError(
      `${dir} belongs to a run of ${s.totalSteps} steps, this run has ${fresh.totalSteps}: ` +
        `the schedule would differ`,
    );
  // (checkpoints from before parameter selection trained every parameter and froze none)
  const savedNames = s.trainedParameters;
  const names = fresh.trainedParameters!;
  if (savedNames && savedNames.join('\n') !== names.join('\n')) {
    const onlySaved = savedNames.filter((n) => !names.includes(n));
    const onlyHere = names.filter((n) => !savedNames.includes(n));
    throw new ResumeError(
      `${dir} trained other parameters than this run` +
        (onlySaved.length ? ` (only there: ${onlySaved.join(', ')})` : '') +
        (onlyHere.length ? ` (only here: ${onlyHere.join(', ')})` : ''),
    );
  }
  if (s.frozenFingerprint !== fresh.frozenFingerprint)
    throw new ResumeError(
      `${dir} was trained with other frozen weights (fingerprint ${s.frozenFingerprint ?? 'none'}, ` +
        `this model's ${fresh.frozenFingerprint ?? 'none'}): build the model from the same weights to resume`,
    );
  return { ...s, trainedParameters: names, frozenFingerprint: fresh.frozenFingerprint };
}
