// PANDA (Zhong et al., arXiv 2208.10160): prompt transfer by knowledge distillation. The student
// (a fresh prompt + head) trains on `CE + λ·KD` against a frozen teacher (the source prompt tuned
// on the target task); `pandaDistillation` turns a student `PromptTuning` into that `train()` loss.
import { noGrad } from '@selfevo/encoder-model';
import { crossEntropyAtPositions, klDistillation, logitMseDistillation } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { PromptConfigError } from './errors.js';
import {
  type PromptableModel,
  type PromptBatch,
  type PromptForward,
  type PromptLossFn,
  type PromptTuning,
  PromptTuningModel,
} from './prompt-tuning.js';
import type { SoftPrompt } from './soft-prompt.js';

export interface PandaLossOptions {
  /** `mse`: logit MSE as PANDA's released code (mean over batch × classes, / batch); `kl`: KL with temperature. */
  kd?: 'mse' | 'kl';
  /** KD weight λ. Default `0.1 · beta`. Give `lambda` or `beta`, not both. */
  lambda?: number;
  /** PANDA's β (default 0.1 → λ = 0.01, as released). */
  beta?: number;
  /**
   * λ from transferability, as the paper sets it: `λ = c · similarity` (clamped at 0), e.g. the
   * activation similarity or SPoT's prompt similarity of the source and the target task. Not with
   * `lambda` / `beta`.
   */
  similarity?: number;
  /** With `similarity`: the scale c (default 0.01, so a source as similar as the target itself gets the released λ). */
  c?: number;
  /** `kl` only: softmax temperature (default 1); the KL is scaled by T². */
  temperature?: number;
}

/** PANDA's released β (λ = 0.1·β = 0.01). */
export const PANDA_DEFAULT_BETA = 0.1;
/** The default c of `λ = c·sim` (the released λ at similarity 1). */
export const PANDA_DEFAULT_C = 0.01;

/** The KD weight λ these options give (validated). */
export function pandaLambda(options: PandaLossOptions = {}): number {
  if (options.similarity !== undefined || options.c !== undefined) {
    if (options.lambda !== undefined || options.beta !== undefined)
      throw new PromptConfigError('similarity', 'give lambda, beta or similarity (λ = c·sim), not several');
    if (options.similarity === undefined) throw new PromptConfigError('c', 'needs a similarity (λ = c·sim)');
    return pandaKdWeight(options.c ?? PANDA_DEFAULT_C, options.similarity);
  }
  if (options.lambda !== undefined && options.beta !== undefined)
    throw new PromptConfigError('lambda', 'give lambda or beta (λ = 0.1·β), not both');
  const lambda = options.lambda ?? 0.1 * (options.beta ?? PANDA_DEFAULT_BETA);
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new PromptConfigError(
      options.lambda !== undefined ? 'lambda' : 'beta',
      `gives λ = ${lambda}; need ≥ 0`,
    );
  return lambda;
}

/**
 * λ from transferability, as the paper sets it: `λ = c · sim(source, target)`. A negative
 * similarity gives λ = 0 (a negative weight would push the student away from the teacher).
 */
export function pandaKdWeight(c: number, similarity: number): number {
  if (!(c >= 0 && Number.isFinite(c)))
    throw new PromptConfigError('c', `must be a finite number ≥ 0, got ${c}`);
  if (!Number.isFinite(similarity))
    throw new PromptConfigError('similarity', `must be a finite number, got ${similarity}`);
  return Math.max(0, c * similarity);
}

/** The validated options: λ, the KD kind and the temperature. */
function resolve(options: PandaLossOptions): { lambda: number; kd: 'mse' | 'kl'; temperature: number } {
  const lambda = pandaLambda(options);
  const kd = options.kd ?? 'mse';
  if (kd !== 'mse' && kd !== 'kl') throw new PromptConfigError('kd', `must be mse or kl, got ${kd}`);
  if (kd === 'mse' && options.temperature !== undefined)
    throw new PromptConfigError('temperature', 'applies to kd: "kl" only');
  return { lambda, kd, temperature: options.temperature ?? 1 };
}

/** `base + λ · KD(student, teacher)` with the KD these options name. */
function withDistillation(
  base: tf.Scalar,
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  o: ReturnType<typeof resolve>,
): tf.Scalar {
  return tf.tidy(() => {
    const k =
      o.kd === 'mse'
        ? logitMseDistillation(studentLogits, teacherLogits)
        : klDistillation(studentLogits, teacherLogits, { temperature: o.temperature });
    return tf.add(base, tf.mul(k, tf.scalar(o.lambda))) as tf.Scalar;
  });
}

