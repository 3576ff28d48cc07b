// Prompt tuning as a model + loss for `@selfevo/trainer`'s `train()`: the trained parameters are
// the prompt and (optionally) the task head; the encoder is frozen. This package has no loop of its
// own and no runtime dependency on the trainer: `createPromptTuning` returns exactly what `train()`
// takes (`model`, `lossFn`, `parameters`), and `train()` does gradients, optimizer steps,
// checkpoints, exact resume, logs, evaluation and early stopping.
import type { AdamWOptions, BertModel, EncoderInputs, IntInput, SeededRandom } from '@selfevo/encoder-model';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import * as tf from '@tensorflow/tfjs-core';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import type { SoftPrompt } from './soft-prompt.js';

/**
 * A model over a `BertModel` whose trainable task head is `head.params` (e.g.
 * `BertForSequenceClassification`, `BertForSpanClassification`, `BertForCandidateScoring`). How a
 * batch becomes logits is the `forward` option of `createPromptTuning`; without it the model must
 * be a `ClassifierModel`.
 */
export interface PromptableModel {
  readonly encoder: BertModel;
  readonly head?: { readonly params: Map<string, tf.Variable> };
  setTraining(training: boolean): void;
}

/** A classifier that takes `EncoderInputs` (prompts included) and returns logits `[B, C]`. */
export interface ClassifierModel extends PromptableModel {
  forward(inp: EncoderInputs): { logits: tf.Tensor };
}

/** One batch: encoder inputs without the prompt, plus integer labels for the loss. */
export interface PromptBatch {
  inputIds: IntInput;
  attentionMask?: IntInput;
  tokenTypeIds?: IntInput;
  labels?: Int32Array | number[];
}

/** What a prompt adds to the encoder inputs (`SoftPrompt.encoderInputs()`). */
export type PromptEncoderInputs = Pick<EncoderInputs, 'promptEmbeds' | 'pastKeyValuePrefixes'>;

/**
 * Logits `[N, C]` of one batch with the prompt's encoder inputs attached, for any head: e.g. a
 * span head's `forward({ ...inputs, ...prompt }, spans).logits`, or a choice scorer's scores
 * reshaped to `[questions, choices]`. `training` turns dropout on.
 */
export type PromptForward<B> = (
  model: PromptableModel,
  batch: B,
  prompt: PromptEncoderInputs,
  training: boolean,
) => tf.Tensor2D;

/** The integer class of every logits row of a batch (default: `batch.labels`). */
export type PromptTargets<B> = (batch: B) => Int32Array | number[];

/**
 * The objective on the student's logits `[N, C]` (called inside the gradient tape). Targets that
 * must not get gradients (e.g. teacher logits) come from variables that are not trained.
 */
export type PromptLoss<B = PromptBatch> = (logits: tf.Tensor2D, batch: B) => tf.Scalar;

function batchLabels(batch: unknown): Int32Array | number[] {
  const labels = (batch as { labels?: Int32Array | number[] } | undefined)?.labels;
  if (!labels) throw new PromptConfigError('batch.labels', 'the cross-entropy loss needs labels');
  return labels;
}

/** Mean cross-entropy of `[B, C]` logits against `batch.labels`. */
export const crossEntropyLoss: PromptLoss = (logits, batch) =>
  crossEntropyAtPositions(logits, batchLabels(batch)) as tf.Scalar;

/** The default `PromptForward`: `model.forward(inputs + prompt).logits` of a `ClassifierModel`. */
export function classifierForward(
  model: PromptableModel,
  batch: PromptBatch,
  prompt: PromptEncoderInputs,
  training: boolean,
): tf.Tensor2D {
  const m = model as Partial<ClassifierModel>;
  if (typeof m.forward !== 'function')
    throw new PromptConfigError('forward', 'the model has no forward(inputs); pass a forward option');
  return m.forward({
    inputIds: batch.inputIds,
    attentionMask: batch.attentionMask,
    tokenTypeIds: batch.tokenTypeIds,
    training,
    ...prompt,
  }).logits as tf.Tensor2D;
}

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

/** Learning rates and weight decay of the prompt and the head (`PromptTuningModel.optimizerOptions`). */
export interface PromptOptimizerOptions {
  /** AdamW learning rate of the prompt (default 1e-2, the PANDA / P-tuning v2 setting). */
  promptLr?: number;
  /** AdamW learning rate of the head (default 1e-3). */
  headLr?: number;
  /** Decoupled weight decay of the head's matrices (default 0); the prompt and biases never decay. */
  weightDecay?: number;
}

