import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ADAMW_KERNEL_NAME, AdamW, type AdamWOptions } from './adamw.js';
import { ConfigError } from './errors.js';
import { setFusedKernels } from './fused-kernels.js';
import { clipByGlobalNorm, clipCoefficient, GradientAccumulator, squaredGlobalNorm } from './grad-utils.js';
import { learningRateAt } from './schedule.js';

/** Textbook (PyTorch) AdamW in float64 on plain arrays. */
function adamwRef(
  p: number[],
  grads: number[][],
  o: { lr: number; b1: number; b2: number; eps: number; wd: number; decay: boolean },
) {
  const x = [...p];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, i) => {
    const t = i + 1;
    for (let j = 0; j < x.length; j++) {
      if (o.decay) x[j] *= 1 - o.lr * o.wd;
      m[j] = o.b1 * m[j] + (1 - o.b1) * g[j];
      v[j] = o.b2 * v[j] + (1 - o.b2) * g[j] * g[j];
      const denom = Math.sqrt(v[j]) / Math.sqrt(1 - o.b2 ** t) + o.eps;
      x[j] -= (o.lr / (1 - o.b1 ** t)) * (m[j] / denom);
    }
  });
  return x;
}

describeEachBackend('AdamW', () => {
  it('the wasm backend registers the fused AdamW kernel under the name AdamW looks for', () => {
    const registered = tf.getKernel(ADAMW_KERNEL_NAME, tf.getBackend()) != null;
    expect(registered).toBe(tf.getBackend() === 'wasm');
  });

  it.each([true, false])(
    'three steps equal the float64 textbook update within 1e-6 (decay on matrices only; fused %s)',
    (fused) => {
      const w0 = [0.5, -1.2, 0.3, 2.0, -0.7, 0.1];
      const b0 = [0.25, -0.5];
      const gw = [
        [0.1, -0.2, 0.3, 0.05, -0.4, 1.5],
        [-0.3, 0.2, 0.01, 0.5, 0.2, -1.0],
        [0.7, 0.0, -0.3, 0.2, 0.1, 0.3],
      ];
      const gb = [
        [0.2, -0.1],
        [0.4, 0.3],
        [-0.5, 0.05],
      ];
      const w = tf.variable(tf.tensor2d(w0, [2, 3]));
      const b = tf.variable(tf.tensor1d(b0));
      const params = new Map<string, tf.Variable>([
        ['w', w],
        ['b', b],
      ]);
      const opt = new AdamW(params, { lr: 0.05, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.1, fused });
      const before = tf.memory().numTensors;
      for (let s = 0; s < 3; s++) {
        const g = { w: tf.tensor2d(gw[s], [2, 3]), b: tf.tensor1d(gb[s]) };
        opt.step(g);
        tf.dispose(Object.values(g));
      }
      expect(opt.stepCount).toBe(3);
      const o = { lr: 0.05, b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.1 };
      expectAllClose(w, adamwRef(w0, gw, { ...o, decay: true }), 1e-6);
      expectAllClose(b, adamwRef(b0, gb, { ...o, decay: false }), 1e-6);
      // moments (2 per parameter) are the only new tensors
      expect(tf.memory().numTensors).toBe(before + 4);
      const state = opt.getState();
      expect(state.step).toBe(3);
      const opt2 = new AdamW(params, { lr: 0.05, betas: [0.9, 0.99], weightDecay: 0.1 });
      opt2.setState(state);
      expectAllClose(opt2.getState().m.w, state.m.w, 0);
      tf.dispose([...Object.values(state.m), ...Object.values(state.v)]);
      opt.dispose();
      opt2.dispose();
      w.dispose();
      b.dispose();
    },
  );
});

