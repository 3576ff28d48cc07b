import type { ScoredTaskName } from '@selfevo/superglue-datasets';
import { FinetuneConfigError } from './errors.js';

/** Hyper-parameters of one task's fine-tuning run. */
export interface TaskRecipe {
  /** Passes over the training examples. */
  epochs: number;
  /** Peak AdamW learning rate (linear warmup, then linear decay to 0). */
  learningRate: number;
  /** Model inputs per optimizer step (COPA/ReCoRD/MultiRC: candidate sequences; groups stay whole). */
  batchSize: number;
  /** Longest input in tokens, special tokens included. */
  maxLength: number;
  /** Warmup as a fraction of all optimizer steps. */
  warmupRatio: number;
  /** Decoupled AdamW weight decay (not on biases and LayerNorm). */
  weightDecay: number;
  /** Evaluations in a row without a better val score before stopping (0: never stop early). */
  earlyStoppingPatience: number;
}

/**
 * Per-task defaults, tuned for the small encoders this project pretrains (H ≤ 256, a few layers):
 * a higher learning rate than the usual BERT-base 1e-5…3e-5, more epochs on the small tasks
 * (CB, COPA, WSC: a few hundred examples), short inputs where the texts are short. Every value can
 * be overridden per run (`--epochs`, `--lr`, `--batch-size`, `--max-length`, ...).
 *
 * | task    | epochs | lr    | batch | max len | what is classified                          |
 * |---------|--------|-------|-------|---------|---------------------------------------------|
 * | BoolQ   | 3      | 1e-4  | 16    | 256     | (question, passage) → no / yes              |
 * | CB      | 10     | 1e-4  | 8     | 256     | (premise, hypothesis) → 3 classes           |
 * | COPA    | 10     | 1e-4  | 16    | 64      | 2 candidates → softmax over the pair        |
 * | MultiRC | 3      | 1e-4  | 16    | 256     | (paragraph, question + answer) → 0 / 1      |
 * | ReCoRD  | 2      | 1e-4  | 16    | 256     | (passage window, filled query) → score      |
 * | RTE     | 5      | 1e-4  | 16    | 256     | (premise, hypothesis) → 2 classes           |
 * | WiC     | 5      | 1e-4  | 16    | 128     | [CLS] + both target-word spans → 0 / 1      |
 * | WSC     | 10     | 1e-4  | 16    | 128     | noun-phrase span + pronoun span → 0 / 1     |
 *
 * AX-b and AX-g have no training data: they are predicted by the RTE model.
 */
export const TASK_RECIPES: Readonly<Record<ScoredTaskName, Readonly<TaskRecipe>>> = {
  BoolQ: {
    epochs: 3,
    learningRate: 1e-4,
    batchSize: 16,
    maxLength: 256,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
  CB: {
    epochs: 10,
    learningRate: 1e-4,
    batchSize: 8,
    maxLength: 256,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
  COPA: {
    epochs: 10,
    learningRate: 1e-4,
    batchSize: 16,
    maxLength: 64,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
  MultiRC: {
    epochs: 3,
    learningRate: 1e-4,
    batchSize: 16,
    maxLength: 256,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
  ReCoRD: {
    epochs: 2,
    learningRate: 1e-4,
    batchSize: 16,
    maxLength: 256,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
  RTE: {
    epochs: 5,
    learningRate: 1e-4,
    batchSize: 16,
    maxLength: 256,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
  WiC: {
    epochs: 5,
    learningRate: 1e-4,
    batchSize: 16,
    maxLength: 128,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
  WSC: {
    epochs: 10,
    learningRate: 1e-4,
    batchSize: 16,
    maxLength: 128,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    earlyStoppingPatience: 0,
  },
};

/** `--quick`: one epoch and inputs of at most 128 tokens (combine with a cap on the examples). */
export const QUICK_RECIPE: Readonly<Pick<TaskRecipe, 'epochs'>> & { maxLengthCap: number } = {
  epochs: 1,
  maxLengthCap: 128,
};

/** The recipe of `task`: the table's defaults, then `quick`, then the explicit overrides. */
export function resolveRecipe(
  task: ScoredTaskName,
  overrides: Partial<TaskRecipe> = {},
  quick = false,
): TaskRecipe {
  const base: TaskRecipe = { ...TASK_RECIPES[task] };
  if (quick) {
    base.epochs = QUICK_RECIPE.epochs;
    base.maxLength = Math.min(base.maxLength, QUICK_RECIPE.maxLengthCap);
  }
  const out: TaskRecipe = { ...base };
  for (const [k, v] of Object.entries(overrides) as [keyof TaskRecipe, number | undefined][]) {
    if (v !== undefined) out[k] = v;
  }
  const checks: [keyof TaskRecipe, boolean][] = [
    ['epochs', out.epochs > 0 && Number.isFinite(out.epochs)],
    ['learningRate', out.learningRate > 0 && Number.isFinite(out.learningRate)],
    ['batchSize', Number.isInteger(out.batchSize) && out.batchSize >= 1],
    ['maxLength', Number.isInteger(out.maxLength) && out.maxLength >= 8],
    ['warmupRatio', out.warmupRatio >= 0 && out.warmupRatio < 1],
    ['weightDecay', out.weightDecay >= 0],
    ['earlyStoppingPatience', Number.isInteger(out.earlyStoppingPatience) && out.earlyStoppingPatience >= 0],
  ];
  for (const [name, ok] of checks) {
    if (!ok)
      throw new FinetuneConfigError(
        name,
        `${task} recipe: ${name} = ${JSON.stringify(out[name])} is out of range`,
      );
  }
  return out;
}
