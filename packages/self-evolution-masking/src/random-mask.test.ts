import { SeededRandom } from '@selfevo/encoder-model';
import { describe, expect, it } from 'vitest';
import { MaskingConfigError, randomMask, ShapeMismatchError, spanMask, wholeWordMask } from './index.js';
import { MASK, measure, SPECIAL_IDS, syntheticBatch, VOCAB } from './test-fixtures/synthetic-batch.js';
import type { MaskedBatch, TokenBatch } from './token-batch.js';

const base = { maskTokenId: MASK, vocabSize: VOCAB, specialTokenIds: SPECIAL_IDS };
// ~1.05M maskable tokens: the Bernoulli(0.15) rate has a std of 3.5e-4, so a 1% relative bound
// (1.5e-3) is > 4 std; the 80/10/10 shares are checked to 1 percentage point.
const big = syntheticBatch(8192, 160, 1, 100);

/** Labels, ids and positions agree: −100 and unchanged off the targets, original id at them. */
function checkInvariants(batch: TokenBatch, m: MaskedBatch): void {
  const problems: string[] = [];
  for (let k = 1; k < m.maskedPositions.length; k++)
    if (m.maskedPositions[k] <= m.maskedPositions[k - 1]) problems.push(`positions not ascending at ${k}`);
  let labelled = 0;
  for (let i = 0; i < m.labels.length && problems.length < 5; i++) {
    if (m.labels[i] === -100) {
      if (m.inputIds[i] !== batch.inputIds[i]) problems.push(`unlabelled position ${i} changed`);
      continue;
    }
    labelled++;
    if (m.labels[i] !== batch.inputIds[i]) problems.push(`label at ${i} is not the original id`);
  }
  expect(problems).toEqual([]);
  expect(labelled).toBe(m.maskedPositions.length);
  expect(m.originalInputIds).toBe(batch.inputIds);
}

/** Number of words (consecutive tokens with one word id) that are only partly masked. */
function splitWords(batch: TokenBatch, m: MaskedBatch): number {
  let split = 0;
  for (let i = 1; i < batch.inputIds.length; i++) {
    const w = batch.wordIds![i];
    if (w < 0 || i % batch.seqLength === 0 || batch.wordIds![i - 1] !== w) continue;
    if ((m.labels[i] !== -100) !== (m.labels[i - 1] !== -100)) split++;
  }
  return split;
}

