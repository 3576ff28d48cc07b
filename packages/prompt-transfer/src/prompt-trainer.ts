// Prompt tuning with a frozen encoder: gradients flow only into the prompt and (optionally) the
// task head. The encoder's variables are never in the gradient list nor in an optimizer.
import {
  AdamW,
  type BertModel,
  type EncoderInputs,
  type IntInput,
  valueAndGrads,
} from '@selfevo/encoder-model';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import type { SoftPrompt } from './soft-prompt.js';

/**
 * A classifier over a `BertModel` that takes `EncoderInputs` (prompts included) and returns
 * logits `[B, C]` — e.g. `BertForSequenceClassification`. `head.params` are its own parameters.
 */
export interface PromptableModel {
  readonly encoder: BertModel;
  readonly head?: { readonly params: Map<string, tf.Variable> };
  forward(inp: EncoderInputs): { logits: tf.Tensor };
  setTraining(training: boolean): void;
}

/** One batch: encoder inputs without the prompt, plus integer labels for the loss. */
export interface PromptBatch {
  inputIds: IntInput;
  attentionMask?: IntInput;
  tokenTypeIds?: IntInput;
  labels?: Int32Array | number[];
}

export interface PromptTrainerOptions {
  /** AdamW learning rate of the prompt (default 1e-2, the PANDA / P-tuning v2 setting). */
  promptLr?: number;
  /** Train the task head too (default true). */
  trainHead?: boolean;
  /** AdamW learning rate of the head (default 1e-3). */
  headLr?: number;
  /** Decoupled weight decay for both (default 0). */
  weightDecay?: number;
  /** Dropout in the frozen encoder and head while training (default true, as PEFT's train mode). */
  dropout?: boolean;
}

/**
 * Loss on the student's logits inside the gradient closure; targets it needs (e.g. teacher
 * logits) must be computed before the step (tfjs has no stopGradient).
 */
export type PromptLoss = (logits: tf.Tensor2D, batch: PromptBatch) => tf.Scalar;

/** Mean cross-entropy of `[B, C]` logits against `batch.labels`. */
export const crossEntropyLoss: PromptLoss = (logits, batch) => {
  if (!batch.labels) throw new PromptConfigError('batch.labels', 'the cross-entropy loss needs labels');
  return crossEntropyAtPositions(logits, batch.labels) as tf.Scalar;
};

/** Encoder inputs for a batch with the prompt attached. */
export function promptedInputs(prompt: SoftPrompt, batch: PromptBatch, training: boolean): EncoderInputs {
  return {
    inputIds: batch.inputIds,
    attentionMask: batch.attentionMask,
    tokenTypeIds: batch.tokenTypeIds,
    training,
    ...prompt.encoderInputs(),
  };
}

/** Trains a `SoftPrompt` (and the task head) on a frozen `PromptableModel` with AdamW. */
export class PromptTrainer {
  readonly promptOptimizer: AdamW;
  readonly headOptimizer?: AdamW;
  /** Exactly the variables that get gradients: the prompt, then the head (when trained). */
  readonly trainable: Map<string, tf.Variable>;
  private readonly promptParams: Map<string, tf.Variable>;
  private readonly headParams: Map<string, tf.Variable>;
  private readonly dropout: boolean;
  steps = 0;

