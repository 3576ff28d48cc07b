import * as tf from '@tensorflow/tfjs-core';

/**
 * Loss value and gradients of `loss()` with respect to the trainable variables of `params`, keyed
 * by the same names: the one named-gradient helper (the trainer, the SE/MLM steps and the tests
 * use it). `loss` builds the forward pass and runs inside the gradient tape; a constant target it
 * needs (a stop-gradient reference) can be computed inside it with {@link noGrad}. Parameters the
 * loss does not reach, and variables with `trainable === false`, get no entry. The loss value is
 * read back (it may be NaN/Infinity: the caller checks); the caller disposes the gradients.
 */
export function valueAndGrads(
  params: ReadonlyMap<string, tf.Variable>,
  loss: () => tf.Scalar,
): { loss: number; grads: Record<string, tf.Tensor> } {
  const nameOf = new Map<string, string>();
  const vars: tf.Variable[] = [];
  for (const [name, v] of params) {
    if (!v.trainable) continue;
    nameOf.set(v.name, name);
    vars.push(v);
  }
  if (vars.length === 0) throw new TypeError('valueAndGrads: no trainable parameter to differentiate');
  const { value, grads } = tf.variableGrads(() => {
    const l = loss();
    if (!(l instanceof tf.Tensor) || l.rank !== 0)
      throw new TypeError('valueAndGrads: the loss function must return a scalar tensor');
    return l;
  }, vars);
  const out: Record<string, tf.Tensor> = {};
  for (const [varName, g] of Object.entries(grads)) if (g != null) out[nameOf.get(varName)!] = g;
  const l = value.dataSync()[0];
  value.dispose();
  return { loss: l, grads: out };
}

/**
 * Run `f` with the gradient tape paused (PyTorch `torch.no_grad()` / `.detach()`): its result is
 * a constant for any enclosing `valueAndGrads` / `tf.variableGrads` — no gradient flows into it
 * and the tape keeps none of its intermediate tensors. Outside a tape it is `tf.tidy(f)`.
 * (It runs `f` as the forward pass of a custom-gradient op, inside which tfjs records nothing.)
 */
export function noGrad<T extends tf.Tensor>(f: () => T): T {
  const constant = tf.customGrad<T>(() => ({ value: f(), gradFunc: () => [] }));
  return constant();
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
