// PANDA's activation-based task similarity (Zhong et al., arXiv 2208.10160): the frozen encoder's
// mean feed-forward activations with one prompt vs another, on the same probe inputs.
import type { BertModel } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import type { PromptBatch } from './prompt-tuning.js';
import type { SoftPrompt } from './soft-prompt.js';
import { cosine } from './spot.js';

/** Where `ffnActivations` pools (see `FfnActivationOptions.position`). */
export type FfnPooling = 'first-input' | 'first' | 'mean';

/** The default pooling position: the first input token ([CLS]). */
export const FFN_DEFAULT_POSITION: FfnPooling = 'first-input';

export interface FfnActivationOptions {
  /**
   * Which positions are averaged: `first-input` (default) the first input token ([CLS]; after an
   * input-level prompt, position P); `first` sequence position 0 whatever it holds (PANDA's code
   * keeps `outputs[:, :, :1, :]`: with its deep prompts that is [CLS], with an input-level prompt it
   * would be the first prompt token); `mean` every non-padding input token.
   */
  position?: FfnPooling;
}

function maskData(batch: PromptBatch, B: number, T: number): Float32Array {
  const m = batch.attentionMask;
  if (m === undefined) return new Float32Array(B * T).fill(1);
  let d: ArrayLike<number>;
  if (m instanceof tf.Tensor) d = m.dataSync() as ArrayLike<number>;
  else if (Array.isArray(m)) d = (m as number[][]).flat();
  else d = (m as { data: ArrayLike<number> }).data;
  if (d.length !== B * T)
    throw new PromptMismatchError('attentionMask', `${d.length} values for a [${B}, ${T}] batch`);
  return Float32Array.from(d);
}

/**
 * Mean FFN activations of the frozen encoder with `prompt` on `probe`: per layer, the
 * feed-forward inner activation `act(intermediate.dense(·))` ([F] values, the encoder's own
 * `outputIntermediates`), averaged over the probe examples (and positions, see `position`).
 * Returns one Float32Array per layer. `probe` may be a list of batches: the mean is over all of them.
 */
export function ffnActivations(
  encoder: BertModel,
  prompt: SoftPrompt | undefined,
  probe: PromptBatch | readonly PromptBatch[],
  options: FfnActivationOptions = {},
): Float32Array[] {
  const position = options.position ?? FFN_DEFAULT_POSITION;
  if (position !== 'first-input' && position !== 'first' && position !== 'mean')
    throw new PromptConfigError('position', `must be first-input, first or mean, got ${position}`);
  const batches = Array.isArray(probe) ? probe : [probe as PromptBatch];
  if (batches.length === 0) throw new PromptConfigError('probe', 'is an empty list of batches');
  const sums: Float64Array[] = [];
  let total = 0;
  for (const batch of batches) {
    const { sum, count } = ffnActivationSums(encoder, prompt, batch, position);
    sum.forEach((s, i) => {
      if (!sums[i]) sums[i] = new Float64Array(s.length);
      for (let j = 0; j < s.length; j++) sums[i][j] += s[j];
    });
    total += count;
  }
  if (total === 0) throw new PromptConfigError('probe', 'has no non-padding input token to average');
  return sums.map((s) => Float32Array.from(s, (x) => x / total));
}

/**
 * Pooling weights over the B·S rows of one batch (S = P prompt positions + T input positions):
 * 1 at the first input token of every row (`first-input`, position P), at sequence position 0
 * (`first`), or at every non-padding input token (`mean`); `first` is the only one that can pool
 * a prompt position.
 */
function poolingWeights(
  inputMask: Float32Array,
  B: number,
  P: number,
  T: number,
  position: FfnPooling,
): { weights: Float32Array; count: number } {
  const S = P + T;
  const weights = new Float32Array(B * S);
  let count = 0;
  if (position === 'first') {
    for (let b = 0; b < B; b++) weights[b * S] = 1;
    return { weights, count: B };
  }
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const on = position === 'first-input' ? t === 0 : inputMask[b * T + t] > 0;
      if (on) {
        weights[b * S + P + t] = 1;
        count += 1;
      }
    }
  return { weights, count };
}

/** Per layer, the sum of the FFN activations at the pooled positions of one batch, and their count. */
function ffnActivationSums(
  encoder: BertModel,
  prompt: SoftPrompt | undefined,
  probe: PromptBatch,
  position: FfnPooling,
): { sum: Float32Array[]; count: number } {
  return tf.tidy(() => {
    const out = encoder.forward({
      inputIds: probe.inputIds,
      attentionMask: probe.attentionMask,
      tokenTypeIds: probe.tokenTypeIds,
      training: false,
      outputIntermediates: true,
      ...(prompt ? prompt.encoderInputs() : {}),
    });
    const inner = out.intermediates!; // N × [B, S, F]
    const [B, S, F] = inner[0].shape;
    const P = out.promptLength;
    const T = S - P;
    const { weights, count } = poolingWeights(maskData(probe, B, T), B, P, T, position);
    const pool = tf.tensor2d(weights, [1, B * S]); // [1, B·S]
    const sum = inner.map((a) => Float32Array.from(tf.matMul(pool, tf.reshape(a, [B * S, F])).dataSync())); // [F] each
    return { sum, count };
  });
}

export interface ActivationSimilarity {
  /** Cosine of the per-layer mean FFN activations, concatenated over layers. */
  similarity: number;
  /** Cosine per layer. */
  perLayer: number[];
}

/**
 * PANDA's activation similarity of two prompts (e.g. a source-task and a target-task prompt): the
 * cosine between the mean FFN activations the frozen encoder produces with each prompt on the
 * same probe inputs (see `ffnActivations`).
 */
export function activationSimilarity(
  encoder: BertModel,
  a: SoftPrompt,
  b: SoftPrompt,
  probe: PromptBatch | readonly PromptBatch[],
  options: FfnActivationOptions = {},
): ActivationSimilarity {
  const fa = ffnActivations(encoder, a, probe, options);
  const fb = ffnActivations(encoder, b, probe, options);
  const perLayer = fa.map((x, i) => cosine(x, fb[i]));
  const cat = (xs: Float32Array[]) => {
    const out = new Float32Array(xs.reduce((s, x) => s + x.length, 0));
    let o = 0;
    for (const x of xs) {
      out.set(x, o);
      o += x.length;
    }
    return out;
  };
  return { similarity: cosine(cat(fa), cat(fb)), perLayer };
}
