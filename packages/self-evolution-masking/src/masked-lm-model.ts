import type * as tf from '@tensorflow/tfjs-core';

/** Integer input as the encoder takes it: `{ data, shape: [B, T] }` (plain typed arrays, no tensor needed). */
export interface IntBatchInput {
  data: Int32Array | ArrayLike<number>;
  shape: number[];
}

export interface MaskedLmInputs {
  inputIds: IntBatchInput;
  attentionMask?: IntBatchInput;
  tokenTypeIds?: IntBatchInput;
  /** Dropout on/off for this call. */
  training?: boolean;
}

/**
 * The part of `@selfevo/encoder-model`'s `BertForMaskedLM` this package uses (a structural type,
 * so any model with these members works, e.g. a test double):
 * - `forward(inputs, maskedPositions, options?)` → `{ lastHiddenState [B, T, H], logits [N, V] }`
 *   with MLM logits only at the flat positions `b·T + t`; the losses pass `{ lastLayer: 'masked' }`
 *   (the encoder's last layer only at those positions: same logits, fewer FLOPs), which a model
 *   may ignore;
 * - `mlmLogits(hidden, positions)` → `[N, V]` (used to score long batches in chunks);
 * - `namedParameters()` for the gradient and the optimizer.
 */
export interface MaskedLmModel {
  forward(
    inputs: MaskedLmInputs,
    maskedPositions: Int32Array,
    options?: { lastLayer?: 'all' | 'masked' },
  ): { lastHiddenState: tf.Tensor; logits: tf.Tensor2D };
  mlmLogits(hidden: tf.Tensor, maskedPositions: Int32Array): tf.Tensor2D;
  namedParameters(): Map<string, tf.Variable>;
}

/** An optimizer with `@selfevo/encoder-model`'s `AdamW.step` signature (gradients keyed by parameter name). */
export interface GradientStepper {
  step(grads: Record<string, tf.Tensor>, lr?: number): void;
}
