import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import { SelfevoError } from '@selfevo/utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { GradientNotRegisteredError, noGrad, valueAndGrads } from './train-utils.js';

describeEachBackend('valueAndGrads and noGrad', () => {
  it('valueAndGrads: loss and gradients by parameter name; frozen and unreached parameters get none', () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.variable(tf.scalar(0.5));
    const frozen = tf.variable(tf.scalar(4), false);
    const unused = tf.variable(tf.scalar(1));
    const params = new Map<string, tf.Variable>([
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

describeEachBackend('valueAndGrads when the computation fails', () => {
  const setup = () => {
    const w = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const b = tf.variable(tf.scalar(0.25));
    return {
      w,
      b,
      params: new Map<string, tf.Variable>([
        ['w', w],
        ['b', b],
      ]),
    };
  };

  it('a loss function that throws mid-forward leaks no tensor (the tape keeps none) and its error passes through', () => {
    const { w, b, params } = setup();
    const before = tf.memory().numTensors;
    const boom = new Error('loss failed');
    expect(() =>
      valueAndGrads(params, () => {
        // saved-for-backward tensors (tanh, mul) are on the tape when it throws
        const h = tf.tanh(tf.mul(w, tf.scalar(3)));
        tf.sum(tf.mul(h, b));
        throw boom;
      }),
    ).toThrow(boom);
    expect(tf.memory().numTensors).toBe(before);
    // a non-scalar loss (refused inside the tape) leaks nothing either
    expect(() => valueAndGrads(params, () => tf.tanh(tf.mul(w, b)) as unknown as tf.Scalar)).toThrow(
      /scalar/,
    );
    expect(tf.memory().numTensors).toBe(before);
    // nor a loss that reaches no parameter (tfjs refuses after the backward pass)
    const c = tf.scalar(2);
    expect(() => valueAndGrads(params, () => tf.sum(tf.mul(c, c)) as tf.Scalar)).toThrow(/connection/);
    expect(tf.memory().numTensors).toBe(before + 1);
    // and the next gradient works and is right
    const ok = valueAndGrads(params, () => tf.sum(tf.mul(w, b)) as tf.Scalar);
    expectAllClose(ok.grads.w, [0.25, 0.25, 0.25], 1e-6);
    tf.dispose([...Object.values(ok.grads), c, w, b]);
  });

  it('a backward pass that throws (a failing gradient function) leaks no tensor', () => {
    const { w, b, params } = setup();
    const failingGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.square(args[0] as tf.Tensor),
      gradFunc: () => {
        throw new Error('backend failed in the backward pass');
      },
    }));
    const before = tf.memory().numTensors;
    expect(() =>
      valueAndGrads(
        params,
        () => tf.sum(tf.add(tf.tanh(tf.mul(w, b)), failingGrad(w) as tf.Tensor)) as tf.Scalar,
      ),
    ).toThrow(/backend failed in the backward pass/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, b]);
  });

  it('a missing gradient (tfjs without registered gradients) is a GradientNotRegisteredError telling to call useBackend(), with no leak', () => {
    const { w, b, params } = setup();
    const tanhGrad = tf.getGradient('Tanh')!;
    expect(tanhGrad).toBeDefined();
    tf.unregisterGradient('Tanh'); // what a process that never called useBackend() looks like
    try {
      const before = tf.memory().numTensors;
      let caught: unknown;
      try {
        valueAndGrads(params, () => tf.sum(tf.tanh(tf.mul(w, b))) as tf.Scalar);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(GradientNotRegisteredError);
      expect(caught).toBeInstanceOf(SelfevoError);
      const err = caught as GradientNotRegisteredError;
      expect(err.kernelName).toBe('Tanh');
      expect(err.message).toMatch(/gradient function not found for Tanh/);
      expect(err.message).toMatch(/useBackend\(\) from @selfevo\/backend/);
      expect((err.cause as Error).message).toMatch(/Cannot compute gradient/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.registerGradient(tanhGrad);
    }
    const ok = valueAndGrads(params, () => tf.sum(tf.tanh(tf.mul(w, b))) as tf.Scalar);
    expect(Object.keys(ok.grads).sort()).toEqual(['b', 'w']);
    tf.dispose([...Object.values(ok.grads), w, b]);
  });
});
