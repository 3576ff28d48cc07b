// Task heads on top of `BertModel`. Every head owns (or shares, via `encoder`) a BertModel and
// adds its own HF-named parameters, looked up once into typed fields.
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import type { EncoderInputs, EncoderOutput } from './encoder-inputs.js';
import { InvalidInputError, ShapeMismatchError } from './errors.js';
import { HeadModel, type HeadOptions } from './head-model.js';
import { checkElements } from './input-limits.js';
import { activation, bmm, gatherRows, layerNorm, linear } from './ops.js';
import type { Dense, Norm } from './parameter-set.js';
import { firstInputToken } from './pooler.js';
import { tidy } from './tidy.js';

/** Flat indices into the [B·S] positions: Int32Array / number[] / int32 tensor. */
export type Positions = Int32Array | number[] | tf.Tensor1D;

/** Flat positions as an int32 [N] tensor; values held in JS must be integers in [0, rows). */
function positionsTensor(p: Positions, rows: number): tf.Tensor1D {
  if (p instanceof tf.Tensor) return p;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!(Number.isInteger(v) && v >= 0 && v < rows))
      throw new InvalidInputError(
        'maskedPositions',
        `position ${v} at index ${i} is not an integer in [0, ${rows}) (flat b·S + s)`,
      );
  }
  return tf.tensor1d(Int32Array.from(p), 'int32');
}

export interface MaskedLmForwardOptions {
  /** `'all'` (default): the encoder's last layer at every position; `'masked'`: only at `maskedPositions`. */
  lastLayer?: 'all' | 'masked';
}

/** The [N, V] logits of N positions stay within the element ceiling. */
function checkLogitsSize(n: number, vocabSize: number): void {
  checkElements('maskedPositions', n * vocabSize, `${n} positions × vocab_size ${vocabSize}`);
}

/** Masked-LM head: transform (dense, act, LayerNorm) then a decoder tied to the word embeddings. */
export class BertForMaskedLM extends HeadModel {
  /** `cls.predictions.transform.dense` / `lm_head.dense` [H, H]. */
  readonly transform: Dense;
  /** `cls.predictions.transform.LayerNorm` / `lm_head.layer_norm`. */
  readonly transformNorm: Norm;
  /** `cls.predictions.bias` / `lm_head.bias` [V] (the decoder weight is the word embeddings). */
  readonly decoderBias: tf.Variable<tf.Rank.R1>;
  constructor(config: BertConfig, opts: HeadOptions = {}) {
    super(config, opts, false);
    const H = config.hiddenSize;
    const roberta = config.modelType === 'roberta';
    this.transform = this.head.dense(roberta ? 'lm_head.dense' : 'cls.predictions.transform.dense', H, H);
    this.transformNorm = this.head.norm(
      roberta ? 'lm_head.layer_norm' : 'cls.predictions.transform.LayerNorm',
      H,
    );
    this.decoderBias = this.head.vector(
      roberta ? 'lm_head.bias' : 'cls.predictions.bias',
      config.vocabSize,
      'zeros',
    );
  }

  /**
   * MLM logits only at `maskedPositions` (flat indices b·S + s into `hidden` [B, S, H]; with a prompt
   * S includes it). The transform and the V-wide decoder never run on other positions. → [N, V]
   */
  mlmLogits(hidden: tf.Tensor, maskedPositions: Positions): tf.Tensor2D {
    return tf.tidy(() => {
      const c = this.config;
      const N = maskedPositions instanceof tf.Tensor ? maskedPositions.size : maskedPositions.length;
      checkLogitsSize(N, c.vocabSize); // before the gather
      const idx = positionsTensor(maskedPositions, hidden.size / c.hiddenSize); // [N]
      return this.decode(gatherRows(tf.reshape(hidden, [-1, c.hiddenSize]), idx)); // [N, V]
    });
  }