describeEachBackend('AdamW gradScale (clipping folded into the update)', () => {
  it('equals a step on clipByGlobalNorm’s scaled copy, bit for bit, fused or not; refuses a bad scale', () => {
    const grads = () => ({
      w: tf.tensor2d([
        [0.3, -2, 7.5],
        [1e-3, 4, -0.25],
      ]),
      b: tf.tensor1d([9, -9]),
    });
    const make = () => {
      const w = tf.tidy(() =>
        tf.variable(
          tf.tensor2d([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
      );
      const b = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -0.5])));
      const params = new Map<string, tf.Variable>([
        ['w', w],
        ['b', b],
      ]);
      return { params, opt: new AdamW(params, { lr: 0.01, weightDecay: 0.1 }) };
    };
    const finish = (m: ReturnType<typeof make>) => {
      const out = [...m.params.values()].flatMap((v) => Array.from(v.dataSync()));
      m.opt.dispose();
      tf.dispose([...m.params.values()]);
      return out;
    };
    for (const fused of [true, false]) {
      const was = setFusedKernels(fused);
      const before = tf.memory().numTensors;
      const folded = make();
      const copied = make();
      for (let step = 0; step < 3; step++) {
        const g = grads();
        const clipped = clipByGlobalNorm(g, 2);
        folded.opt.step(g, 0.01, { gradScale: clipCoefficient(clipped.globalNorm, 2) });
        copied.opt.step(clipped.grads, 0.01);
        tf.dispose([...Object.values(g), ...Object.values(clipped.grads)]);
      }
      const a = finish(folded);
      const c = finish(copied);
      expect(a).toEqual(c);
      expect(a[0]).not.toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      setFusedKernels(was);
    }
    const m = make();
    const g = grads();
    expect(() => m.opt.step(g, 0.01, { gradScale: Number.NaN })).toThrow(ConfigError);
    expect(() => m.opt.step(g, 0.01, { gradScale: -1 })).toThrow(
      /gradScale must be a finite number ≥ 0, got -1/,
    );
    tf.dispose(Object.values(g));
    finish(m);
  });
});

