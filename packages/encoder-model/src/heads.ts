// Task heads on top of `BertModel`. Every head owns (or shares, via `encoder`) a BertModel and
// adds its own HF-named parameters; `namedParameters()` lists both.
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import { ShapeMismatchError } from './errors.js';
import { BertModel, type EncoderInputs, EncoderModule, type EncoderOutput, ParameterSet } from './model.js';
import { activation, bmm, dropout, gatherRows, layerNorm, linear } from './ops.js';

export interface HeadOptions {
  /** Seed for init and dropout (default 0). */
  seed?: number;
  /** Share an existing encoder (its parameters, RNG and pooler) instead of creating one. */
  encoder?: BertModel;
}

/** Flat indices into the [B·S] positions: Int32Array / number[] / int32 tensor. */
export type Positions = Int32Array | number[] | tf.Tensor1D;

abstract class HeadModel extends EncoderModule {
  readonly encoder: BertModel;
  /** Parameters of the head itself (the encoder's are in `encoder`). */
  readonly head: ParameterSet;
  constructor(config: BertConfig, opts: HeadOptions, pooler: boolean) {
    const encoder = opts.encoder ?? new BertModel(config, { seed: opts.seed, addPoolingLayer: pooler });
    super(config, encoder.rng);
    this.encoder = encoder;
    this.head = new ParameterSet(encoder.rng, config.initializerRange);
  }
  namedParameters(): Map<string, tf.Variable> {
    return new Map([...this.encoder.namedParameters(), ...this.head.params]);
  }
  override setTraining(training: boolean): void {
    super.setTraining(training);
    this.encoder.setTraining(training);
  }
  protected hp<R extends tf.Rank = tf.Rank>(name: string): tf.Variable<R> {
    return this.head.params.get(name) as tf.Variable<R>;
  }
  protected drop(x: tf.Tensor, training?: boolean): tf.Tensor {
    const rate = this.config.classifierDropout ?? this.config.hiddenDropoutProb;
    return dropout(x, rate, (training ?? this.training) ? this.rng : undefined);
  }
  protected pooled(out: EncoderOutput): tf.Tensor2D {
    if (!out.pooledOutput) throw new Error('this head needs an encoder with a pooler (addPoolingLayer)');
    return out.pooledOutput;
  }
}

/** Masked-LM head: transform (dense, act, LayerNorm) then a decoder tied to the word embeddings. */
export class BertForMaskedLM extends HeadModel {
  constructor(config: BertConfig, opts: HeadOptions = {}) {
    super(config, opts, false);
    const H = config.hiddenSize;
    const n = this.names();
    this.head.add(`${n.dense}.weight`, [H, H], 'normal');
    this.head.add(`${n.dense}.bias`, [H], 'zeros');
    this.head.add(`${n.norm}.weight`, [H], 'ones');
    this.head.add(`${n.norm}.bias`, [H], 'zeros');
    this.head.add(n.bias, [config.vocabSize], 'zeros');
  }
  private names() {
    return this.config.modelType === 'roberta'
      ? { dense: 'lm_head.dense', norm: 'lm_head.layer_norm', bias: 'lm_head.bias' }
      : {
          dense: 'cls.predictions.transform.dense',
          norm: 'cls.predictions.transform.LayerNorm',
          bias: 'cls.predictions.bias',
        };
  }

  /**
   * MLM logits only at `maskedPositions` (flat indices b·S + s into `hidden` [B, S, H]; with a prompt
   * S includes it). The transform and the V-wide decoder never run on other positions. → [N, V]
   */
  mlmLogits(hidden: tf.Tensor, maskedPositions: Positions): tf.Tensor2D {
    return tf.tidy(() => {
      const H = this.config.hiddenSize;
      const idx =
        maskedPositions instanceof tf.Tensor
          ? maskedPositions
          : tf.tensor1d(Int32Array.from(maskedPositions), 'int32');
      const flat = tf.reshape(hidden, [-1, H]) as tf.Tensor2D; // [B·S, H]
      const picked = gatherRows(flat, idx as tf.Tensor1D); // [N, H]
      const n = this.names();
      const act = this.config.modelType === 'roberta' ? 'gelu' : this.config.hiddenAct;
      let x = activation(linear(picked, this.hp(`${n.dense}.weight`), this.hp(`${n.dense}.bias`)), act); // [N, H]
      x = layerNorm(x, this.hp(`${n.norm}.weight`), this.hp(`${n.norm}.bias`), this.config.layerNormEps);
      return linear(x as tf.Tensor2D, this.encoder.wordEmbeddings, this.hp(n.bias)); // [N, V]
    });
  }

