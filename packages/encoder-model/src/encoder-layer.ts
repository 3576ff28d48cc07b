// One transformer layer (HF BertLayer, post-LN): self-attention → dense → dropout → residual +
// LayerNorm, then feed-forward → residual + LayerNorm. Activations stay flattened: [B·S, H].
import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import { type FeedForwardParams, feedForward } from './feed-forward.js';
import { addLayerNorm, dropout, gatherRows, linear } from './ops.js';
import type { Dense, Norm, ParameterSet } from './parameter-set.js';
import { type AttentionOptions, type AttentionParams, selfAttention } from './self-attention.js';

/** One layer's parameters, looked up once (HF names in `layerParams`). */
export interface LayerParams extends AttentionParams, FeedForwardParams {
  attentionOutput: Dense; // [H, H]
  attentionNorm: Norm;
  outputNorm: Norm;
}

/** Create layer `name` (e.g. `bert.encoder.layer.0`) in HF's parameter order. */
export function layerParams(s: ParameterSet, name: string, c: BertConfig): LayerParams {
  const H = c.hiddenSize;
  const F = c.intermediateSize;
  return {
    query: s.dense(`${name}.attention.self.query`, H, H),
    key: s.dense(`${name}.attention.self.key`, H, H),
    value: s.dense(`${name}.attention.self.value`, H, H),
    attentionOutput: s.dense(`${name}.attention.output.dense`, H, H),
    attentionNorm: s.norm(`${name}.attention.output.LayerNorm`, H),
    intermediate: s.dense(`${name}.intermediate.dense`, F, H),
    output: s.dense(`${name}.output.dense`, H, F),
    outputNorm: s.norm(`${name}.output.LayerNorm`, H),
  };
}

/** LayerNorm(x + residual). */
function addNorm(x: tf.Tensor2D, residual: tf.Tensor2D, norm: Norm, eps: number): tf.Tensor2D {
  return addLayerNorm(x, residual, norm.weight, norm.bias, eps);
}

/**
 * h [B·S, H] → the layer output [B·S, H], and its feed-forward activation `inner` [B·S, F]. With
 * `o.queries` (M rows per batch row), only those rows: [B·M, H] and [B·M, F] — every position is
 * still attended to, but the projections, LayerNorms and feed-forward run on B·M rows.
 */
export function encoderLayer(
  h: tf.Tensor2D,
  p: LayerParams,
  c: BertConfig,
  o: AttentionOptions,
): { hidden: tf.Tensor2D; inner: tf.Tensor2D } {
  const ctx = selfAttention(h, p, o); // [B·S, H] (or [B·M, H])
  const residual = o.queries ? gatherRows(h, o.queries.index) : h;
  const attnOut = dropout(
    linear(ctx, p.attentionOutput.weight, p.attentionOutput.bias),
    c.hiddenDropoutProb,
    o.rng,
  ); // [B·S, H]
  const a = addNorm(attnOut, residual, p.attentionNorm, c.layerNormEps); // [B·S, H]
  const ffn = feedForward(a, p, c.hiddenAct, c.hiddenDropoutProb, o.rng); // [B·S, F], [B·S, H]
  return { hidden: addNorm(ffn.out, a, p.outputNorm, c.layerNormEps), inner: ffn.inner };
}