describe('randomMask', () => {
  for (const probabilisticRounding of [false, true]) {
    it(`hits the configured rates within 1% over 1M tokens (probabilisticRounding: ${probabilisticRounding})`, () => {
      const m = randomMask(big, { ...base, seed: 7, probabilisticRounding });
      const r = measure(big, m);
      console.log(`randomMask probabilisticRounding=${probabilisticRounding}: ${JSON.stringify(r)}`);
      expect(r.candidates).toBeGreaterThan(1_000_000);
      expect(r.specialOrPadChosen).toBe(0);
      expect(Math.abs(r.chosenRate - 0.15) / 0.15).toBeLessThan(0.01);
      expect(Math.abs(r.maskShare - 0.8)).toBeLessThan(0.01);
      expect(Math.abs(r.randomShare - 0.1)).toBeLessThan(0.01);
      expect(Math.abs(r.keepShare - 0.1)).toBeLessThan(0.01);
      checkInvariants(big, m);
    });
  }

  it('follows other option values too (HF names)', () => {
    const m = randomMask(big, {
      ...base,
      seed: 8,
      mlmProbability: 0.3,
      maskReplaceProb: 0.5,
      randomReplaceProb: 0.3,
    });
    const r = measure(big, m);
    expect(Math.abs(r.chosenRate - 0.3) / 0.3).toBeLessThan(0.01);
    expect(Math.abs(r.maskShare - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(r.randomShare - 0.3)).toBeLessThan(0.01);
    const all = randomMask(big, {
      ...base,
      seed: 9,
      mlmProbability: 1,
      maskReplaceProb: 1,
      randomReplaceProb: 0,
    });
    const ra = measure(big, all);
    expect(ra.chosenRate).toBe(1);
    expect(ra.maskShare).toBe(1);
    expect(ra.specialOrPadChosen).toBe(0);
  });

  it('probabilistic rounding picks floor(p·n + U) tokens per sequence', () => {
    const b = syntheticBatch(500, 40, 3);
    const m = randomMask(b, { ...base, seed: 1, probabilisticRounding: true });
    for (let row = 0; row < 500; row++) {
      let n = 0;
      let k = 0;
      for (let t = 0; t < 40; t++) {
        const i = row * 40 + t;
        if (b.attentionMask![i] && !b.specialTokensMask![i]) n++;
        if (m.labels[i] !== -100) k++;
      }
      expect(k === Math.floor(0.15 * n) || k === Math.floor(0.15 * n) + 1).toBe(true);
    }
  });

  it('probabilistic rounding is unbiased: n = 16 gives 3 targets in 40% of sequences, else 2', () => {
    const rows = 4000;
    const b = syntheticBatch(rows, 18, 8, 18);
    const m = randomMask(b, { ...base, seed: 3, probabilisticRounding: true });
    const counts = new Array(18).fill(0);
    for (let r = 0; r < rows; r++) {
      let k = 0;
      for (let t = 0; t < 18; t++) if (m.labels[r * 18 + t] !== -100) k++;
      counts[k]++;
    }
    expect(counts[2] + counts[3]).toBe(rows);
    expect(Math.abs(counts[3] / rows - 0.4)).toBeLessThan(0.03);
  });

  it('never masks special tokens or padding and never inserts special ids', () => {
    // Special tokens known only by id (no specialTokensMask) are excluded too.
    const b = syntheticBatch(300, 64, 4);
    const noMask = { ...b, specialTokensMask: undefined };
    for (const m of [
      randomMask(noMask, { ...base, seed: 2, mlmProbability: 1 }),
      wholeWordMask(b, { ...base, seed: 2, mlmProbability: 0.9 }),
      spanMask(b, { ...base, seed: 2, mlmProbability: 0.9 }),
    ]) {
      const r = measure(b, m);
      expect(r.specialOrPadChosen).toBe(0);
      for (const i of m.maskedPositions) {
        const id = m.inputIds[i];
        if (id !== MASK) expect(SPECIAL_IDS.includes(id)).toBe(false);
      }
      checkInvariants(b, m);
    }
  });

  it('is deterministic in the seed; a passed rng advances', () => {
    const b = syntheticBatch(64, 32, 5);
    const a1 = randomMask(b, { ...base, seed: 11 });
    const a2 = randomMask(b, { ...base, seed: 11 });
    const a3 = randomMask(b, { ...base, seed: 12 });
    expect(a2.inputIds).toEqual(a1.inputIds);
    expect(a2.maskedPositions).toEqual(a1.maskedPositions);
    expect(a3.maskedPositions).not.toEqual(a1.maskedPositions);
    const rng = new SeededRandom(11);
    const r1 = randomMask(b, { ...base, rng });
    const r2 = randomMask(b, { ...base, rng });
    expect(r1.inputIds).toEqual(a1.inputIds);
    expect(r2.maskedPositions).not.toEqual(r1.maskedPositions);
  });

  it('rejects bad options and batches, naming the parameter', () => {
    const b = syntheticBatch(2, 16, 6);
    const err = (f: () => unknown, re: RegExp, cls: unknown = MaskingConfigError) => {
      expect(f).toThrow(cls as never);
      expect(f).toThrow(re);
    };
    err(() => randomMask(b, { ...base }), /seed/);
    err(() => randomMask(b, { ...base, seed: 1, mlmProbability: 1.5 }), /mlmProbability/);
    err(() => randomMask(b, { ...base, seed: 1, maskReplaceProb: 0.95 }), /randomReplaceProb/);
    err(() => randomMask(b, { maskTokenId: MASK, seed: 1 }), /vocabSize/);
    err(() => randomMask(b, { ...base, maskTokenId: -1, seed: 1 }), /maskTokenId/);
    err(() => randomMask({ ...b, seqLength: 15 }, { ...base, seed: 1 }), /inputIds/, ShapeMismatchError);
    err(
      () => randomMask({ ...b, attentionMask: new Int32Array(3) }, { ...base, seed: 1 }),
      /attentionMask/,
      ShapeMismatchError,
    );
    err(
      () => wholeWordMask({ ...b, wordIds: undefined }, { ...base, seed: 1 }),
      /wordIds/,
      ShapeMismatchError,
    );
    err(() => spanMask(b, { ...base, seed: 1, geometricP: 0 }), /geometricP/);
    err(() => spanMask(b, { ...base, seed: 1, maxSpanLength: 0 }), /maxSpanLength/);
  });
});

describe('wholeWordMask', () => {
  it('masks whole words only, at the configured rate within 1%', () => {
    const m = wholeWordMask(big, { ...base, seed: 21 });
    const r = measure(big, m);
    console.log(`wholeWordMask: ${JSON.stringify(r)}`);
    expect(Math.abs(r.chosenRate - 0.15) / 0.15).toBeLessThan(0.01);
    expect(Math.abs(r.maskShare - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(r.randomShare - 0.1)).toBeLessThan(0.01);
    expect(r.specialOrPadChosen).toBe(0);
    // Every word is entirely in or entirely out.
    expect(splitWords(big, m)).toBe(0);
    checkInvariants(big, m);
  });
});

describe('spanMask', () => {
  it('masks geometric-length contiguous spans at the configured rate within 1%', () => {
    const b = { ...big, wordIds: undefined };
    const m = spanMask(b, { ...base, seed: 31 });
    const r = measure(b, m);
    console.log(`spanMask: ${JSON.stringify(r)}`);
    expect(Math.abs(r.chosenRate - 0.15) / 0.15).toBeLessThan(0.01);
    expect(Math.abs(r.maskShare - 0.8)).toBeLessThan(0.015);
    expect(r.specialOrPadChosen).toBe(0);
    checkInvariants(b, m);
  });

  it('samples truncated Geometric(0.2) lengths with the right mean', async () => {
    const { GeometricLength } = await import('./index.js');
    const g = new GeometricLength({ geometricP: 0.2, maxSpanLength: 10 });
    const rng = new SeededRandom(3);
    let s = 0;
    const counts = new Array(11).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const l = g.sample(rng);
      counts[l]++;
      s += l;
    }
    expect(counts[0]).toBe(0);
    // Truncated pmf p(1−p)^(k−1) / Σ: mean 3.797 (SpanBERT reports 3.8).
    expect(g.mean).toBeCloseTo(3.797, 3);
    expect(Math.abs(s / n - g.mean)).toBeLessThan(0.02);
    expect(counts[1] / n).toBeCloseTo(0.2 / (1 - 0.8 ** 10), 2);
  });

  it('keeps whole words when wordIds are given', () => {
    const m = spanMask(big, { ...base, seed: 32 });
    const r = measure(big, m);
    expect(Math.abs(r.chosenRate - 0.15)).toBeLessThan(0.01);
    expect(splitWords(big, m)).toBe(0);
  });
});
