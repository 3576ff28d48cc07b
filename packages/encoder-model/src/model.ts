// BERT / RoBERTa encoder in tfjs-core, parameter-for-parameter compatible with HF transformers:
// embeddings → L × encoder layer → optional pooler.
// Shapes: B batch, T input length, P prompt length, S = P + T sequence length, Pk key/value
// prefix length, H hidden, F feed-forward width, L layers.
import * as tf from '@tensorflow/tfjs-core';
import { attentionMaskBias } from './attention-mask.js';
import type { BertConfig } from './config.js';
import { type EmbeddingParams, embed, embeddingParams } from './embeddings.js';
import type { EncoderInputs, EncoderOutput } from './encoder-inputs.js';
import { encoderLayer, type LayerParams, layerParams } from './encoder-layer.js';
import { EncoderModule } from './encoder-module.js';
import { checkForwardSize } from './input-limits.js';
import { intInputShape } from './int-input.js';
import { prefixLength } from './key-value-prefix.js';
import { checkModelConfig, checkModuleOptions } from './module-options.js';
import { gatherRows } from './ops.js';
import { type OutputRows, outputRows } from './output-rows.js';
import { type Dense, ParameterSet } from './parameter-set.js';
import { pool } from './pooler.js';
import { SeededRandom } from './rng.js';
import { tidy } from './tidy.js';

/** The bare encoder: embeddings, L transformer layers, optional pooler. */
export class BertModel extends EncoderModule {
  readonly store: ParameterSet;
  /** `bert` / `roberta`: the HF name prefix of every parameter. */
  readonly prefix: string;
  readonly hasPooler: boolean;
  readonly embeddings: EmbeddingParams;
  readonly layers: readonly LayerParams[];
  readonly pooler?: Dense;

  constructor(
    config: BertConfig,
    opts: { seed?: number; rng?: SeededRandom; addPoolingLayer?: boolean } = {},
  ) {
    checkModuleOptions(checkModelConfig(config), opts);
    super(config, opts.rng ?? new SeededRandom(opts.seed ?? 0));
    this.prefix = config.modelType;
    this.hasPooler = opts.addPoolingLayer ?? true;
    const s = (this.store = new ParameterSet(this.rng, config.initializerRange));
    this.embeddings = embeddingParams(s, this.prefix, config);
    this.layers = Array.from({ length: config.numHiddenLayers }, (_, i) =>
      layerParams(s, `${this.prefix}.encoder.layer.${i}`, config),
    );
    const H = config.hiddenSize;
    if (this.hasPooler) this.pooler = s.dense(`${this.prefix}.pooler.dense`, H, H);
  }

  namedParameters(): Map<string, tf.Variable> {
    return this.store.params;
  }

  /** A parameter by its HF name without the `bert.` / `roberta.` prefix (prefer the typed fields). */
  p<R extends tf.Rank = tf.Rank>(name: string): tf.Variable<R> {
    const v = this.store.params.get(`${this.prefix}.${name}`);
    if (!v) throw new Error(`no parameter ${this.prefix}.${name}`);
    return v as tf.Variable<R>; // the caller names the rank of the parameter it asks for
  }

  /** The word-embedding table [V, H] (tied to the MLM decoder). */
  get wordEmbeddings(): tf.Variable<tf.Rank.R2> {
    return this.embeddings.word;
  }

  forward(inp: EncoderInputs): EncoderOutput {
    return tidy(() => this.run(inp));
  }

  /** B, T, P and Pk from the input shapes, checked against the position table and the element ceiling. */
  private checkSizes(inp: EncoderInputs): void {
    const what = inp.inputIds !== undefined ? 'inputIds' : 'inputsEmbeds';
    const [B, T] =
      inp.inputIds !== undefined ? intInputShape(inp.inputIds, what) : (inp.inputsEmbeds?.shape ?? [0, 0]);
    const prompt = inp.promptEmbeds;
    const P = prompt ? prompt.shape[prompt.rank - 2] : 0;
    const Pk = prefixLength(inp.pastKeyValuePrefixes, this.config.numHiddenLayers);
    checkForwardSize(this.config, { B, T, P, Pk }, what);
  }

  private run(inp: EncoderInputs): EncoderOutput {
    const c = this.config;
    this.checkSizes(inp);
    const rng = (inp.training ?? this.training) ? this.rng : undefined;
    const { x, promptLength: P } = embed(this.embeddings, c, inp, rng); // [B, S, H]
    const [B, S, H] = x.shape;
    const prefixes = inp.pastKeyValuePrefixes;
    const Pk = prefixLength(prefixes, c.numHiddenLayers);
    const maskBias = attentionMaskBias(inp.attentionMask, B, S - P, P + Pk); // [B, 1, 1, Pk + S]
    const hiddenStates: tf.Tensor3D[] = [x];
    const intermediates: tf.Tensor3D[] = [];
    const rows: OutputRows | undefined =
      inp.outputPositions === undefined ? undefined : outputRows(inp, B, S);
    let h: tf.Tensor2D = tf.reshape(x, [B * S, H]); // [B·S, H]
    for (const [i, layer] of this.layers.entries()) {
      const last = i === this.layers.length - 1;
      const attention = {
        B,
        S,
        heads: c.numAttentionHeads,
        maskBias,
        dropoutRate: c.attentionProbsDropoutProb,
        rng,
        prefix: prefixes?.[i],
        queries: last ? rows?.queries : undefined,
      };
      const out = encoderLayer(h, layer, c, attention);
      h = out.hidden; // [B·S, H]
      if (inp.outputHiddenStates) hiddenStates.push(tf.reshape(h, [B, S, H]));
      if (inp.outputIntermediates) intermediates.push(tf.reshape(out.inner, [B, S, c.intermediateSize]));
    }
    if (rows) {
      const n = rows.order.shape[0];
      // [B·M, H] → the asked positions, in order: [1, N, H]
      return { lastHiddenState: tf.reshape(gatherRows(h, rows.order), [1, n, H]), promptLength: P };
    }
    const lastHiddenState: tf.Tensor3D = tf.reshape(h, [B, S, H]); // [B, S, H]
    return {
      lastHiddenState,
      pooledOutput: this.pooler && pool(lastHiddenState, P, this.pooler), // [B, H]
      hiddenStates: inp.outputHiddenStates ? hiddenStates : undefined,
      intermediates: inp.outputIntermediates ? intermediates : undefined,
      promptLength: P,
    };
  }
}
