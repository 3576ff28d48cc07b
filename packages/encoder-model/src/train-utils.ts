import * as tf from '@tensorflow/tfjs-core';
import { EncoderModelError } from './errors.js';

/**
 * tfjs has no gradient for a kernel the loss used: tfjs-core registers none by itself (importing
 * `@selfevo/backend` and calling `useBackend()` does), or the op has none in tfjs at all.
 * `kernelName` is the kernel (e.g. `Tanh`, `Einsum`); `cause` is tfjs's own error.
 */
export class GradientNotRegisteredError extends EncoderModelError {
  constructor(
    readonly kernelName: string,
    cause: Error,
  ) {
    super(
      `${cause.message} — tfjs-core registers no gradients by itself: call useBackend() from ` +
        '@selfevo/backend before training (it registers them), and use only ops that have a gradient ' +
        'in tfjs in a custom loss',
      { cause, code: 'ERR_GRADIENT_NOT_REGISTERED' },
    );
  }
}

const MISSING_GRADIENT = /Cannot compute gradient: gradient function not found for (\w+)/;

/** tfjs's "gradient function not found" as a {@link GradientNotRegisteredError}; anything else as is. */
function explainGradientError(err: unknown): unknown {
  const m = err instanceof Error ? MISSING_GRADIENT.exec(err.message) : null;
  return m ? new GradientNotRegisteredError(m[1], err as Error) : err;
}

/** The tape nodes of a gradient computation (tfjs's engine state; `saved` are kept tensors). */
type TapeNodes = { saved?: tf.Tensor[] }[] | null;

/**
 * Loss value and gradients of `loss()` with respect to the trainable variables of `params`, keyed
 * by the same names: the one named-gradient helper (the trainer, the SE/MLM steps and the tests
 * use it). `loss` builds the forward pass and runs inside the gradient tape; a constant target it
 * needs (a stop-gradient reference) can be computed inside it with {@link noGrad}. Parameters the
 * loss does not reach, and variables with `trainable === false`, get no entry. The loss value is
 * read back (it may be NaN/Infinity: the caller checks); the caller disposes the gradients.
 *
 * When `loss` throws, or the backward pass fails, no tensor is left behind (tfjs alone would keep
 * the tape's saved tensors and the forward result) and the error is re-thrown; a kernel without a
 * registered gradient is a {@link GradientNotRegisteredError} that says to call `useBackend()`.
 */
export function valueAndGrads(
  params: ReadonlyMap<string, tf.Variable>,
  loss: () => tf.Scalar,
): { loss: number; grads: Record<string, tf.Tensor> } {
  const { value, grads } = valueAndGradsTensor(params, loss);
  try {
    return { loss: value.dataSync()[0], grads };
  } catch (err) {
    tf.dispose(Object.values(grads));
    throw err;
  } finally {
    value.dispose();
  }
}

/**
 * {@link valueAndGrads} with the loss left on the device as a scalar tensor (the caller disposes
 * it and the gradients): read it with `await value.data()` where a synchronous read is slow or
 * unreliable (WebGPU: its synchronous readback goes through a canvas).
 */
export function valueAndGradsTensor(
  params: ReadonlyMap<string, tf.Variable>,
  loss: () => tf.Scalar,
): { value: tf.Scalar; grads: Record<string, tf.Tensor> } {
  const nameOf = new Map<string, string>();
  const vars: tf.Variable[] = [];
  for (const [name, v] of params) {
    if (!v.trainable) continue;
    nameOf.set(v.name, name);
    vars.push(v);
  }
  if (vars.length === 0) throw new TypeError('valueAndGrads: no trainable parameter to differentiate');
  const engine = tf.engine();
  let tape: TapeNodes = null;
  try {
    // tidy: on an error, the forward result and the backward pass's tensors are disposed
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        // the outermost tape (not one nested in another gradient): its saved tensors are ours to free
        if (engine.state.gradientDepth === 1) tape = engine.state.activeTape as unknown as TapeNodes;
        const l = loss();
        if (!(l instanceof tf.Tensor) || l.rank !== 0)
          throw new TypeError('valueAndGrads: the loss function must return a scalar tensor');
        return l;
      }, vars);
      const out: Record<string, tf.Tensor> = {};
      for (const [varName, g] of Object.entries(grads)) if (g != null) out[nameOf.get(varName)!] = g;
      return { value, grads: out };
    });
  } catch (err) {
    // tfjs frees the tape's saved tensors only after a successful backward pass (they are kept, so
    // no tidy frees them): free them here (disposing twice is a no-op)
    for (const node of (tape as TapeNodes) ?? []) for (const t of node.saved ?? []) t.dispose();
    throw explainGradientError(err);
  }
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
