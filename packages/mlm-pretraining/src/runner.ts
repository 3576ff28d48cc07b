import { join } from 'node:path';
import { type AdamWOptions, type BertForMaskedLM, savePretrained } from '@selfevo/encoder-model';
import { mlmLoss, seLoss } from '@selfevo/self-evolution-masking';
import {
  epochRng,
  type LogRecord,
  type ProgressMode,
  type ScheduleOptions,
  type TrainerCallback,
  type TrainResult,
  train,
} from '@selfevo/trainer';
import { writeFileAtomic } from '@selfevo/utils/node';
import type * as tf from '@tensorflow/tfjs-core';
import { countMaskedTokens, type PretrainingBatch, pretrainingBatchSource } from './batches.js';
import { PretrainingConfigError } from './errors.js';
import { evaluateHeldOut, type HeldOutSet, type MaskingIds } from './held-out.js';
import type { PackedSequences } from './packing.js';

export interface PretrainingRunOptions {
  /** The model to train (fresh, or loaded from the starting checkpoint for continued training). */
  model: BertForMaskedLM;
  /** Packed training rows. */
  train: PackedSequences;
  /** Fixed masked held-out set (`buildHeldOutSet`): evaluated every `evalEverySteps` and at the end. */
  heldOut?: HeldOutSet;
  /** `'random'` (BERT 80/10/10) or `'se'` (SE stage 2 at the stage-1 positions in `selections`). */
  masking: 'random' | 'se';
  /** `'ce'`: cross-entropy per masked token; `'rectified'`: rectified smooth labels (§1.3, α, current-model reference). */
  loss: 'ce' | 'rectified';
  selections?: ReadonlyMap<string | number, ArrayLike<number>>;
  /** α of the rectified smooth labels; default 0.1. */
  alpha?: number;
  ids: MaskingIds;
  mlmProbability?: number;
  batchSize: number;
  maxSteps: number;
  optimizer: AdamWOptions;
  schedule?: ScheduleOptions;
  /** Default 1.0. */
  maxGradNorm?: number;
  evalEverySteps?: number;
  saveEverySteps?: number;
  saveTotalLimit?: number;
  logEverySteps?: number;
  /** Checkpoints `checkpoint-<step>/`, `log.jsonl`, `final/` (HF layout) and `result.json` go here. */
  outputDir: string;
  /** Data order, masks and dropout all follow from it. */
  seed: number;
  /** Default `'latest'`: resume from the newest checkpoint in `outputDir` (fresh start if none). */
  resumeFrom?: 'latest' | string;
  overwriteOutputDir?: boolean;
  progress?: ProgressMode;
  callbacks?: TrainerCallback[];
  onLog?: (r: LogRecord) => void | Promise<void>;
}

export interface PretrainingRunResult {
  masking: 'random' | 'se';
  loss: 'ce' | 'rectified';
  seed: number;
  steps: number;
  resumedFromStep: number;
  /** Final held-out MLM loss / accuracy (plain CE, eval mode). */
  heldOut: { loss: number; accuracy: number; numMasked: number; fingerprint: string } | null;
  /** Masked (predicted) training tokens over all steps, and rows that used SE's random fallback. */
  budget: { maskedTokens: number; rows: number; fallbackRows: number };
  /** Median wall time of a training step in this process (ms; excludes evaluation). */
  medianStepMs: number | null;
  finalDir: string;
  logPath: string | null;
  train: Pick<TrainResult, 'step' | 'totalSteps' | 'lastCheckpoint'>;
}

/**
 * Loss of one masked batch, as `train()` calls it: `'ce'` is the vanilla MLM loss (`mlmLoss`),
 * `'rectified'` the self-evolution loss (`seLoss`: rectified smooth labels with weight α and a
 * stop-gradient reference = the current model on the original input, eval mode), both from
 * `@selfevo/self-evolution-masking`, so the runner and the SE step share one definition.
 */
