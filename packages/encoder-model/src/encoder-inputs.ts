// What `BertModel.forward` takes and returns.
// Shapes: B batch, T input length, P prompt length, S = P + T sequence length, H hidden,
// F feed-forward width, L layers.
import type * as tf from '@tensorflow/tfjs-core';
import type { IntInput } from './int-input.js';
import type { KeyValuePrefix } from './key-value-prefix.js';

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
  /** Also return every layer's feed-forward activation act(h·W1ᵀ + b1). */
  outputIntermediates?: boolean;
  /**
   * Run the last layer only at these flat positions `b·S + s` (S includes a prompt), e.g. the
   * masked tokens an MLM head reads: every position is still attended to, so their outputs are
   * the same, but the last layer's projections, LayerNorms and feed-forward skip the other rows.
   * `lastHiddenState` is then [1, N, H], in this order; no `pooledOutput`, and not together with
   * `outputHiddenStates` / `outputIntermediates`.
   */
  outputPositions?: Int32Array | number[];
}

export interface EncoderOutput {
  lastHiddenState: tf.Tensor3D; // [B, S, H] ([1, N, H] with `outputPositions`)
  /** tanh(dense(h at the first input token)), when the model has a pooler. */
  pooledOutput?: tf.Tensor2D; // [B, H]
  /** Embeddings output and each layer's output, when asked for. */
  hiddenStates?: tf.Tensor3D[]; // (L + 1) × [B, S, H]
  /** Each layer's feed-forward activation (`intermediate.dense` then `hidden_act`), when asked for. */
  intermediates?: tf.Tensor3D[]; // L × [B, S, F]
  /** Number of prompt positions at the front of `lastHiddenState` (0 without `promptEmbeds`). */
  promptLength: number;
}
