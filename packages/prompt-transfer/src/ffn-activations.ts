// PANDA's activation-based task similarity (Zhong et al., arXiv 2208.10160): the frozen encoder's
// mean feed-forward activations with one prompt vs another, on the same probe inputs.
import { activation, type BertModel, layerNorm, linear } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import type { PromptBatch } from './prompt-tuning.js';
import type { SoftPrompt } from './soft-prompt.js';
import { cosine } from './spot.js';

export interface FfnActivationOptions {
  /**
   * Which positions are averaged: `first-input` (default) the first input token ([CLS]; after an
   * input-level prompt, position P), as PANDA's code dumps the first token; `mean` every
   * non-padding input token.
   */
  position?: 'first-input' | 'mean';
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
 * feed-forward inner activation `act(intermediate.dense(·))` ([F] values), averaged over the
 * probe examples (and positions, see `position`). `BertModel` does not expose these, so each
 * layer's attention and FFN are recomputed here from its input hidden state with the model's own
 * parameters and ops, and the recomputed layer output is checked against the model's
 * (`PromptMismatchError` if they disagree, i.e. if the encoder's layer changed). Returns one
 * Float32Array per layer. `probe` may be a list of batches: the mean is over all of them.
 */
export function ffnActivations(
  encoder: BertModel,
  prompt: SoftPrompt | undefined,
  probe: PromptBatch | readonly PromptBatch[],
  options: FfnActivationOptions = {},
): Float32Array[] {
  const position = options.position ?? 'first-input';
  if (position !== 'first-input' && position !== 'mean')
    throw new PromptConfigError('position', `must be first-input or mean, got ${position}`);
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

/** Per layer, the sum of the FFN activations at the pooled positions of one batch, and their count. */
function ffnActivationSums(
  encoder: BertModel,
  prompt: SoftPrompt | undefined,
  probe: PromptBatch,
  position: 'first-input' | 'mean',
): { sum: Float32Array[]; count: number } {
  const c = encoder.config;
  return tf.tidy(() => {
    const extra = prompt ? prompt.encoderInputs() : {};
    const out = encoder.forward({
      inputIds: probe.inputIds,
      attentionMask: probe.attentionMask,
      tokenTypeIds: probe.tokenTypeIds,
      training: false,
      outputHiddenStates: true,
      ...extra,
    });
    const hs = out.hiddenStates!;
    const [B, S, H] = hs[0].shape;
    const P = out.promptLength;
    const T = S - P;
    const A = c.numAttentionHeads;
    const d = H / A;
    const prefixes = extra.pastKeyValuePrefixes;
    const Pk = prefixes ? prefixes[0].key.shape[0] : 0;
    const inputMask = maskData(probe, B, T);
    const full = new Float32Array(B * (Pk + S)).fill(1); // prefix + prompt positions always attended
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) full[b * (Pk + S) + Pk + P + t] = inputMask[b * T + t];
    const bias = tf.mul(tf.sub(tf.scalar(1), tf.tensor(full, [B, 1, 1, Pk + S])), tf.scalar(-1e9));
    // pooling weights over the B·S rows: which positions are averaged, normalised over everything
    const w = new Float32Array(B * S);
    let count = 0;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const on = position === 'first-input' ? t === 0 : inputMask[b * T + t] > 0;
        if (on) {
          w[b * S + P + t] = 1;
          count += 1;
        }
      }
    const pool = tf.tensor2d(w, [1, B * S]); // [1, B·S]
    const result: Float32Array[] = [];
    for (let i = 0; i < c.numHiddenLayers; i++) {
      const p = (n: string) => encoder.p<tf.Rank.R2>(`encoder.layer.${i}.${n}`);
      const lin = (x: tf.Tensor2D, n: string) =>
        linear(x, p(`${n}.weight`), p(`${n}.bias`) as unknown as tf.Tensor1D);
      const h = tf.reshape(hs[i], [B * S, H]) as tf.Tensor2D;
      const heads = (x: tf.Tensor, n: number) => tf.transpose(tf.reshape(x, [B, n, A, d]), [0, 2, 1, 3]); // [B, A, n, d]
      const q = heads(lin(h, 'attention.self.query'), S);
      let k = heads(lin(h, 'attention.self.key'), S);
      let v = heads(lin(h, 'attention.self.value'), S);
      if (prefixes) {
        const tileB = (x: tf.Tensor) => (x.rank === 2 ? tf.tile(tf.expandDims(x, 0), [B, 1, 1]) : x);
        k = tf.concat([heads(tileB(prefixes[i].key), Pk), k], 2);
        v = tf.concat([heads(tileB(prefixes[i].value), Pk), v], 2);
      }
      const scores = tf.add(
        tf.div(
          tf.reshape(
            tf.matMul(tf.reshape(q, [B * A, S, d]), tf.reshape(k, [B * A, Pk + S, d]), false, true),
            [B, A, S, Pk + S],
          ),
          tf.scalar(Math.sqrt(d)),
        ),
        bias,
      );
      const ctx = tf.matMul(
        tf.reshape(tf.softmax(scores), [B * A, S, Pk + S]),
        tf.reshape(v, [B * A, Pk + S, d]),
      );
      const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [B, A, S, d]), [0, 2, 1, 3]), [
        B * S,
        H,
      ]) as tf.Tensor2D;
      const h1 = layerNorm(
        tf.add(lin(merged, 'attention.output.dense'), h),
        p('attention.output.LayerNorm.weight') as unknown as tf.Tensor1D,
        p('attention.output.LayerNorm.bias') as unknown as tf.Tensor1D,
        c.layerNormEps,
      ) as tf.Tensor2D;
      const inner = activation(lin(h1, 'intermediate.dense'), c.hiddenAct) as tf.Tensor2D; // [B·S, F]
      const layerOut = layerNorm(
        tf.add(lin(inner, 'output.dense'), h1),
        p('output.LayerNorm.weight') as unknown as tf.Tensor1D,
        p('output.LayerNorm.bias') as unknown as tf.Tensor1D,
        c.layerNormEps,
      );
      const diff = tf.max(tf.abs(tf.sub(layerOut, tf.reshape(hs[i + 1], [B * S, H])))).dataSync()[0];
      if (!(diff < 1e-3))
        throw new PromptMismatchError(
          'encoder',
          `recomputed layer ${i} differs from BertModel's output by ${diff}; the encoder layer no longer matches this recomputation`,
        );
      result.push(Float32Array.from(tf.matMul(pool, inner).dataSync())); // [F] sum over pooled rows
    }
    return { sum: result, count };
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