  /** Encoder forward plus logits at `maskedPositions` (all positions when omitted: [B·S, V]). */
  forward(inp: EncoderInputs, maskedPositions?: Positions): EncoderOutput & { logits: tf.Tensor2D } {
    return tf.tidy(() => {
      const out = this.encoder.forward({ ...inp, training: inp.training ?? this.training });
      const [B, S] = out.lastHiddenState.shape;
      const pos = maskedPositions ?? Array.from({ length: B * S }, (_, i) => i);
      return { ...out, logits: this.mlmLogits(out.lastHiddenState, pos) };
    }) as unknown as EncoderOutput & { logits: tf.Tensor2D };
  }
}

/** Sequence classification: BERT pooler → dropout → `classifier`; RoBERTa: `classifier.dense` → tanh → `classifier.out_proj`. */
export class BertForSequenceClassification extends HeadModel {
  readonly numLabels: number;
  constructor(config: BertConfig, opts: HeadOptions & { numLabels?: number } = {}) {
    super(config, opts, config.modelType !== 'roberta');
    const H = config.hiddenSize;
    this.numLabels = opts.numLabels ?? config.numLabels;
    if (config.modelType === 'roberta') {
      this.head.add('classifier.dense.weight', [H, H], 'normal');
      this.head.add('classifier.dense.bias', [H], 'zeros');
      this.head.add('classifier.out_proj.weight', [this.numLabels, H], 'normal');
      this.head.add('classifier.out_proj.bias', [this.numLabels], 'zeros');
    } else {
      this.head.add('classifier.weight', [this.numLabels, H], 'normal');
      this.head.add('classifier.bias', [this.numLabels], 'zeros');
    }
  }
  /** → logits [B, numLabels] (plus the encoder outputs). */
  forward(inp: EncoderInputs): EncoderOutput & { logits: tf.Tensor2D } {
    return tf.tidy(() => {
      const training = inp.training ?? this.training;
      const out = this.encoder.forward({ ...inp, training });
      let logits: tf.Tensor2D;
      if (this.config.modelType === 'roberta') {
        const [B, , H] = out.lastHiddenState.shape;
        const first = tf.reshape(tf.slice(out.lastHiddenState, [0, out.promptLength, 0], [B, 1, H]), [B, H]); // [B, H]
        const x = tf.tanh(
          linear(
            this.drop(first, training) as tf.Tensor2D,
            this.hp('classifier.dense.weight'),
            this.hp('classifier.dense.bias'),
          ),
        );
        logits = linear(
          this.drop(x, training) as tf.Tensor2D,
          this.hp('classifier.out_proj.weight'),
          this.hp('classifier.out_proj.bias'),
        );
      } else {
        logits = linear(
          this.drop(this.pooled(out), training) as tf.Tensor2D,
          this.hp('classifier.weight'),
          this.hp('classifier.bias'),
        ); // [B, C]
      }
      return { ...out, logits };
    }) as unknown as EncoderOutput & { logits: tf.Tensor2D };
  }
}

/**
 * One score per sequence from the pooled output (`classifier` [1, H]). Multiple choice reshapes
 * the scores to [B, C]; the candidate scorer (ReCoRD) keeps them flat, one per candidate.
 */
export class BertForCandidateScoring extends HeadModel {
  constructor(config: BertConfig, opts: HeadOptions = {}) {
    super(config, opts, true);
    this.head.add('classifier.weight', [1, config.hiddenSize], 'normal');
    this.head.add('classifier.bias', [1], 'zeros');
  }
  /** Inputs are N candidate sequences [N, T] → scores [N]. */
  forward(inp: EncoderInputs): EncoderOutput & { logits: tf.Tensor1D } {
    return tf.tidy(() => {
      const training = inp.training ?? this.training;
      const out = this.encoder.forward({ ...inp, training });
      const s = linear(
        this.drop(this.pooled(out), training) as tf.Tensor2D,
        this.hp('classifier.weight'),
        this.hp('classifier.bias'),
      ); // [N, 1]
      return { ...out, logits: tf.reshape(s, [-1]) as tf.Tensor1D };
    }) as unknown as EncoderOutput & { logits: tf.Tensor1D };
  }
}

