import { SeededRandom } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import { collate, type EncodedInput, makeBatches, planBatches } from './batching.js';

function ex(len: number, label?: number, group?: number): EncodedInput & { group?: number } {
  return {
    inputIds: Array.from({ length: len }, (_, i) => 100 + i),
    tokenTypeIds: Array.from({ length: len }, (_, i) => (i >= len / 2 ? 1 : 0)),
    attentionMask: Array(len).fill(1),
    ...(label === undefined ? {} : { label }),
    ...(group === undefined ? {} : { group }),
  };
}

const rng = new SeededRandom(7);
const random = () => rng.next();
const pool = Array.from({ length: 500 }, (_, i) => ex(5 + Math.floor(random() * 120), i % 3));

describe('collate', () => {
  it('pads to the longest example with the pad id and a zero mask', () => {
    const b = collate([ex(3, 1), ex(5, 0)], { padTokenId: 0 });
    expect(b.shape).toEqual([2, 5]);
    expect([...b.inputIds]).toEqual([100, 101, 102, 0, 0, 100, 101, 102, 103, 104]);
    expect([...b.attentionMask]).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect([...b.tokenTypeIds]).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 1]);
    expect([...b.labels!]).toEqual([1, 0]);
    expect(b.inputIds).toBeInstanceOf(Int32Array);
  });

  it('rounds up to padToMultipleOf, packs spans, omits labels when one is missing', () => {
    const a = {
      ...ex(3),
      spans: [
        [1, 2],
        [2, 3],
      ] as [number, number][],
    };
    const c = {
      ...ex(9, 1),
      spans: [
        [4, 6],
        [7, 8],
      ] as [number, number][],
    };
    const b = collate([a, c], { padTokenId: 5, padToMultipleOf: 8 });
    expect(b.seqLength).toBe(16);
    expect(b.labels).toBeUndefined();
    expect(b.spanCount).toBe(2);
    expect([...b.spans!]).toEqual([1, 2, 2, 3, 4, 6, 7, 8]);
    expect(b.inputIds[3]).toBe(5);
  });
});

describe('planBatches', () => {
  const all = (plan: number[][]) => plan.flat().sort((x, y) => x - y);

  it('keeps input order without shuffling', () => {
    expect(planBatches(pool.slice(0, 7), { padTokenId: 0, batchSize: 3 })).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6],
    ]);
    expect(planBatches(pool.slice(0, 7), { padTokenId: 0, batchSize: 3, dropLast: true })).toHaveLength(2);
  });

  it('shuffles deterministically: same seed same plan, a permutation of all examples', () => {
    const opts = { padTokenId: 0, batchSize: 16, shuffle: true, bucketBatches: 10 };
    const a = planBatches(pool, { ...opts, seed: 1 });
    const b = planBatches(pool, { ...opts, seed: 1 });
    const c = planBatches(pool, { ...opts, seed: 2 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(all(a)).toEqual(pool.map((_, i) => i));
    expect(all(c)).toEqual(pool.map((_, i) => i));
  });

  it('length bucketing pads far less than random batches', () => {
    const padded = (bucketBatches: number) =>
      makeBatches(pool, { padTokenId: 0, batchSize: 16, shuffle: true, seed: 3, bucketBatches }).reduce(
        (s, b) => s + b.size * b.seqLength,
        0,
      );
    const real = pool.reduce((s, e) => s + e.inputIds.length, 0);
    const plain = padded(0);
    const bucketed = padded(20);
    expect(bucketed - real).toBeLessThan((plain - real) / 4);
  });

  it('never splits a group; groups shuffle as units', () => {
    const grouped = Array.from({ length: 60 }, (_, i) => ex(4 + (i % 9), i % 2, Math.floor(i / 3)));
    const plan = planBatches(grouped, {
      padTokenId: 0,
      batchSize: 8,
      shuffle: true,
      seed: 9,
      bucketBatches: 2,
      groupKey: (e) => e.group!,
    });
    expect(all(plan)).toEqual(grouped.map((_, i) => i));
    for (const batch of plan) {
      expect(batch.length).toBeLessThanOrEqual(8);
      for (const i of batch) {
        const g = grouped[i]!.group;
        expect(batch.filter((j) => grouped[j]!.group === g)).toHaveLength(3);
      }
    }
  });
});
