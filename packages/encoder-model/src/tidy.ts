// A typed `tf.tidy`: tfjs's own only accepts results typed as `TensorContainer` (no interfaces
// with optional fields), so every structured forward output needed a double cast. This one
// returns the callback's own type and keeps every tensor inside it.
import * as tf from '@tensorflow/tfjs-core';

/** Every tensor inside `x` (a tensor, or arrays / plain objects holding tensors). */
export function tensorsIn(x: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (x instanceof tf.Tensor) out.push(x);
  else if (Array.isArray(x)) for (const v of x) tensorsIn(v, out);
  else if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x))
    for (const v of Object.values(x)) tensorsIn(v, out);
  return out;
}

/** `tf.tidy` for any result type: disposes intermediates, keeps the tensors `fn` returns. */
export function tidy<T>(fn: () => T): T {
  let result!: T;
  tf.tidy(() => {
    result = fn();
    return tensorsIn(result);
  });
  return result;
}