/**
 * Student loss `CE(y, student) + λ · KD(student logits, teacher logits)`. The teacher logits are
 * constants here (they come from variables that are not trained).
 */
export function pandaLoss(
  studentLogits: tf.Tensor2D,
  labels: Int32Array | number[],
  teacherLogits: tf.Tensor2D,
  options: PandaLossOptions = {},
): tf.Scalar {
  const o = resolve(options);
  return tf.tidy(() => {
    const ce = crossEntropyAtPositions(studentLogits, labels) as tf.Scalar;
    return withDistillation(ce, studentLogits, teacherLogits, o);
  });
}

/**
 * The teacher of PANDA: the source prompt tuned on the target task, with its head; frozen. Either
 * a `PromptTuningModel` (its own `forward`), or a model and prompt (the student's `forward` is used).
 */
export type PandaTeacher<B = PromptBatch> =
  | PromptTuningModel<B>
  | { model: PromptableModel; prompt: SoftPrompt; forward?: PromptForward<B> };

/**
 * The teacher's dropout while the student trains. `train`: dropout on, as PANDA's released code
 * (`self.source_model.train()` in `training_step`, default); `eval`: no dropout (a fixed target).
 */
export type PandaTeacherMode = 'train' | 'eval';

export interface PandaDistillationOptions extends PandaLossOptions {
  /** Default `train`, as the released code. */
  teacherMode?: PandaTeacherMode;
}

/** A student `PromptTuning` whose loss is PANDA's, plus the teacher's logits for evaluation. */
export interface PandaDistillation<B = PromptBatch> extends PromptTuning<B> {
  /** Teacher logits `[N, C]` (eval mode unless `training`). The caller disposes them. */
  teacherLogits(batch: B, training?: boolean): tf.Tensor2D;
  /** The KD weight λ in use. */
  readonly lambda: number;
  readonly teacherMode: PandaTeacherMode;
}

/**
 * PANDA student training through `train()`: the student's own objective (cross-entropy by
 * default, so `CE + λ·KD` as `pandaLoss`) plus `λ · KD` against the frozen teacher's logits on
 * the same batch, computed off the gradient tape. While training, the teacher runs in
 * `teacherMode` (default `train`: with dropout, as released; it draws from the shared encoder's
 * generator, which `train()` re-seeds, so runs stay reproducible); in evaluation it runs without
 * dropout. The teacher's prompt and head must be separate from the student's trained parameters
 * (checked); it shares the frozen encoder. Use it as `train({ ...distill, … })`.
 */
export function pandaDistillation<B = PromptBatch>(
  student: PromptTuning<B>,
  teacher: PandaTeacher<B>,
  options: PandaDistillationOptions = {},
): PandaDistillation<B> {
  const { teacherMode = 'train', ...lossOptions } = options;
  if (teacherMode !== 'train' && teacherMode !== 'eval')
    throw new PromptConfigError('teacherMode', `must be train or eval, got ${teacherMode}`);
  const o = resolve(lossOptions);
  const t =
    teacher instanceof PromptTuningModel
      ? teacher
      : new PromptTuningModel<B>({
          model: teacher.model,
          prompt: teacher.prompt,
          forward: teacher.forward ?? student.model.forwardFn,
          targets: student.model.targets,
          trainHead: false,
        });
  if (!t.dropout && teacherMode === 'train')
    throw new PromptConfigError('teacherMode', 'is train but the teacher was created with dropout: false');
  const trained = new Set(student.model.trainedParameters().values());
  if (trained.has(t.prompt.variable))
    throw new PromptConfigError(
      'teacher.prompt',
      'is the student prompt; the teacher must be a separate prompt',
    );
  for (const [k, v] of t.model.head?.params ?? [])
    if (trained.has(v))
      throw new PromptConfigError(
        'teacher.model',
        `head parameter ${k} is trained by the student; give the teacher its own head`,
      );
  const teacherLogits = (batch: B, training = false): tf.Tensor2D => t.logits(batch, training);
  const lossFn: PromptLossFn<B> = (model, batch, training) =>
    tf.tidy(() => {
      // [N, C], a constant: not on the gradient tape; computed first, so its dropout draws come first
      const tl = noGrad(() => teacherLogits(batch, training && teacherMode === 'train'));
      const s = model.logits(batch, training); // [N, C]
      return withDistillation(model.loss(s, batch), s, tl, o);
    });
  return {
    model: student.model,
    lossFn,
    parameters: student.parameters,
    teacherLogits,
    lambda: o.lambda,
    teacherMode,
  };
}
