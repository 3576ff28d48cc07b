// LayerNorm's ε belongs inside the square root: y = (x − μ)/sqrt(σ² + ε)·γ + β. Every fixture
// uses ε = 1e-12, where ε placement makes no difference; these tests use a large ε on
// small-variance rows, where sqrt(σ²) + ε, 1/sqrt(σ²) + ε or no ε at all are far off.
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BertModel, layerNorm, makeConfig } from './index.js';

/** Float64 reference over the last axis (biased variance): rows of `x` [N·H] normalized. */
function layerNormRef(
  x: ArrayLike<number>,
  H: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  eps: number,
) {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / H; r++) {
    let mu = 0;
    for (let j = 0; j < H; j++) mu += x[r * H + j];
    mu /= H;
    let v = 0;
    for (let j = 0; j < H; j++) v += (x[r * H + j] - mu) ** 2;
    v /= H;
    for (let j = 0; j < H; j++)
      out[r * H + j] = ((x[r * H + j] - mu) / Math.sqrt(v + eps)) * gamma[j] + beta[j];
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describeEachBackend('LayerNorm ε inside the square root', () => {
  it('layerNorm with ε = 0.1 and 1 on rows of variance ~1e-4 matches (x − μ)/sqrt(σ² + ε)·γ + β', () => {
    const H = 6;
    // [3, 2, H]: small-variance rows (σ² from 1e-6 to 1e-3), a constant offset that μ removes.
    const x = Float32Array.from(
      { length: 3 * 2 * H },
      (_, i) => 2 + 0.01 * Math.sin(1.7 * i + 0.3) * (1 + (i % 3)),
    );
    const gamma = Float32Array.from({ length: H }, (_, j) => 0.5 + 0.25 * j);
    const beta = Float32Array.from({ length: H }, (_, j) => 0.1 * j - 0.2);
    for (const eps of [1e-1, 1]) {
      const y = tf.tidy(() =>
        layerNorm(tf.tensor3d(x, [3, 2, H]), tf.tensor1d(gamma), tf.tensor1d(beta), eps),
      );
      expect(y.shape).toEqual([3, 2, H]);
      const got = y.dataSync();
      y.dispose();
      const want = layerNormRef(x, H, gamma, beta, eps);
      // The normalized part is ≤ ~0.17 (ε = 0.1) or ≤ ~0.05 (ε = 1); a misplaced ε moves it by ~1.
      expect(maxAbsDiff(got, want), `ε = ${eps}`).toBeLessThan(1e-6);
      // Sanity of the setting: with ε dominating, the output stays close to β (not a unit-variance row).
      expect(
        maxAbsDiff(
          got,
          Float64Array.from({ length: x.length }, (_, i) => beta[i % H]),
        ),
      ).toBeLessThan(0.2);
    }
  });

  it('the ε gradient path: d/dx of Σ w·LN(x) with ε = 0.5 matches central differences in float64', () => {
    const H = 4;
    const x = Float32Array.from([0.3, 0.31, 0.27, 0.35, -1, -1.02, -0.97, -1.01]);
    const gamma = Float32Array.from([1, 2, 0.5, -1]);
    const beta = Float32Array.from([0, 0.1, 0, -0.1]);
    const w = Float32Array.from([1, -2, 3, 0.5, -1, 0.25, 2, 1]);
    const eps = 0.5;
    const g = tf.tidy(() =>
      tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(layerNorm(t, tf.tensor1d(gamma), tf.tensor1d(beta), eps), tf.tensor2d(w, [2, H]))),
      )(tf.tensor2d(x, [2, H])),
    );
    const got = g.dataSync();
    g.dispose();
    const f = (xs: Float64Array) =>
      layerNormRef(xs, H, gamma, beta, eps).reduce((a, y, i) => a + y * w[i], 0);
    const want = new Float64Array(x.length);
    const h = 1e-6;
    for (let i = 0; i < x.length; i++) {
      const p = Float64Array.from(x);
      const m = Float64Array.from(x);
      p[i] += h;
      m[i] -= h;
      want[i] = (f(p) - f(m)) / (2 * h);
    }
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
  });

  it('BertModel honours config.layerNormEps: the embedding output is LN(word + position + type) with ε = 1', () => {
    const config = makeConfig({
      vocabSize: 20,
      hiddenSize: 8,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 16,
      maxPositionEmbeddings: 8,
      layerNormEps: 1,
      hiddenDropoutProb: 0,
      attentionProbsDropoutProb: 0,
    });
    const model = new BertModel(config, { seed: 7, addPoolingLayer: false });
    const P = model.namedParameters();
    const H = config.hiddenSize;
    const gamma = Float32Array.from({ length: H }, (_, j) => 1 + 0.1 * j);
    const beta = Float32Array.from({ length: H }, (_, j) => 0.05 * j);
    P.get('bert.embeddings.LayerNorm.weight')!.assign(tf.tensor1d(gamma));
    P.get('bert.embeddings.LayerNorm.bias')!.assign(tf.tensor1d(beta));
    const ids = [2, 5, 11, 7, 3];
    const T = ids.length;
    const out = model.forward({
      inputIds: { data: Int32Array.from(ids), shape: [1, T] },
      outputHiddenStates: true,
    });
    const emb = out.hiddenStates![0];
    expect(emb.shape).toEqual([1, T, H]);
    const word = P.get('bert.embeddings.word_embeddings.weight')!.dataSync();
    const pos = P.get('bert.embeddings.position_embeddings.weight')!.dataSync();
    const type = P.get('bert.embeddings.token_type_embeddings.weight')!.dataSync();
    const sum = new Float64Array(T * H);
    for (let t = 0; t < T; t++)
      for (let j = 0; j < H; j++) sum[t * H + j] = word[ids[t] * H + j] + pos[t * H + j] + type[j];
    // initializerRange 0.02: σ² of the summed row is ~1e-3, far below ε = 1.
    const want = layerNormRef(sum, H, gamma, beta, 1);
    expectAllClose(emb, want, 1e-6);
    // The same model with ε = 1e-12 normalizes to unit variance: ε really reaches the op.
    const tight = new BertModel({ ...config, layerNormEps: 1e-12 }, { seed: 7, addPoolingLayer: false });
    for (const [name, v] of P) tight.namedParameters().get(name)!.assign(v);
    const outTight = tight.forward({
      inputIds: { data: Int32Array.from(ids), shape: [1, T] },
      outputHiddenStates: true,
    });
    expectAllClose(outTight.hiddenStates![0], layerNormRef(sum, H, gamma, beta, 1e-12), 1e-4);
    expect(maxAbsDiff(outTight.lastHiddenState.dataSync(), out.lastHiddenState.dataSync())).toBeGreaterThan(
      0.1,
    );
    tf.dispose([
      out.lastHiddenState,
      ...out.hiddenStates!,
      outTight.lastHiddenState,
      ...outTight.hiddenStates!,
    ]);
    model.dispose();
    tight.dispose();
  });
});