  /** The head on hidden states already picked: [N, H] → [N, V]. */
  private decode(picked: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const c = this.config;
      const act = c.modelType === 'roberta' ? 'gelu' : c.hiddenAct;
      const x = activation(linear(picked, this.transform.weight, this.transform.bias), act); // [N, H]
      const normed = layerNorm(x, this.transformNorm.weight, this.transformNorm.bias, c.layerNormEps); // [N, H]
      return linear(normed, this.encoder.wordEmbeddings, this.decoderBias); // [N, V]
    });
  }

  /**
   * Encoder forward plus logits at `maskedPositions` (all positions when omitted: [B·S, V]).
   * `lastLayer: 'masked'` runs the encoder's last layer only at the masked positions (the encoder's
   * `outputPositions`): the same logits for fewer FLOPs, `lastHiddenState` then [1, N, H].
   */
  forward(
    inp: EncoderInputs,
    maskedPositions?: Positions,
    options: MaskedLmForwardOptions = {},
  ): EncoderOutput & { logits: tf.Tensor2D } {
    const lastLayer = options.lastLayer ?? 'all';
    if (lastLayer !== 'all' && lastLayer !== 'masked')
      throw new InvalidInputError('lastLayer', `expected 'all' or 'masked', got ${String(lastLayer)}`);
    if (lastLayer === 'masked') {
      if (maskedPositions === undefined)
        throw new InvalidInputError('lastLayer', `'masked' needs maskedPositions`);
      const pos =
        maskedPositions instanceof tf.Tensor ? Array.from(maskedPositions.dataSync()) : maskedPositions;
      return tidy(() => {
        const training = inp.training ?? this.training;
        const out = this.encoder.forward({ ...inp, training, outputPositions: pos });
        const [, n, H] = out.lastHiddenState.shape;
        checkLogitsSize(n, this.config.vocabSize);
        // the hidden states are the masked positions' already, in order: no gather
        return { ...out, logits: this.decode(tf.reshape(out.lastHiddenState, [n, H])) };
      });
    }
    return tidy(() => {
      const out = this.encoder.forward({ ...inp, training: inp.training ?? this.training });
      const [B, S] = out.lastHiddenState.shape;
      const pos = maskedPositions ?? Array.from({ length: B * S }, (_, i) => i);
      return { ...out, logits: this.mlmLogits(out.lastHiddenState, pos) };
    });
  }
}

/** Sequence classification: BERT pooler → dropout → `classifier`; RoBERTa: `classifier.dense` → tanh → `classifier.out_proj`. */
export class BertForSequenceClassification extends HeadModel {
  readonly numLabels: number;
  /** RoBERTa's `classifier.dense` [H, H] (BERT uses the encoder's pooler instead). */
  readonly classifierDense?: Dense;
  /** BERT `classifier`, RoBERTa `classifier.out_proj`: [numLabels, H]. */
  readonly classifier: Dense;
  constructor(config: BertConfig, opts: HeadOptions & { numLabels?: number } = {}) {
    super(config, opts, config.modelType !== 'roberta');
    const H = config.hiddenSize;
    this.numLabels = opts.numLabels ?? config.numLabels;
    if (config.modelType === 'roberta') {
      this.classifierDense = this.head.dense('classifier.dense', H, H);
      this.classifier = this.head.dense('classifier.out_proj', this.numLabels, H);
    } else this.classifier = this.head.dense('classifier', this.numLabels, H);
  }
  /** RoBERTa's pooling: tanh(dense(dropout(h at <s>))) → [B, H]. */
  private robertaFeatures(out: EncoderOutput, dense: Dense, training: boolean): tf.Tensor2D {
    const first = this.drop(firstInputToken(out.lastHiddenState, out.promptLength), training); // [B, H]
    return tf.tanh(linear(first, dense.weight, dense.bias));
  }
  /** → logits [B, numLabels] (plus the encoder outputs). */
  forward(inp: EncoderInputs): EncoderOutput & { logits: tf.Tensor2D } {
    return tidy(() => {
      const training = inp.training ?? this.training;
      const out = this.encoder.forward({ ...inp, training });
      const features = this.classifierDense
        ? this.robertaFeatures(out, this.classifierDense, training) // [B, H]
        : this.pooled(out); // [B, H]
      const logits = linear(this.drop(features, training), this.classifier.weight, this.classifier.bias); // [B, C]
      return { ...out, logits };
    });
  }
}

/**
 * One score per sequence from the pooled output (`classifier` [1, H]). Multiple choice reshapes
 * the scores to [B, C]; the candidate scorer (ReCoRD) keeps them flat, one per candidate.
 */