describeEachBackend('AdamW parameter groups', () => {
  it.each([true, false])(
    'each group gets its own lr and weight decay, all scaled by the schedule (float64 reference; fused %s)',
    (fused) => {
      const init = {
        'enc.w': [0.5, -1.2, 0.3, 2.0],
        'enc.b': [0.25, -0.5],
        'prompt.emb': [1.0, -0.4, 0.7, 0.2],
      };
      const shapes = { 'enc.w': [2, 2], 'enc.b': [2], 'prompt.emb': [2, 2] };
      const gradsAt = (s: number, name: string) =>
        init[name as keyof typeof init].map((x, j) => 0.3 * Math.sin(7 * s + 3 * j + x));
      const params = new Map<string, tf.Variable>(
        Object.entries(init).map(([k, v]) => [
          k,
          tf.variable(tf.tensor(v, shapes[k as keyof typeof shapes])),
        ]),
      );
      const base = { lr: 0.05, betas: [0.9, 0.99] as [number, number], eps: 1e-8, weightDecay: 0.1, fused };
      const opt = new AdamW(params, {
        ...base,
        parameterGroups: [
          { params: /^prompt\./, lr: 0.3, weightDecay: 0 }, // first match wins
          { params: ['prompt.emb', 'enc.b'], weightDecay: 0.5 }, // bias decays: the group sets it
          { params: (n) => n.startsWith('enc.'), lr: 0.01 }, // never reached by enc.b (group 1 has it)
        ],
      });
      // the schedule halves the base rate at step 2 and quarters it at step 3
      const baseLrs = [0.05, 0.025, 0.0125];
      for (let s = 0; s < 3; s++) {
        const g: Record<string, tf.Tensor> = {};
        for (const [k, p] of params) g[k] = tf.tensor(gradsAt(s, k), p.shape);
        opt.step(g, baseLrs[s]);
        tf.dispose(Object.values(g));
      }
      // float64 reference with per-step lr: one AdamW per parameter and its group's lr and wd
      const ref = (name: keyof typeof init, lrAtBase: number, wd: number) => {
        const x = [...init[name]];
        const m = x.map(() => 0);
        const v = x.map(() => 0);
        for (let s = 0; s < 3; s++) {
          const t = s + 1;
          const lr = (lrAtBase * baseLrs[s]) / base.lr;
          const g = gradsAt(s, name);
          for (let j = 0; j < x.length; j++) {
            x[j] *= 1 - lr * wd;
            m[j] = 0.9 * m[j] + 0.1 * g[j];
            v[j] = 0.99 * v[j] + 0.01 * g[j] * g[j];
            x[j] -= (lr / (1 - 0.9 ** t)) * (m[j] / (Math.sqrt(v[j]) / Math.sqrt(1 - 0.99 ** t) + 1e-8));
          }
        }
        return x;
      };
      expectAllClose(params.get('prompt.emb')!, ref('prompt.emb', 0.3, 0), 1e-6);
      expectAllClose(params.get('enc.b')!, ref('enc.b', 0.05, 0.5), 1e-6);
      expectAllClose(params.get('enc.w')!, ref('enc.w', 0.01, 0.1), 1e-6);
      expect(opt.hyperParameters('enc.w', 0.025)).toEqual({ lr: 0.005, weightDecay: 0.1 });
      // the state stays per parameter: a copy restored into a second optimizer continues identically
      const state = opt.getState();
      expect(Object.keys(state.m).sort()).toEqual(['enc.b', 'enc.w', 'prompt.emb']);
      tf.dispose([...Object.values(state.m), ...Object.values(state.v)]);
      opt.dispose();
      for (const p of params.values()) p.dispose();
    },
  );

  it('rejects groups naming unknown parameters, bad values, and group lrs without a base lr', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const params = new Map([['w', w]]);
    expect(() => new AdamW(params, { parameterGroups: [{ params: ['x'] }] })).toThrow(
      /parameterGroups\[0\]\.params names "x"/,
    );
    expect(() => new AdamW(params, { parameterGroups: [{ params: /w/, lr: -1 }] })).toThrow(
      /parameterGroups\[0\]\.lr/,
    );
    expect(() => new AdamW(params, { parameterGroups: [{ params: /w/, weightDecay: Number.NaN }] })).toThrow(
      /weightDecay/,
    );
    expect(() => new AdamW(params, { lr: 0, parameterGroups: [{ params: /w/, lr: 0.1 }] })).toThrow(
      /base lr > 0/,
    );
    expect(() => new AdamW(params, { parameterGroups: [{ params: 'w' as never }] })).toThrow(
      /list of names, a RegExp or a function/,
    );
    w.dispose();
  });

  it('rejects impossible base options with a ConfigError naming the option and value', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const params = new Map([['w', w]]);
    const bad: [AdamWOptions, string, string][] = [
      [{ lr: -0.01 }, 'AdamW.lr', '-0.01'],
      [{ lr: Number.NaN }, 'AdamW.lr', 'NaN'],
      [{ lr: Number.POSITIVE_INFINITY }, 'AdamW.lr', 'Infinity'],
      [{ eps: -1e-8 }, 'AdamW.eps', '-1e-8'],
      [{ eps: 0 }, 'AdamW.eps', '0'],
      [{ betas: [1, 0.999] }, 'AdamW.betas', '[1,0.999]'],
      [{ betas: [0.9, -0.1] }, 'AdamW.betas', '[0.9,-0.1]'],
      [{ betas: [0.9] as never }, 'AdamW.betas', '[0.9]'],
      [{ weightDecay: -0.01 }, 'AdamW.weightDecay', '-0.01'],
      [{ weightDecay: Number.NaN }, 'AdamW.weightDecay', 'NaN'],
    ];
    for (const [opts, field, shown] of bad) {
      let caught: unknown;
      try {
        new AdamW(params, opts);
      } catch (e) {
        caught = e;
      }
      expect(caught, field).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field).toBe(field);
      expect((caught as Error).message).toContain(`got ${shown}`);
    }
    w.dispose();
  });
});

