// BERT / RoBERTa encoder in tfjs-core, parameter-for-parameter compatible with HF transformers.
// Shapes: B batch, T input length, P prompt length, S = P + T sequence length, Pk key/value
// prefix length, H hidden, A heads, d = H / A, F feed-forward width, V vocabulary.
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import type { LoadReport } from './errors.js';
import { ShapeMismatchError } from './errors.js';
import { activation, bmm, dropout, gatherRows, layerNorm, linear } from './ops.js';
import { fromPretrained, type ModelClass, type PretrainedOptions, savePretrained } from './pretrained.js';
import { SeededRandom } from './rng.js';
import type { SafeTensor } from './safetensors.js';
import { type LoadOptions, loadWeights } from './weights.js';

/** Integer input: a tf int32 tensor, `{ data, shape }` (as the datasets package emits), or nested arrays. */
export type IntInput = tf.Tensor | { data: Int32Array | ArrayLike<number>; shape: number[] } | number[][];

/** Deep-prompt prefix for one layer: keys and values prepended to that layer's attention. */
export interface KeyValuePrefix {
  key: tf.Tensor; // [Pk, H] (shared by the batch) or [B, Pk, H]
  value: tf.Tensor; // [Pk, H] or [B, Pk, H]
}

export interface EncoderInputs {
  /** Token ids [B, T] (or give `inputsEmbeds`). */
  inputIds?: IntInput;
  /** Segment ids [B, T]; default all 0. */
  tokenTypeIds?: IntInput;
  /** 1 = attend, 0 = padding, [B, T]; default all 1. */
  attentionMask?: IntInput;
  /** Word embeddings given directly [B, T, H] (instead of `inputIds`). */
  inputsEmbeds?: tf.Tensor;
  /** Soft prompt prepended to the word embeddings: [P, H] or [B, P, H]. Gets positions 0..P-1, type 0. */
  promptEmbeds?: tf.Tensor;
  /** Per-layer key/value prefixes (deep prompts, P-tuning v2): one entry per layer. */
  pastKeyValuePrefixes?: KeyValuePrefix[];
  /** Dropout on (default: the model's `setTraining` mode). */
  training?: boolean;
  /** Also return the embeddings output and every layer's output. */
  outputHiddenStates?: boolean;
}

export interface EncoderOutput {
  lastHiddenState: tf.Tensor3D; // [B, S, H]
  /** tanh(dense(h at the first input token)), when the model has a pooler. */
  pooledOutput?: tf.Tensor2D; // [B, H]
  /** Embeddings output and each layer's output, when asked for. */
  hiddenStates?: tf.Tensor3D[]; // (L + 1) × [B, S, H]
  /** Number of prompt positions at the front of `lastHiddenState` (0 without `promptEmbeds`). */
  promptLength: number;
}

type Init = 'normal' | 'zeros' | 'ones';

/** Parameter store shared by the encoder and its heads: HF names → tf.Variables, seeded HF init. */
export class ParameterSet {
  readonly params = new Map<string, tf.Variable>();
  constructor(
    readonly rng: SeededRandom,
    readonly std: number,
  ) {}

  /** Create (HF-initialised: normal(0, std), zeros or ones) and register a parameter. */
  add(name: string, shape: number[], init: Init, zeroRow?: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (init === 'ones') data.fill(1);
    if (init === 'normal') for (let i = 0; i < n; i++) data[i] = this.rng.normal() * this.std;
    if (zeroRow !== undefined && zeroRow < shape[0])
      data.fill(0, zeroRow * shape[1], (zeroRow + 1) * shape[1]);
    const initial = tf.tensor(data, shape, 'float32');
    const v = tf.variable(initial, true, `${name}_${nextId++}`);
    initial.dispose(); // the variable holds its own reference to the data
    this.params.set(name, v);
    return v;
  }
}
let nextId = 0;