/** HF `BertForMultipleChoice`: inputs [B, C, T] (flattened to [B·C, T]) → logits [B, C]. */
export class BertForMultipleChoice extends BertForCandidateScoring {
  forwardChoices(inp: EncoderInputs, numChoices: number): EncoderOutput & { logits: tf.Tensor2D } {
    return tf.tidy(() => {
      const out = super.forward(inp);
      return { ...out, logits: tf.reshape(out.logits, [-1, numChoices]) as tf.Tensor2D };
    }) as unknown as EncoderOutput & { logits: tf.Tensor2D };
  }
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
  constructor(
    config: BertConfig,
    opts: HeadOptions & { numSpans?: number; useCls?: boolean; numLabels?: number } = {},
  ) {
    super(config, opts, true);
    this.numSpans = opts.numSpans ?? 2;
    this.useCls = opts.useCls ?? false;
    this.numLabels = opts.numLabels ?? 2;
    const width = (this.numSpans + (this.useCls ? 1 : 0)) * config.hiddenSize;
    this.head.add('classifier.weight', [this.numLabels, width], 'normal');
    this.head.add('classifier.bias', [this.numLabels], 'zeros');
  }
  forward(
    inp: EncoderInputs,
    spans: Int32Array | number[],
  ): EncoderOutput & { logits: tf.Tensor2D; spanStates: tf.Tensor3D } {
    return tf.tidy(() => {
      const training = inp.training ?? this.training;
      const out = this.encoder.forward({ ...inp, training });
      const [B, S, H] = out.lastHiddenState.shape;
      const K = this.numSpans;
      if (spans.length !== B * K * 2)
        throw new ShapeMismatchError(`spans must hold ${B}×${K}×2 indices, got ${spans.length}`);
      const w = new Float32Array(B * K * S); // pooling weights [B, K, S]
      for (let b = 0; b < B; b++)
        for (let k = 0; k < K; k++) {
          const s0 = spans[(b * K + k) * 2] + out.promptLength;
          const s1 = spans[(b * K + k) * 2 + 1] + out.promptLength;
          if (!(s1 > s0) || s0 < out.promptLength || s1 > S)
            throw new ShapeMismatchError(
              `span ${k} of example ${b} is empty or outside [0, ${S - out.promptLength})`,
            );
          for (let s = s0; s < s1; s++) w[(b * K + k) * S + s] = 1 / (s1 - s0);
        }
      const spanStates = bmm(tf.tensor3d(w, [B, K, S]), out.lastHiddenState); // [B, K, H]
      const parts: tf.Tensor2D[] = [tf.reshape(spanStates, [B, K * H]) as tf.Tensor2D];
      if (this.useCls) parts.unshift(this.pooled(out));
      const feats = parts.length > 1 ? tf.concat(parts, 1) : parts[0]; // [B, (K + cls)·H]
      const logits = linear(
        this.drop(feats, training) as tf.Tensor2D,
        this.hp('classifier.weight'),
        this.hp('classifier.bias'),
      ); // [B, C]
      return { ...out, logits, spanStates };
    }) as unknown as EncoderOutput & { logits: tf.Tensor2D; spanStates: tf.Tensor3D };
  }
}

/** Mean cross-entropy of logits [N, C] against integer labels (computed with log-softmax). */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array | number[]): tf.Scalar {
  return tf.tidy(() => {
    const [N, C] = logits.shape;
    if (labels.length !== N) throw new ShapeMismatchError(`labels: ${labels.length} for ${N} rows`);
    const flatIdx = Int32Array.from(labels, (y, i) => {
      if (!(y >= 0 && y < C)) throw new RangeError(`label ${y} outside [0, ${C})`);
      return i * C + y;
    });
    return softmaxCrossEntropy(logits, tf.tensor1d(flatIdx, 'int32'));
  });
}

/**
 * −mean log softmax(logits)[label], with flat label indices i·C + y. The forward pass keeps
 * exp(logits − max) for the gradient (softmax − one-hot)/N, so the [N, C] exponential runs once
 * (tfjs's logSoftmax gradient recomputes it). The one-hot is a scatter of N values, never built
 * from a dense [N, C] comparison.
 */
const softmaxCrossEntropy = tf.customGrad((logits, flatIdx, save) => {
  const x = logits as tf.Tensor2D;
  const idx = flatIdx as tf.Tensor1D;
  const [N, C] = x.shape;
  const shifted = tf.sub(x, tf.max(x, 1, true)); // [N, C]
  const e = tf.exp(shifted); // [N, C]
  const sums = tf.sum(e, 1, true); // [N, 1]
  const picked = tf.gather(tf.reshape(shifted, [N * C]), idx); // [N]
  const value = tf.mean(tf.sub(tf.log(tf.reshape(sums, [N])), picked)) as tf.Scalar;
  (save as unknown as tf.GradSaveFunc)([e, sums, idx]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [es, ss, ix] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const scale = tf.div(dy, tf.scalar(N)); // dL/dloss / N
      const probs = tf.div(es, ss); // [N, C]
      const oneHot = tf.reshape(tf.scatterND(tf.reshape(ix, [N, 1]), tf.ones([N]), [N * C]), [N, C]); // [N, C]
      return [tf.mul(tf.sub(probs, oneHot), scale), tf.zerosLike(ix)];
    },
  };
}) as unknown as (logits: tf.Tensor2D, flatIdx: tf.Tensor1D) => tf.Scalar;
