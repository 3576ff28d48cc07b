import * as tf from '@tensorflow/tfjs-core';

/**
 * Loss value and gradients of `loss()` with respect to `params` (keyed by the same names).
 * `loss` builds the forward pass (it runs inside the gradient tape); targets and masks it needs
 * should be computed before (tfjs has no stopGradient). The caller disposes the gradients.
 */
export function valueAndGrads(
  params: Map<string, tf.Variable>,
  loss: () => tf.Scalar,
): { loss: number; grads: Record<string, tf.Tensor> } {
  const vars = [...params.values()];
  const byVarName = new Map<string, string>();
  for (const [name, v] of params) byVarName.set(v.name, name);
  const { value, grads } = tf.variableGrads(loss, vars);
  const out: Record<string, tf.Tensor> = {};
  for (const [vn, g] of Object.entries(grads)) out[byVarName.get(vn) ?? vn] = g;
  const l = value.dataSync()[0];
  value.dispose();
  return { loss: l, grads: out };
}

/**
 * Pick ~`rate` of the non-padding positions of a [B, T] batch for MLM (at least one per row),
 * deterministic in `rng`; returns sorted flat indices b·T + t.
 */
export function sampleMaskedPositions(
  B: number,
  T: number,
  rate: number,
  rng: { next(): number },
  attentionMask?: ArrayLike<number>,
): Int32Array {
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const row: number[] = [];
    for (let t = 0; t < T; t++) {
      if (attentionMask && !attentionMask[b * T + t]) continue;
      if (rng.next() < rate) row.push(b * T + t);
    }
    if (row.length === 0) row.push(b * T + Math.floor(rng.next() * T));
    out.push(...row);
  }
  return Int32Array.from(out);
}