/** Common surface of the encoder and every head: parameters, train/eval mode, loading. */
export abstract class EncoderModule {
  training = false;
  /** RNG used for dropout masks (seeded; save its state in checkpoints). */
  rng: SeededRandom;
  constructor(
    readonly config: BertConfig,
    rng: SeededRandom,
  ) {
    this.rng = rng;
  }
  /** Trainable parameters by HF name. */
  abstract namedParameters(): Map<string, tf.Variable>;
  setTraining(training: boolean): void {
    this.training = training;
  }
  /** Copy weights in by HF name; strict (default) throws `MissingParametersError` listing problems. */
  loadStateDict(weights: Map<string, SafeTensor>, opts: LoadOptions = {}): LoadReport {
    return loadWeights(this.namedParameters(), weights, {
      ...opts,
      prefix: opts.prefix ?? this.config.modelType,
    });
  }
  /** Parameter values by HF name (float32 copies). */
  stateDict(): Map<string, SafeTensor> {
    const out = new Map<string, SafeTensor>();
    for (const [k, v] of this.namedParameters())
      out.set(k, { dtype: 'F32', shape: v.shape, data: v.dataSync() as Float32Array });
    return out;
  }
  dispose(): void {
    for (const v of this.namedParameters().values()) v.dispose();
  }
  /** Load from a local HF folder or a hub id (see `fromPretrained` in pretrained.ts). */
  static fromPretrained<T extends EncoderModule>(
    this: ModelClass<T>,
    pathOrHubId: string,
    opts?: PretrainedOptions,
  ): Promise<{ model: T; report: LoadReport; dir: string }> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass, so Bert*.fromPretrained returns that head
    return fromPretrained(this, pathOrHubId, opts);
  }
  /** Write `config.json` + `model.safetensors` in the layout HF transformers loads. */
  savePretrained(dir: string, opts?: { tokenizerDir?: string; architecture?: string }): Promise<void> {
    return savePretrained(this, dir, opts);
  }
}

function toInt(x: IntInput, what: string): { t: tf.Tensor2D; data?: Int32Array } {
  if (x instanceof tf.Tensor) {
    if (x.rank < 2) throw new ShapeMismatchError(`${what} must be [B, T] (or [B, C, T]), got [${x.shape}]`);
    const t = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
    return { t: (t.rank === 2 ? t : tf.reshape(t, [-1, t.shape[t.rank - 1]])) as tf.Tensor2D };
  }
  if (Array.isArray(x)) return { t: tf.tensor2d(x as number[][], undefined, 'int32') };
  const { data, shape } = x as { data: ArrayLike<number>; shape: number[] };
  if (shape.length < 2 || data.length !== shape.reduce((a, b) => a * b, 1))
    throw new ShapeMismatchError(`${what}: data of length ${data.length} does not fit shape [${shape}]`);
  const d = data instanceof Int32Array ? data : Int32Array.from(data);
  // [B, ..., T] inputs (e.g. multiple choice [B, C, T]) are flattened to [B·C, T].
  const t = tf.tensor2d(d, [d.length / shape[shape.length - 1], shape[shape.length - 1]], 'int32');
  return { t, data: d };
}

/** The bare encoder: embeddings, L transformer layers, optional pooler. */
export class BertModel extends EncoderModule {
  readonly store: ParameterSet;
  readonly prefix: string;
  readonly hasPooler: boolean;