function positiveLr(v: number | undefined, d: number, name: string): number {
  const x = v ?? d;
  if (!(x > 0 && Number.isFinite(x)))
    throw new PromptConfigError(name, `must be a positive finite number, got ${x}`);
  return x;
}

export interface PromptTuningOptions<B = PromptBatch> {
  /** The task model over the frozen encoder (e.g. `BertForSequenceClassification`, or any head with `forward`). */
  model: PromptableModel;
  /** The prompt to train: input-level `[L, H]` or deep prompts (prefixes) `[N, 2, L, H]`. */
  prompt: SoftPrompt;
  /** Train the task head too (default true). */
  trainHead?: boolean;
  /** Logits `[N, C]` of a batch (default `classifierForward`: `model.forward(inputs).logits`). */
  forward?: PromptForward<B>;
  /** The class of every logits row (default `batch.labels`); used by the default loss, `predict` and `accuracy`. */
  targets?: PromptTargets<B>;
  /** The objective on the logits (default: mean cross-entropy against `targets(batch)`). */
  loss?: PromptLoss<B>;
  /** Dropout in the frozen encoder and head while training (default true, as PEFT's train mode). */
  dropout?: boolean;
}

/**
 * The model `train()` sees. `namedParameters()` lists the prompt, the head and the frozen encoder;
 * `trainedParameterNames` (the `parameters` of `createPromptTuning`) are the prompt, then the head
 * unless `trainHead: false`: `train({ parameters })` differentiates, updates and checkpoints only
 * those, and keeps a fingerprint of the rest so a resume on another backbone is refused. Without
 * `parameters`, `train()` would fine-tune everything. `rng` is the encoder's dropout generator
 * (`train()` re-seeds it per micro-batch, so a resume is exact).
 */
export class PromptTuningModel<B = PromptBatch> {
  readonly model: PromptableModel;
  readonly prompt: SoftPrompt;
  readonly loss: PromptLoss<B>;
  readonly forwardFn: PromptForward<B>;
  readonly targets: PromptTargets<B>;
  readonly dropout: boolean;
  /** The encoder's (and head's) dropout generator. */
  readonly rng: SeededRandom;
  private readonly trained: Map<string, tf.Variable>;
  private readonly all: Map<string, tf.Variable>;

  constructor(options: PromptTuningOptions<B>) {
    const { model, prompt } = options;
    const c = model.encoder.config;
    if (prompt.hiddenSize !== c.hiddenSize)
      throw new PromptMismatchError(
        'prompt',
        `hidden size ${prompt.hiddenSize} differs from the encoder's ${c.hiddenSize}`,
      );
    if (prompt.mode === 'prefix' && prompt.numLayers !== c.numHiddenLayers)
      throw new PromptMismatchError(
        'prompt',
        `prefix is for ${prompt.numLayers} layers, the encoder has ${c.numHiddenLayers}`,
      );
    for (const k of ['loss', 'forward', 'targets'] as const)
      if (options[k] !== undefined && typeof options[k] !== 'function')
        throw new PromptConfigError(k, 'must be a function');
    if (options.forward === undefined && typeof (model as Partial<ClassifierModel>).forward !== 'function')
      throw new PromptConfigError('forward', 'the model has no forward(inputs); pass a forward option');
    this.model = model;
    this.prompt = prompt;
    this.forwardFn = options.forward ?? (classifierForward as unknown as PromptForward<B>);
    this.targets = options.targets ?? batchLabels;
    this.loss =
      options.loss ?? ((logits, batch) => crossEntropyAtPositions(logits, this.targets(batch)) as tf.Scalar);
    this.dropout = options.dropout ?? true;
    this.rng = model.encoder.rng;
    const trainHead = options.trainHead ?? true;
    const head = model.head?.params ?? new Map<string, tf.Variable>();
    if (trainHead && head.size === 0)
      throw new PromptConfigError('trainHead', 'the model has no head parameters (pass trainHead: false)');
    const encoder = model.encoder.namedParameters();
    const encoderVars = new Set(encoder.values());
    this.trained = new Map(prompt.namedParameters());
    this.all = new Map(this.trained);
    for (const [k, v] of head) {
      if (encoderVars.has(v))
        throw new PromptConfigError('model.head', `head parameter ${k} is an encoder variable`);
      if (this.all.has(k) || encoder.has(k))
        throw new PromptConfigError(
          'model.head',
          `head parameter ${k} clashes with another parameter's name`,
        );
      this.all.set(k, v);
      if (trainHead) this.trained.set(k, v);
    }
    for (const [k, v] of encoder) {
      if (this.all.has(k))
        throw new PromptConfigError('prompt', `encoder parameter ${k} clashes with the prompt's name`);
      this.all.set(k, v);
    }
  }