describe('learningRateAt', () => {
  const o = { peakLr: 1, warmupSteps: 10, totalSteps: 110 };
  it('warms up linearly from 0 (HF semantics)', () => {
    expect(learningRateAt(0, { ...o, schedule: 'linear' })).toBe(0);
    expect(learningRateAt(5, { ...o, schedule: 'cosine' })).toBeCloseTo(0.5);
    expect(learningRateAt(10, { ...o, schedule: 'constant' })).toBe(1);
  });
  it('decays linearly / by cosine to minLr', () => {
    expect(learningRateAt(60, { ...o, schedule: 'linear' })).toBeCloseTo(0.5);
    expect(learningRateAt(110, { ...o, schedule: 'linear' })).toBe(0);
    expect(learningRateAt(60, { ...o, schedule: 'cosine' })).toBeCloseTo(0.5);
    expect(learningRateAt(35, { ...o, schedule: 'cosine' })).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)));
    expect(learningRateAt(500, { ...o, schedule: 'cosine', minLr: 0.1 })).toBeCloseTo(0.1);
    expect(learningRateAt(1000, { ...o, schedule: 'constant' })).toBe(1);
  });
});

describeEachBackend('clipByGlobalNorm and GradientAccumulator', () => {
  it('scales to maxNorm only when above it', () => {
    const g = { a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) };
    const { grads, globalNorm } = clipByGlobalNorm(g, 1);
    expect(globalNorm).toBeCloseTo(5, 5);
    expectAllClose(grads.a, [0.6, 0], 1e-6);
    expectAllClose(grads.b, [0, 0.8], 1e-6);
    const same = clipByGlobalNorm(g, 10);
    expectAllClose(same.grads.a, [3, 0], 0);
    tf.dispose([...Object.values(g), ...Object.values(grads), ...Object.values(same.grads)]);
  });
  it('averages micro-batch gradients', () => {
    const acc = new GradientAccumulator();
    const n0 = tf.memory().numTensors;
    for (const x of [1, 2, 6]) {
      const g = { a: tf.tensor1d([x, -x]) };
      acc.add(g);
      g.a.dispose();
    }
    const m = acc.mean();
    expectAllClose(m.a, [3, -3], 1e-6);
    m.a.dispose();
    acc.reset();
    expect(tf.memory().numTensors).toBe(n0);
    // one micro-batch: the mean is that gradient, exactly
    const g = { a: tf.tensor1d([0.1, -7.3]) };
    acc.add(g);
    const one = acc.mean();
    expect(Array.from(one.a.dataSync())).toEqual(Array.from(g.a.dataSync()));
    tf.dispose([g.a, one.a]);
    acc.reset();
    expect(tf.memory().numTensors).toBe(n0);
  });
  it('squaredGlobalNorm is Σ g² over every gradient, fused (where the backend has it) or not', () => {
    const n0 = tf.memory().numTensors;
    const g = {
      big: tf.tensor1d(Float32Array.from({ length: 70_001 }, (_, i) => Math.sin(i) * 2)),
      w: tf.tensor2d([[3, -4]]),
      empty: tf.zeros([0, 5]),
    };
    let want = 25;
    for (let i = 0; i < 70_001; i++) want += Math.fround(Math.sin(i) * 2) ** 2;
    const read = () => {
      const t = squaredGlobalNorm(g);
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    };
    const fused = read();
    const was = setFusedKernels(false);
    const chain = read();
    setFusedKernels(was);
    expect(Math.abs(fused - want) / want).toBeLessThan(1e-6);
    expect(Math.abs(chain - want) / want).toBeLessThan(1e-5);
    const none = squaredGlobalNorm({});
    expect(none.dataSync()[0]).toBe(0);
    tf.dispose([...Object.values(g), none]);
    expect(tf.memory().numTensors).toBe(n0);
  });
});
