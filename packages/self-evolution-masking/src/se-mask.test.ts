import { SeededRandom } from '@selfevo/encoder-model';
import { describe, expect, it } from 'vitest';
import { SelectionMismatchError, seMask } from './index.js';
import { MASK, measure, SPECIAL_IDS, syntheticBatch, VOCAB } from './test-fixtures/synthetic-batch.js';

const base = { maskTokenId: MASK, vocabSize: VOCAB, specialTokenIds: SPECIAL_IDS };

function maskable(b: ReturnType<typeof syntheticBatch>, row: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < b.seqLength; t++) {
    const i = row * b.seqLength + t;
    if (b.attentionMask![i] && !b.specialTokensMask![i]) out.push(t);
  }
  return out;
}

describe('seMask (stage 2)', () => {
  it('masks exactly the stored positions with [MASK] when ≥ 2 are stored, and falls back otherwise', () => {
    const b = syntheticBatch(6, 48, 1, 20);
    const rng = new SeededRandom(5);
    const sel: (number[] | undefined)[] = [];
    for (let row = 0; row < 6; row++) {
      const pool = maskable(b, row);
      const k = [5, 2, 1, 0, 9, -1][row];
      sel.push(k < 0 ? undefined : rng.shuffle(pool).slice(0, k));
    }
    const m = seMask(b, sel, { ...base, seed: 3 });
    expect(Array.from(m.usedFallback)).toEqual([0, 0, 1, 1, 0, 1]);
    for (let row = 0; row < 6; row++) {
      const got: number[] = [];
      for (let t = 0; t < 48; t++) if (m.labels[row * 48 + t] !== -100) got.push(t);
      if (!m.usedFallback[row]) {
        expect(got).toEqual([...sel[row]!].sort((x, y) => x - y));
        for (const t of got) expect(m.inputIds[row * 48 + t]).toBe(MASK);
      } else {
        const n = maskable(b, row).length;
        expect(got.length === Math.floor(0.15 * n) || got.length === Math.floor(0.15 * n) + 1).toBe(true);
      }
      for (let t = 0; t < 48; t++) {
        const i = row * 48 + t;
        expect(m.labels[i] === -100 ? m.inputIds[i] : m.labels[i]).toBe(b.inputIds[i]);
      }
    }
    // Both streams are kept.
    expect(m.originalInputIds).toBe(b.inputIds);
  });

  it('honours minSelected and de-duplicates stored positions', () => {
    const b = syntheticBatch(2, 32, 2, 20);
    const m = seMask(
      b,
      [
        [3, 3],
        [4, 5],
      ],
      { ...base, seed: 1, minSelected: 1 },
    );
    expect(Array.from(m.usedFallback)).toEqual([0, 0]);
    expect(Array.from(m.maskedPositions)).toEqual([3, 32 + 4, 32 + 5]);
    const m2 = seMask(
      b,
      [
        [3, 3],
        [4, 5],
      ],
      { ...base, seed: 1 },
    );
    expect(Array.from(m2.usedFallback)).toEqual([1, 0]);
  });

  it('fallback rows follow 15% / 80-10-10 within 1% over > 100k tokens', () => {
    const b = syntheticBatch(4096, 128, 4, 64);
    const m = seMask(b, new Array(4096).fill(undefined), { ...base, seed: 9 });
    const r = measure(b, m);
    console.log(`seMask fallback: ${JSON.stringify(r)}`);
    expect(r.candidates).toBeGreaterThan(100_000);
    expect(Math.abs(r.chosenRate - 0.15)).toBeLessThan(0.01);
    expect(Math.abs(r.maskShare - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(r.randomShare - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(r.keepShare - 0.1)).toBeLessThan(0.01);
    expect(r.specialOrPadChosen).toBe(0);
  });

  it('the fallback count is floor(0.15·n + U): n = 16 gives 3 targets in 40% of rows, else 2', () => {
    const rows = 4000;
    const b = syntheticBatch(rows, 18, 8, 18); // every row: [CLS] + 16 tokens + [SEP]
    const m = seMask(b, new Array(rows).fill(undefined), { ...base, seed: 2 });
    const counts = [0, 0, 0, 0, 0];
    for (let r = 0; r < rows; r++) {
      let k = 0;
      for (let t = 0; t < 18; t++) if (m.labels[r * 18 + t] !== -100) k++;
      counts[Math.min(k, 4)]++;
    }
    expect(counts[0] + counts[1] + counts[4]).toBe(0);
    expect(Math.abs(counts[3] / rows - 0.4)).toBeLessThan(0.03);
  });

  it('span extension grows each stored position into a span around it, within maskable tokens', () => {
    const b = syntheticBatch(1, 64, 5, 64);
    const m = seMask(b, [[10, 30]], {
      ...base,
      seed: 4,
      spanExtension: { geometricP: 0.2, maxSpanLength: 10 },
    });
    const got = Array.from(m.maskedPositions);
    expect(got).toContain(10);
    expect(got).toContain(30);
    for (const i of got) {
      expect(Math.min(Math.abs(i - 10), Math.abs(i - 30))).toBeLessThanOrEqual(5);
      expect(m.inputIds[i]).toBe(MASK);
      expect(b.specialTokensMask![i]).toBe(0);
    }
  });

  it('rejects positions that do not fit the batch', () => {
    const b = syntheticBatch(2, 32, 6, 10);
    const padPos = b.attentionMask!.indexOf(0, 0);
    expect(() => seMask(b, [[1, 2]], { ...base, seed: 1 })).toThrow(/selections/);
    expect(() =>
      seMask(
        b,
        [
          [1, 40],
          [1, 2],
        ],
        { ...base, seed: 1 },
      ),
    ).toThrow(SelectionMismatchError);
    expect(() =>
      seMask(
        b,
        [
          [0, 2],
          [1, 2],
        ],
        { ...base, seed: 1 },
      ),
    ).toThrow(/special/);
    if (padPos >= 0 && padPos < 32)
      expect(() =>
        seMask(
          b,
          [
            [1, padPos],
            [1, 2],
          ],
          { ...base, seed: 1 },
        ),
      ).toThrow(/padding/);
    expect(() =>
      seMask(
        b,
        [
          [1.5, 2],
          [1, 2],
        ],
        { ...base, seed: 1 },
      ),
    ).toThrow(/selections\[0\]/);
  });
});
