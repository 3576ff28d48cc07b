import { SeededRandom } from '@selfevo/encoder-model';
import { describe, expect, it } from 'vitest';
import { arrayBatchSource, epochRng } from './batch-source.js';

const items = Array.from({ length: 10 }, (_, i) => i);
const src = (opts: { shuffle?: boolean; dropLast?: boolean } = {}) =>
  arrayBatchSource(items, { batchSize: 4, collate: (xs) => xs, ...opts });

describe('arrayBatchSource', () => {
  it('covers every example once per epoch, in order without shuffle', () => {
    const s = src({ shuffle: false });
    expect(s.batchesPerEpoch).toBe(3);
    expect([...s.epochBatches(0, new SeededRandom(1))]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(src({ dropLast: true }).batchesPerEpoch).toBe(2);
  });

  it('shuffles deterministically per (seed, epoch), differently across epochs', () => {
    const s = src();
    const e0 = [...s.epochBatches(0, epochRng(3, 0))].flat();
    expect([...e0].sort((a, b) => a - b)).toEqual(items);
    expect([...s.epochBatches(0, epochRng(3, 0))].flat()).toEqual(e0);
    expect([...s.epochBatches(1, epochRng(3, 1))].flat()).not.toEqual(e0);
    expect([...s.epochBatches(0, epochRng(4, 0))].flat()).not.toEqual(e0);
  });

  it('seeks: starting at batch k gives the tail of the full epoch', () => {
    const s = src();
    const full = [...s.epochBatches(2, epochRng(9, 2))];
    expect([...s.epochBatches(2, epochRng(9, 2), 1)]).toEqual(full.slice(1));
  });

  it('rejects a bad batch size', () => {
    expect(() => arrayBatchSource(items, { batchSize: 0, collate: (x) => x })).toThrow(/batchSize/);
  });
});