export class BertForCandidateScoring extends HeadModel {
  readonly classifier: Dense;
  constructor(config: BertConfig, opts: HeadOptions = {}) {
    super(config, opts, true);
    this.classifier = this.head.dense('classifier', 1, config.hiddenSize);
  }
  /** Inputs are N candidate sequences [N, T] → scores [N]. */
  forward(inp: EncoderInputs): EncoderOutput & { logits: tf.Tensor1D } {
    return tidy(() => {
      const training = inp.training ?? this.training;
      const out = this.encoder.forward({ ...inp, training });
      const s = linear(this.drop(this.pooled(out), training), this.classifier.weight, this.classifier.bias); // [N, 1]
      return { ...out, logits: tf.reshape(s, [-1]) };
    });
  }
}

/** HF `BertForMultipleChoice`: inputs [B, C, T] (flattened to [B·C, T]) → logits [B, C]. */
export class BertForMultipleChoice extends BertForCandidateScoring {
  forwardChoices(inp: EncoderInputs, numChoices: number): EncoderOutput & { logits: tf.Tensor2D } {
    return tidy(() => {
      const out = super.forward(inp);
      return { ...out, logits: tf.reshape(out.logits, [-1, numChoices]) };
    });
  }
}

/** Pooling weights [B, K, S]: 1/len over each span's tokens (spans shifted past P prompt positions). */
function spanPoolingWeights(
  spans: Int32Array | number[],
  B: number,
  K: number,
  S: number,
  P: number,
): tf.Tensor3D {
  if (spans.length !== B * K * 2)
    throw new ShapeMismatchError('spans', `must hold ${B}×${K}×2 indices, got ${spans.length}`);
  const w = new Float32Array(B * K * S);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < K; k++) {
      const s0 = spans[(b * K + k) * 2] + P;
      const s1 = spans[(b * K + k) * 2 + 1] + P;
      if (!(s1 > s0) || s0 < P || s1 > S)
        throw new ShapeMismatchError('spans', `span ${k} of example ${b} is empty or outside [0, ${S - P})`);
      for (let s = s0; s < s1; s++) w[(b * K + k) * S + s] = 1 / (s1 - s0);
    }
  return tf.tensor3d(w, [B, K, S]);
}

/**
 * Span / span-pair classification (WiC, WSC): mean-pool the token states of each span, concat
 * (optionally after the pooled [CLS]), dropout, `classifier`. Spans are [start, end) token indices
 * into the input (prompt positions are skipped automatically), given as Int32Array [B·numSpans·2].
 */
export class BertForSpanClassification extends HeadModel {
  readonly numSpans: number;
  readonly useCls: boolean;
  readonly numLabels: number;
  readonly classifier: Dense;
  constructor(
    config: BertConfig,
    opts: HeadOptions & { numSpans?: number; useCls?: boolean; numLabels?: number } = {},
  ) {
    super(config, opts, true);
    this.numSpans = opts.numSpans ?? 2;
    this.useCls = opts.useCls ?? false;
    this.numLabels = opts.numLabels ?? 2;
    const width = (this.numSpans + (this.useCls ? 1 : 0)) * config.hiddenSize;
    this.classifier = this.head.dense('classifier', this.numLabels, width);
  }
  forward(
    inp: EncoderInputs,
    spans: Int32Array | number[],
  ): EncoderOutput & { logits: tf.Tensor2D; spanStates: tf.Tensor3D } {
    return tidy(() => {
      const training = inp.training ?? this.training;
      const out = this.encoder.forward({ ...inp, training });
      const [B, S, H] = out.lastHiddenState.shape;
      const K = this.numSpans;
      const w = spanPoolingWeights(spans, B, K, S, out.promptLength); // [B, K, S]
      const spanStates = bmm(w, out.lastHiddenState); // [B, K, H]
      const parts: tf.Tensor2D[] = [tf.reshape(spanStates, [B, K * H])];
      if (this.useCls) parts.unshift(this.pooled(out));
      const feats = parts.length > 1 ? tf.concat(parts, 1) : parts[0]; // [B, (K + cls)·H]
      const logits = linear(this.drop(feats, training), this.classifier.weight, this.classifier.bias); // [B, C]
      return { ...out, logits, spanStates };
    });
  }
}
