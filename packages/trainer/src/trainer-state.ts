import { showValue } from '@selfevo/utils';
import * as v from 'valibot';
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

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const finite = v.pipe(v.number(), v.finite());

/** The fields of a saved {@link TrainerState} (a checkpoint's `extra.trainer`), type and range. */
export const TRAINER_STATE_SCHEMA = v.looseObject({
  format: v.literal(TRAINER_STATE_FORMAT),
  step: count,
  totalSteps: v.pipe(count, v.minValue(1)),
  seed: finite,
  epoch: count,
  batchIndex: count,
  microBatchesSeen: count,
  best: v.looseObject({ bestValue: v.nullable(finite), bestStep: v.nullable(count), badEvals: count }),
  logWindow: v.looseObject({ lossSum: finite, steps: count }),
  skippedSteps: v.array(count),
  elapsedMs: v.pipe(finite, v.minValue(0)),
  trainedParameters: v.optional(v.array(v.string())),
  frozenFingerprint: v.optional(v.string()),
});

/**
 * A checkpoint's trainer state whose fields are damaged (wrong type or out of range), with the
 * field and value; `resumeFrom: 'latest'` then falls back to an older checkpoint.
 */
export class DamagedTrainerState extends Error {}

/**
 * `saved` (a checkpoint's `extra.trainer`, read from `file`) as a {@link TrainerState}: a
 * `ResumeError` when it is no trainer state at all (another program's checkpoint), a
 * {@link DamagedTrainerState} naming the field when a field is damaged.
 */
export function parseTrainerState(saved: unknown, file: string): TrainerState {
  const format = (saved as { format?: unknown } | null | undefined)?.format;
  if (format !== TRAINER_STATE_FORMAT)
    throw new ResumeError(`${file} was not written by @selfevo/trainer (no extra.trainer state)`);
  const parsed = v.safeParse(TRAINER_STATE_SCHEMA, saved, { abortEarly: true });
  if (parsed.success) {
    const state = parsed.output as TrainerState;
    if (state.step > state.totalSteps)
      throw new DamagedTrainerState(
        `${file}: extra.trainer.step ${state.step} is past totalSteps ${state.totalSteps}`,
      );
    return state;
  }
  const issue = parsed.issues[0];
  const field = (issue.path ?? []).map((p) => String(p.key)).join('.');
  throw new DamagedTrainerState(`${file}: extra.trainer.${field} is damaged, got ${showValue(issue.input)}`);
}

/**
 * The state saved in `dir` if it belongs to this run (`fresh`: same seed, length, trained
 * parameters and frozen weights), else a `ResumeError` saying what differs.
 */
export function checkResumedState(s: TrainerState, fresh: TrainerState, dir: string): TrainerState {
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