export function pretrainingLoss(
  model: BertForMaskedLM,
  batch: PretrainingBatch,
  training: boolean,
  kind: 'ce' | 'rectified',
  alpha: number,
): tf.Scalar {
  if (batch.maskedPositions.length === 0)
    throw new PretrainingConfigError('batch', 'a training batch has no masked token (rows too short?)');
  return kind === 'rectified'
    ? seLoss(model, batch, { alpha, reference: 'current' }, training)
    : mlmLoss(model, batch, {}, training);
}

/**
 * Vanilla MLM or SE continued training on packed rows with the trainer's loop: held-out loss and
 * accuracy every `evalEverySteps`, periodic atomic checkpoints, exact resume (`resumeFrom:
 * 'latest'`), JSONL log, progress. At the end the model is saved to `outputDir/final/` (HF
 * layout) and the result to `outputDir/result.json`.
 */
export async function runPretraining(o: PretrainingRunOptions): Promise<PretrainingRunResult> {
  if (o.loss !== 'ce' && o.loss !== 'rectified')
    throw new PretrainingConfigError('loss', `expected 'ce' | 'rectified', got ${String(o.loss)}`);
  if (!Number.isInteger(o.maxSteps) || o.maxSteps < 1)
    throw new PretrainingConfigError('maxSteps', `must be a positive integer, got ${o.maxSteps}`);
  if (!o.outputDir) throw new PretrainingConfigError('outputDir', 'required');
  const alpha = o.alpha ?? 0.1;
  if (!(alpha >= 0 && alpha <= 1))
    throw new PretrainingConfigError('alpha', `must be in [0, 1], got ${alpha}`);
  const source = pretrainingBatchSource(o.train, {
    batchSize: o.batchSize,
    masking: o.masking,
    selections: o.selections,
    seed: o.seed,
    mlmProbability: o.mlmProbability,
    ...o.ids,
  });
  const heldOut = o.heldOut;
  const stepMs: number[] = [];
  let last = 0;
  let evalMs = 0;
  const timing: TrainerCallback = {
    onStepEnd() {
      const now = performance.now();
      if (last > 0) stepMs.push(now - last - evalMs);
      last = now;
      evalMs = 0;
    },
  };
  const result = await train<BertForMaskedLM, PretrainingBatch>({
    model: o.model,
    lossFn: (m, batch, training) => pretrainingLoss(m, batch, training, o.loss, alpha),
    trainData: source,
    evalFn: heldOut
      ? () => {
          const t0 = performance.now();
          const r = evaluateHeldOut(o.model, heldOut);
          evalMs += performance.now() - t0;
          return { loss: r.loss, accuracy: r.accuracy };
        }
      : undefined,
    evalEverySteps: heldOut ? (o.evalEverySteps ?? o.maxSteps) : undefined,
    saveEverySteps: o.saveEverySteps ?? o.evalEverySteps ?? o.maxSteps,
    saveTotalLimit: o.saveTotalLimit,
    optimizer: o.optimizer,
    schedule: o.schedule,
    maxSteps: o.maxSteps,
    maxGradNorm: o.maxGradNorm ?? 1.0,
    logEverySteps: o.logEverySteps ?? 10,
    outputDir: o.outputDir,
    seed: o.seed,
    resumeFrom: o.resumeFrom ?? 'latest',
    overwriteOutputDir: o.overwriteOutputDir,
    progress: o.progress,
    callbacks: [timing, ...(o.callbacks ?? [])],
    onLog: o.onLog,
  });
  o.model.setTraining(false);
  const final = heldOut ? { ...evaluateHeldOut(o.model, heldOut), fingerprint: heldOut.fingerprint } : null;
  const budget = countMaskedTokens(source, o.seed, o.maxSteps, epochRng);
  const finalDir = join(o.outputDir, 'final');
  await savePretrained(o.model, finalDir);
  const sorted = [...stepMs].sort((a, b) => a - b);
  const out: PretrainingRunResult = {
    masking: o.masking,
    loss: o.loss,
    seed: o.seed,
    steps: result.step,
    resumedFromStep: result.resumedFromStep,
    heldOut: final,
    budget,
    medianStepMs: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
    finalDir,
    logPath: result.logPath,
    train: { step: result.step, totalSteps: result.totalSteps, lastCheckpoint: result.lastCheckpoint },
  };
  await writeFileAtomic(join(o.outputDir, 'result.json'), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}