  constructor(
    config: BertConfig,
    opts: { seed?: number; rng?: SeededRandom; addPoolingLayer?: boolean } = {},
  ) {
    super(config, opts.rng ?? new SeededRandom(opts.seed ?? 0));
    const c = config;
    this.prefix = c.modelType;
    this.hasPooler = opts.addPoolingLayer ?? true;
    const s = (this.store = new ParameterSet(this.rng, c.initializerRange));
    const H = c.hiddenSize;
    const e = `${this.prefix}.embeddings`;
    s.add(`${e}.word_embeddings.weight`, [c.vocabSize, H], 'normal', c.padTokenId); // [V, H]
    s.add(
      `${e}.position_embeddings.weight`,
      [c.maxPositionEmbeddings, H],
      'normal',
      c.modelType === 'roberta' ? c.padTokenId : undefined,
    );
    s.add(`${e}.token_type_embeddings.weight`, [c.typeVocabSize, H], 'normal');
    s.add(`${e}.LayerNorm.weight`, [H], 'ones');
    s.add(`${e}.LayerNorm.bias`, [H], 'zeros');
    const dense = (name: string, out: number, inp: number) => {
      s.add(`${name}.weight`, [out, inp], 'normal'); // [out, in], HF layout
      s.add(`${name}.bias`, [out], 'zeros');
    };
    const norm = (name: string) => {
      s.add(`${name}.weight`, [H], 'ones');
      s.add(`${name}.bias`, [H], 'zeros');
    };
    for (let i = 0; i < c.numHiddenLayers; i++) {
      const l = `${this.prefix}.encoder.layer.${i}`;
      for (const m of ['query', 'key', 'value']) dense(`${l}.attention.self.${m}`, H, H);
      dense(`${l}.attention.output.dense`, H, H);
      norm(`${l}.attention.output.LayerNorm`);
      dense(`${l}.intermediate.dense`, c.intermediateSize, H);
      dense(`${l}.output.dense`, H, c.intermediateSize);
      norm(`${l}.output.LayerNorm`);
    }
    if (this.hasPooler) dense(`${this.prefix}.pooler.dense`, H, H);
  }

  namedParameters(): Map<string, tf.Variable> {
    return this.store.params;
  }

  /** A parameter by its name without the `bert.` / `roberta.` prefix. */
  p<R extends tf.Rank = tf.Rank>(name: string): tf.Variable<R> {
    const v = this.store.params.get(`${this.prefix}.${name}`);
    if (!v) throw new Error(`no parameter ${this.prefix}.${name}`);
    return v as tf.Variable<R>;
  }

  /** The word-embedding table [V, H] (tied to the MLM decoder). */
  get wordEmbeddings(): tf.Variable<tf.Rank.R2> {
    return this.p('embeddings.word_embeddings.weight');
  }

  forward(inp: EncoderInputs): EncoderOutput {
    return tf.tidy((() =>
      this.forwardInner(inp)) as unknown as () => tf.TensorContainer) as unknown as EncoderOutput;
  }

