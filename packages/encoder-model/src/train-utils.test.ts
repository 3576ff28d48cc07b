import { describeEachBackend, expectAllClose } from '@selfevo/backend/test';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { noGrad, valueAndGrads } from './train-utils.js';

describeEachBackend('valueAndGrads and noGrad', () => {
  it('valueAndGrads: loss and gradients by parameter name; frozen and unreached parameters get none', () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.variable(tf.scalar(0.5));
    const frozen = tf.variable(tf.scalar(4), false);
    const unused = tf.variable(tf.scalar(1));
    const params = new Map([
      ['w', w],
      ['b', b],
      ['frozen', frozen],
      ['unused', unused],
    ]);
    const before = tf.memory().numTensors;
    // loss = frozen · Σ w² + b  →  ∂/∂w = 2·frozen·w, ∂/∂b = 1
    const { loss, grads } = valueAndGrads(params, () => tf.add(tf.mul(frozen, tf.sum(tf.square(w))), b));
    expect(loss).toBeCloseTo(4 * 14 + 0.5, 5);
    expect(Object.keys(grads).sort()).toEqual(['b', 'w']);
    expectAllClose(grads.w, [8, 16, 24], 1e-6);
    expectAllClose(grads.b, [1], 1e-6);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose(Object.values(grads));
    expect(() => valueAndGrads(params, () => tf.mul(w, 2) as unknown as tf.Scalar)).toThrow(/scalar/);
    expect(() => valueAndGrads(new Map([['frozen', frozen]]), () => tf.sum(frozen))).toThrow(
      /no trainable parameter/,
    );
    tf.dispose([w, b, frozen, unused]);
  });

  it('noGrad: same value, but a constant for the tape (stop-gradient), and no tensor leaks', () => {
    const w = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const params = new Map([['w', w]]);
    const before = tf.memory().numTensors;
    // loss = Σ w · stop(w²): the gradient is stop(w²) = w², not 3w² as through both factors
    const detached = valueAndGrads(params, () => {
      const target = noGrad(() => tf.square(w));
      return tf.sum(tf.mul(w, target)) as tf.Scalar;
    });
    const through = valueAndGrads(params, () => tf.sum(tf.mul(w, tf.square(w))) as tf.Scalar);
    expect(detached.loss).toBeCloseTo(through.loss, 6);
    expectAllClose(detached.grads.w, [0.25, 1, 4], 1e-6);
    expectAllClose(through.grads.w, [0.75, 3, 12], 1e-6);
    tf.dispose([...Object.values(detached.grads), ...Object.values(through.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // the tape keeps no tensor of a noGrad computation (a plain one keeps its kernels' saved inputs)
    const liveDuringTape = (detach: boolean) => {
      let live = 0;
      const r = valueAndGrads(params, () => {
        const f = () => tf.tanh(tf.square(tf.mul(w, 2)));
        const t = detach ? noGrad(f) : tf.tidy(f);
        live = tf.memory().numTensors;
        return tf.sum(tf.mul(w, t)) as tf.Scalar;
      });
      tf.dispose(Object.values(r.grads));
      return live;
    };
    expect(liveDuringTape(true)).toBeLessThan(liveDuringTape(false));
    // a loss reached only through noGrad has no connection to any variable (tfjs says so)
    expect(() => valueAndGrads(params, () => tf.sum(noGrad(() => tf.mul(w, 3))) as tf.Scalar)).toThrow(
      /connection between any variable and the result/,
    );
    // outside a tape it is just the value
    const v = noGrad(() => tf.add(w, 1));
    expectAllClose(v, [1.5, 0, 3], 1e-6);
    v.dispose();
    w.dispose();
  });
});
