import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import { cosine, promptSimilarity, promptTokens, rankSources, spotInit } from './spot.js';

const p = (rows: number[][]) => ({
  shape: [rows.length, rows[0].length],
  data: Float32Array.from(rows.flat()),
});
const S2 = Math.SQRT1_2;

describeEachBackend('SPoT similarity', () => {
  it('(a) cosine of the average token and (b) average per-token cosine, by hand', () => {
    const a = p([
      [1, 0],
      [0, 1],
    ]);
    const b = p([
      [1, 1],
      [1, -1],
    ]);
    // (a) mean a = [.5, .5], mean b = [1, 0] → cos = .5 / (√.5 · 1) = 1/√2
    expect(promptSimilarity(a, b, 'cosine-of-average')).toBeCloseTo(S2, 12);
    // (b) cosines: a1·b1 = 1/√2, a1·b2 = 1/√2, a2·b1 = 1/√2, a2·b2 = −1/√2 → (2/√2) / 4
    expect(promptSimilarity(a, b, 'average-cosine')).toBeCloseTo(Math.SQRT2 / 4, 12);
    expect(promptSimilarity(a, a, 'cosine-of-average')).toBeCloseTo(1, 12);
    // (b) of a with itself: (1 + 0 + 0 + 1) / 4
    expect(promptSimilarity(a, a, 'average-cosine')).toBeCloseTo(0.5, 12);
    // lengths may differ: [3, 4] vs two rows
    const c = p([[3, 4]]);
    expect(promptSimilarity(c, a, 'average-cosine')).toBeCloseTo((0.6 + 0.8) / 2, 12);
  });

  it('accepts tensors (read on this backend) with the same result', () => {
    const a = tf.tensor2d([
      [0.2, -1, 3],
      [1, 1, 0.5],
    ]);
    const b = tf.tensor2d([
      [1, 2, 3],
      [-1, 0, 2],
      [0, 0, 1],
    ]);
    const ma = [0.6, 0, 1.75];
    const mb = [0, 2 / 3, 2];
    const exp = cosine(ma, mb);
    expect(promptSimilarity(a, b)).toBeCloseTo(exp, 6);
    tf.dispose([a, b]);
  });

  it('views prefixes [N, 2, L, H] as L tokens of width 2·N·H', () => {
    // N=2, L=2, H=1: value at [n, k, l, 0] = 10n + 5k + l
    const data = Float32Array.from([0, 1, 5, 6, 10, 11, 15, 16]);
    const t = promptTokens({ shape: [2, 2, 2, 1], data });
    expect([t.rows, t.cols]).toEqual([2, 4]);
    expectAllClose(Array.from(t.data), [0, 5, 10, 15, 1, 6, 11, 16], 0);
  });

  it('ranks sources and mixes the top k with weights sim / Σ sim', () => {
    const target = p([
      [1, 0],
      [1, 0],
    ]);
    const sources = [
      { name: 'far', prompt: p([[0, 1]]) }, // cos 0
      {
        name: 'near',
        prompt: p([
          [2, 0],
          [2, 0],
        ]),
      }, // cos 1
      {
        name: 'mid',
        prompt: p([
          [1, 1],
          [1, 1],
        ]),
      }, // cos 1/√2
    ];
    const ranking = rankSources(target, sources);
    expect(ranking.map((r) => r.name)).toEqual(['near', 'mid', 'far']);
    expect(ranking[1].similarity).toBeCloseTo(S2, 12);
    const mix = spotInit(
      target,
      sources.filter((s) => s.name !== 'far'),
      { topK: 2 },
    );
    const wNear = 1 / (1 + S2);
    const wMid = S2 / (1 + S2);
    expect(mix.weights.map((w) => w.name)).toEqual(['near', 'mid']);
    expect(mix.weights[0].weight).toBeCloseTo(wNear, 12);
    expect(mix.weights[1].weight).toBeCloseTo(wMid, 12);
    expectAllClose(mix.prompt.data, [2 * wNear + wMid, wMid, 2 * wNear + wMid, wMid], 1e-6);
    const best = spotInit(target, sources);
    expectAllClose(best.prompt.data, [2, 0, 2, 0], 0);
  });

  it('fails clearly: non-positive weights, unequal shapes, width mismatch, bad topK', () => {
    const t = p([[1, 0]]);
    const neg = [
      { name: 'x', prompt: p([[1, 0]]) },
      { name: 'y', prompt: p([[-1, 0]]) },
    ];
    expect(() => spotInit(t, neg, { topK: 2 })).toThrow(PromptConfigError);
    expect(() => spotInit(t, neg, { topK: 2 })).toThrow(/topK.*y.*≤ 0/);
    expect(() => spotInit(t, neg, { topK: 3 })).toThrow(/topK: must be an integer in \[1, 2\]/);
    const unequal = [
      { name: 'x', prompt: p([[1, 0]]) },
      {
        name: 'z',
        prompt: p([
          [1, 0],
          [1, 0.1],
        ]),
      },
    ];
    expect(() => spotInit(t, unequal, { topK: 2 })).toThrow(PromptMismatchError);
    expect(() => promptSimilarity(t, p([[1, 0, 0]]))).toThrow(/token width 3 differs from 2/);
    expect(() => rankSources(t, [neg[0], neg[0]])).toThrow(/duplicate source name x/);
  });
});