  /** Every parameter by name: the prompt, the head, then the frozen encoder. */
  namedParameters(): Map<string, tf.Variable> {
    return new Map(this.all);
  }

  /** The trained parameters: the prompt, then the head (when trained). */
  trainedParameters(): Map<string, tf.Variable> {
    return new Map(this.trained);
  }

  /** Their names, in the same order (`train({ parameters })`). */
  get trainedParameterNames(): string[] {
    return [...this.trained.keys()];
  }

  /**
   * AdamW options for `train({ optimizer })` with the prompt and the head at their own learning
   * rates (AdamW `parameterGroups`; a schedule scales both). The base `lr` is the prompt's.
   */
  optimizerOptions(options: PromptOptimizerOptions = {}): AdamWOptions {
    const promptLr = positiveLr(options.promptLr, 1e-2, 'promptLr');
    const headLr = positiveLr(options.headLr, 1e-3, 'headLr');
    const weightDecay = options.weightDecay ?? 0;
    if (!(weightDecay >= 0 && Number.isFinite(weightDecay)))
      throw new PromptConfigError('weightDecay', `must be a finite number ≥ 0, got ${weightDecay}`);
    const promptNames = [...this.prompt.namedParameters().keys()];
    const headNames = this.trainedParameterNames.filter((n) => !promptNames.includes(n));
    return {
      lr: promptLr,
      weightDecay,
      parameterGroups: [
        { params: promptNames, lr: promptLr, weightDecay: 0 },
        // the head decays by the base weightDecay, its biases (rank < 2) not (AdamW's default noDecay)
        ...(headNames.length > 0 ? [{ params: headNames, lr: headLr }] : []),
      ],
    };
  }

  /** Train/eval mode of the wrapped model; dropout stays off when created with `dropout: false`. */
  setTraining(training: boolean): void {
    this.model.setTraining(training && this.dropout);
  }

  /** Logits `[N, C]` with the prompt attached (dropout only if `training` and `dropout`). The caller disposes them. */
  logits(batch: B, training = false): tf.Tensor2D {
    return tf.tidy(() =>
      this.forwardFn(this.model, batch, this.prompt.encoderInputs(), training && this.dropout),
    );
  }

  /** The training objective on `batch` (what `train()` differentiates). */
  lossOn(batch: B, training: boolean): tf.Scalar {
    return tf.tidy(() => this.loss(this.logits(batch, training), batch));
  }

  /** Predicted class per logits row (argmax of the eval-mode logits). */
  predict(batch: B): Int32Array {
    return tf.tidy(() => Int32Array.from(tf.argMax(this.logits(batch, false), 1).dataSync()));
  }

  /** Share of `targets(batch)` predicted right (e.g. an `evalFn` metric, or the dev score saved with the prompt). */
  accuracy(batch: B): number {
    const labels = this.targets(batch);
    const pred = this.predict(batch);
    if (pred.length !== labels.length)
      throw new PromptMismatchError('batch.labels', `${labels.length} labels for ${pred.length} examples`);
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) right += 1;
    return right / pred.length;
  }
}

/** A `train()` loss: `(model, batch, training, ctx) => scalar` (the context is not needed here). */
export type PromptLossFn<B = PromptBatch> = (
  model: PromptTuningModel<B>,
  batch: B,
  training: boolean,
) => tf.Scalar;

/** What `train()` takes: spread it into the options, `train({ ...tuning, trainData, optimizer })`. */
export interface PromptTuning<B = PromptBatch> {
  readonly model: PromptTuningModel<B>;
  readonly lossFn: PromptLossFn<B>;
  /** The trained parameter names (prompt, head); pass them to `train()` or it trains the encoder too. */
  readonly parameters: readonly string[];
}

/** The objective of a `PromptTuningModel` as a `train()` loss. */
export const promptTuningLoss = <B>(model: PromptTuningModel<B>, batch: B, training: boolean): tf.Scalar =>
  model.lossOn(batch, training);

/**
 * Prompt tuning (or deep prompt tuning, with a prefix `SoftPrompt`) of `options.model` for
 * `train()`: only the prompt and (optionally) the head are trained, the encoder stays bit-identical.
 * Any head works: give `forward` (batch → logits `[N, C]`) and `targets` (the class of each row)
 * for heads whose `forward` takes more than the encoder inputs (spans, choices, candidates).
 */
export function createPromptTuning<B = PromptBatch>(options: PromptTuningOptions<B>): PromptTuning<B> {
  const model = new PromptTuningModel<B>(options);
  return { model, lossFn: promptTuningLoss, parameters: model.trainedParameterNames };
}