  private forwardInner(inp: EncoderInputs): EncoderOutput {
    const c = this.config;
    const H = c.hiddenSize;
    const A = c.numAttentionHeads;
    const d = H / A;
    const rng = (inp.training ?? this.training) ? this.rng : undefined;

    // ---- embeddings ----
    const ids = inp.inputIds !== undefined ? toInt(inp.inputIds, 'inputIds') : undefined;
    let words: tf.Tensor3D; // [B, T, H]
    if (inp.inputsEmbeds) words = inp.inputsEmbeds as tf.Tensor3D;
    else if (ids) {
      const [b, t] = ids.t.shape;
      words = tf.reshape(gatherRows(this.wordEmbeddings, tf.reshape(ids.t, [b * t])), [b, t, H]); // [B, T, H]
    } else throw new Error('forward: give inputIds or inputsEmbeds');
    const [B, T] = words.shape;
    if (words.shape[2] !== H)
      throw new ShapeMismatchError(`inputsEmbeds must be [B, T, ${H}], got [${words.shape}]`);
    let P = 0;
    if (inp.promptEmbeds) {
      const pe = inp.promptEmbeds;
      P = pe.shape[pe.rank - 2];
      if (pe.shape[pe.rank - 1] !== H || (pe.rank === 3 && pe.shape[0] !== B) || pe.rank < 2 || pe.rank > 3)
        throw new ShapeMismatchError(`promptEmbeds must be [P, ${H}] or [${B}, P, ${H}], got [${pe.shape}]`);
      const pb = pe.rank === 2 ? tf.tile(tf.expandDims(pe, 0), [B, 1, 1]) : pe; // [B, P, H]
      words = tf.concat([pb as tf.Tensor3D, words], 1); // [B, S, H]
    }
    const S = P + T;
    if (S + (c.modelType === 'roberta' ? c.padTokenId + 1 : 0) > c.maxPositionEmbeddings)
      throw new ShapeMismatchError(
        `sequence length ${S} exceeds max_position_embeddings ${c.maxPositionEmbeddings}`,
      );
    const posIds = this.positionIds(B, P, T, ids?.t); // [S] or [B, S]
    const posTable = this.p<tf.Rank.R2>('embeddings.position_embeddings.weight');
    const pos = tf.reshape(gatherRows(posTable, tf.reshape(posIds, [-1])), [...posIds.shape, H]); // [S, H] or [B, S, H]
    let types: tf.Tensor; // [B, S, H] or [1, H]
    if (inp.tokenTypeIds !== undefined) {
      let tt = toInt(inp.tokenTypeIds, 'tokenTypeIds').t; // [B, T]
      if (P) tt = tf.concat([tf.zeros([B, P], 'int32'), tt], 1) as tf.Tensor2D; // [B, S]
      const typeTable = this.p<tf.Rank.R2>('embeddings.token_type_embeddings.weight');
      types = tf.reshape(gatherRows(typeTable, tf.reshape(tt, [-1])), [...tt.shape, H]); // [B, S, H]
    } else types = gatherRows(this.p('embeddings.token_type_embeddings.weight'), tf.tensor1d([0], 'int32')); // [1, H]
    let x: tf.Tensor = tf.add(tf.add(words, pos), types); // [B, S, H]
    x = layerNorm(
      x,
      this.p('embeddings.LayerNorm.weight'),
      this.p('embeddings.LayerNorm.bias'),
      c.layerNormEps,
    );
    x = dropout(x, c.hiddenDropoutProb, rng);
    const hiddenStates: tf.Tensor3D[] = inp.outputHiddenStates ? [x as tf.Tensor3D] : [];

    // ---- attention mask → additive bias [B, 1, 1, Pk + S] ----
    const prefixes = inp.pastKeyValuePrefixes;
    if (prefixes && prefixes.length !== c.numHiddenLayers)
      throw new ShapeMismatchError(
        `pastKeyValuePrefixes needs ${c.numHiddenLayers} entries, got ${prefixes.length}`,
      );
    const Pk = prefixes ? prefixes[0].key.shape[prefixes[0].key.rank - 2] : 0;
    let mask: tf.Tensor =
      inp.attentionMask !== undefined
        ? tf.cast(toInt(inp.attentionMask, 'attentionMask').t, 'float32')
        : tf.ones([B, T]); // [B, T]
    if (mask.shape[0] !== B || mask.shape[1] !== T)
      throw new ShapeMismatchError(`attentionMask must be [${B}, ${T}], got [${mask.shape}]`);
    if (P + Pk) mask = tf.concat([tf.ones([B, P + Pk]), mask], 1); // [B, Pk + S]
    const maskBias = tf.reshape(tf.mul(tf.sub(tf.scalar(1), mask), tf.scalar(-1e9)), [B, 1, 1, Pk + S]);

    // ---- transformer layers on the flattened [B·S, H] activations ----
    let h = tf.reshape(x, [B * S, H]) as tf.Tensor2D; // [B·S, H]
    const qScale = tf.scalar(1 / Math.sqrt(d));
    for (let i = 0; i < c.numHiddenLayers; i++) {
      const l = (n: string) => this.p<tf.Rank.R2>(`encoder.layer.${i}.${n}`);
      const lin = (t: tf.Tensor2D, n: string) =>
        linear(t, l(`${n}.weight`), l(`${n}.bias`) as unknown as tf.Tensor1D);
      const heads = (t: tf.Tensor2D) => tf.reshape(t, [B, S, A, d]); // [B, S, A, d]
      // 1/√d folded into the query weights ([H, H]) instead of the [B·S, H] activations
      const wq = tf.mul(l('attention.self.query.weight'), qScale) as tf.Tensor2D;
      const bq = tf.mul(l('attention.self.query.bias'), qScale) as tf.Tensor1D;
      const q = tf.reshape(tf.transpose(heads(linear(h, wq, bq)), [0, 2, 1, 3]), [B * A, S, d]); // [B·A, S, d]
      let kT = tf.transpose(heads(lin(h, 'attention.self.key')), [0, 2, 3, 1]); // [B, A, d, S]
      let v = tf.transpose(heads(lin(h, 'attention.self.value')), [0, 2, 1, 3]); // [B, A, S, d]
      if (prefixes) {
        const pre = (t: tf.Tensor) =>
          tf.reshape(t.rank === 2 ? tf.tile(tf.expandDims(t, 0), [B, 1, 1]) : t, [B, Pk, A, d]); // [B, Pk, A, d]
        kT = tf.concat([tf.transpose(pre(prefixes[i].key), [0, 2, 3, 1]), kT], 3); // [B, A, d, Pk + S]
        v = tf.concat([tf.transpose(pre(prefixes[i].value), [0, 2, 1, 3]), v], 2); // [B, A, Pk + S, d]
      }
      const scores = tf.add(
        tf.reshape(bmm(q as tf.Tensor3D, tf.reshape(kT, [B * A, d, Pk + S])), [B, A, S, Pk + S]),
        maskBias,
      ); // [B, A, S, Pk + S]
      const probs = dropout(tf.softmax(scores), c.attentionProbsDropoutProb, rng); // [B, A, S, Pk + S]
      const ctx = bmm(tf.reshape(probs, [B * A, S, Pk + S]), tf.reshape(v, [B * A, Pk + S, d])); // [B·A, S, d]
      const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [B, A, S, d]), [0, 2, 1, 3]), [
        B * S,
        H,
      ]) as tf.Tensor2D; // [B·S, H]
      const attnOut = dropout(lin(merged, 'attention.output.dense'), c.hiddenDropoutProb, rng); // [B·S, H]
      h = layerNorm(
        tf.add(attnOut, h),
        l('attention.output.LayerNorm.weight') as unknown as tf.Tensor1D,
        l('attention.output.LayerNorm.bias') as unknown as tf.Tensor1D,
        c.layerNormEps,
      ) as tf.Tensor2D;
      const inner = activation(lin(h, 'intermediate.dense'), c.hiddenAct) as tf.Tensor2D; // [B·S, F]
      const ffnOut = dropout(lin(inner, 'output.dense'), c.hiddenDropoutProb, rng); // [B·S, H]
      h = layerNorm(
        tf.add(ffnOut, h),
        l('output.LayerNorm.weight') as unknown as tf.Tensor1D,
        l('output.LayerNorm.bias') as unknown as tf.Tensor1D,
        c.layerNormEps,
      ) as tf.Tensor2D;
      if (inp.outputHiddenStates) hiddenStates.push(tf.reshape(h, [B, S, H]));
    }
    const lastHiddenState = tf.reshape(h, [B, S, H]) as tf.Tensor3D; // [B, S, H]

    // ---- pooler: first input token ([CLS] / <s>), after any prompt ----
    let pooledOutput: tf.Tensor2D | undefined;
    if (this.hasPooler) {
      const first = tf.reshape(tf.slice(lastHiddenState, [0, P, 0], [B, 1, H]), [B, H]) as tf.Tensor2D; // [B, H]
      pooledOutput = tf.tanh(linear(first, this.p('pooler.dense.weight'), this.p('pooler.dense.bias'))); // [B, H]
    }
    return {
      lastHiddenState,
      pooledOutput,
      hiddenStates: inp.outputHiddenStates ? hiddenStates : undefined,
      promptLength: P,
    };
  }

  /** BERT: 0..S-1. RoBERTa: padding_idx + 1 + running count of non-pad tokens (pad → padding_idx). */
  private positionIds(B: number, P: number, T: number, ids?: tf.Tensor2D): tf.Tensor {
    const c = this.config;
    if (c.modelType !== 'roberta') return tf.range(0, P + T, 1, 'int32'); // [S]
    const pad = c.padTokenId;
    const out = new Int32Array(B * (P + T));
    const data = ids ? (ids.dataSync() as Int32Array) : undefined;
    for (let b = 0; b < B; b++) {
      let count = 0;
      for (let t = 0; t < P + T; t++) {
        const isPad = t >= P && data !== undefined && data[b * T + (t - P)] === pad;
        if (!isPad) count += 1;
        out[b * (P + T) + t] = isPad ? pad : pad + count;
      }
    }
    return tf.tensor2d(out, [B, P + T], 'int32'); // [B, S]
  }
}
