// A typed `tf.customGrad`: tfjs types every custom op as `(...args: Tensor[]) => T`, with the
// inputs and the save function in one untyped argument list. `customOp` gives the op its real
// signature, hands the save function over first, and types the saved tensors.
import * as tf from '@tensorflow/tfjs-core';

/** Forward of a custom op: its value, and the gradient (one tensor per input, input order). */
export interface CustomOpResult<R extends tf.Tensor, S extends tf.Tensor[]> {
  value: R;
  gradFunc: (dy: R, saved: S) => tf.Tensor[];
}

/**
 * Wrap `forward(save, ...inputs)` as a differentiable op `(...inputs) => R`. Tensors the gradient
 * needs go through `save` (tfjs keeps them alive until the backward pass) and come back, in the
 * same order, as `saved`.
 */
export function customOp<A extends tf.Tensor[], R extends tf.Tensor, S extends tf.Tensor[] = tf.Tensor[]>(
  forward: (save: (tensors: S) => void, ...inputs: A) => CustomOpResult<R, S>,
): (...inputs: A) => R {
  const op = tf.customGrad<R>((...args) => {
    const save = args[args.length - 1];
    if (typeof save !== 'function') throw new TypeError('customOp: tfjs passed no save function');
    const tensors = args.filter((a): a is tf.Tensor => a instanceof tf.Tensor);
    // `tensors` are exactly the op's inputs in call order: the `A` the caller passed in.
    const res = forward(save, ...(tensors as A));
    // tfjs hands back (kept copies of) the tensors given to `save`, in order: the `S` above.
    return { value: res.value, gradFunc: (dy, saved) => res.gradFunc(dy, saved as S) };
  });
  return (...inputs: A) => op(...inputs);
}