  constructor(
    readonly model: PromptableModel,
    readonly prompt: SoftPrompt,
    options: PromptTrainerOptions = {},
  ) {
    const H = model.encoder.config.hiddenSize;
    if (prompt.hiddenSize !== H)
      throw new PromptMismatchError(
        'prompt',
        `hidden size ${prompt.hiddenSize} differs from the encoder's ${H}`,
      );
    if (prompt.mode === 'prefix' && prompt.numLayers !== model.encoder.config.numHiddenLayers)
      throw new PromptMismatchError(
        'prompt',
        `prefix is for ${prompt.numLayers} layers, the encoder has ${model.encoder.config.numHiddenLayers}`,
      );
    const lr = (v: number | undefined, d: number, name: string) => {
      const x = v ?? d;
      if (!(x > 0 && Number.isFinite(x)))
        throw new PromptConfigError(name, `must be a positive finite number, got ${x}`);
      return x;
    };
    const weightDecay = options.weightDecay ?? 0;
    if (!(weightDecay >= 0)) throw new PromptConfigError('weightDecay', `must be ≥ 0, got ${weightDecay}`);
    this.dropout = options.dropout ?? true;
    this.promptParams = prompt.namedParameters();
    this.promptOptimizer = new AdamW(this.promptParams, {
      lr: lr(options.promptLr, 1e-2, 'promptLr'),
      weightDecay,
      noDecay: () => false,
    });
    const trainHead = options.trainHead ?? true;
    this.headParams = new Map();
    if (trainHead) {
      if (!model.head || model.head.params.size === 0)
        throw new PromptConfigError('trainHead', 'the model has no head parameters (pass trainHead: false)');
      const encoderVars = new Set(model.encoder.namedParameters().values());
      for (const [k, v] of model.head.params) {
        if (encoderVars.has(v))
          throw new PromptConfigError('model.head', `head parameter ${k} is an encoder variable`);
        if (this.promptParams.has(k))
          throw new PromptConfigError('model.head', `head parameter ${k} clashes with the prompt's name`);
        this.headParams.set(k, v);
      }
      this.headOptimizer = new AdamW(this.headParams, {
        lr: lr(options.headLr, 1e-3, 'headLr'),
        weightDecay,
      });
    }
    this.trainable = new Map([...this.promptParams, ...this.headParams]);
  }

  /** Student logits `[B, C]` (dropout off unless `training`). The caller disposes them. */
  logits(batch: PromptBatch, training = false): tf.Tensor2D {
    return tf.tidy(() => {
      this.model.setTraining(training);
      return this.model.forward(promptedInputs(this.prompt, batch, training)).logits as tf.Tensor2D;
    });
  }

  /** Predicted class per example (argmax of the eval-mode logits). */
  predict(batch: PromptBatch): Int32Array {
    return tf.tidy(() => Int32Array.from(tf.argMax(this.logits(batch, false), 1).dataSync()));
  }

  /** Share of `batch.labels` predicted right (e.g. the dev score saved with the prompt). */
  accuracy(batch: PromptBatch): number {
    if (!batch.labels) throw new PromptConfigError('batch.labels', 'accuracy needs labels');
    const pred = this.predict(batch);
    if (pred.length !== batch.labels.length)
      throw new PromptMismatchError(
        'batch.labels',
        `${batch.labels.length} labels for ${pred.length} examples`,
      );
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === batch.labels[i]) right += 1;
    return right / pred.length;
  }

  /** One optimizer step on `batch`; returns the loss before the update. */
  step(batch: PromptBatch, loss: PromptLoss = crossEntropyLoss): number {
    this.model.setTraining(this.dropout);
    let result: ReturnType<typeof valueAndGrads>;
    try {
      result = valueAndGrads(this.trainable, () =>
        tf.tidy(() => {
          const logits = this.model.forward(promptedInputs(this.prompt, batch, this.dropout))
            .logits as tf.Tensor2D;
          return loss(logits, batch);
        }),
      );
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/gradient function not found/i.test(msg))
        throw new Error(
          `${msg} — tfjs-core registers no gradients by itself: call useBackend() from @selfevo/backend ` +
            'before training (it registers them), and use only ops that have a gradient in tfjs in a custom loss',
          { cause: e },
        );
      throw e;
    }
    const { loss: value, grads } = result;
    try {
      if (!Number.isFinite(value)) throw new Error(`prompt tuning loss is ${value} at step ${this.steps}`);
      const pick = (m: Map<string, tf.Variable>) => {
        const out: Record<string, tf.Tensor> = {};
        for (const k of m.keys()) if (grads[k]) out[k] = grads[k];
        return out;
      };
      this.promptOptimizer.step(pick(this.promptParams));
      this.headOptimizer?.step(pick(this.headParams));
    } finally {
      tf.dispose(Object.values(grads));
    }
    this.steps += 1;
    return value;
  }

  /** Free the optimizer moments (the prompt and the model stay). */
  dispose(): void {
    this.promptOptimizer.dispose();
    this.headOptimizer?.dispose();
  }
}
