import { describeEachBackend, nodeTestBackends } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randomMask, seMask, spanMask, wholeWordMask } from './index.js';
import { MASK, SPECIAL_IDS, syntheticBatch, VOCAB } from './test-fixtures/synthetic-batch.js';

// Masking is plain JS on Int32Arrays with SeededRandom, so it cannot depend on the backend; this
// checks that a batch produced (and round-tripped through an int32 tensor) under each backend is
// bit-identical.
const produced = new Map<string, Int32Array[]>();
const opts = { maskTokenId: MASK, vocabSize: VOCAB, specialTokenIds: SPECIAL_IDS, seed: 1234 };

describeEachBackend('masking under a backend', (backend) => {
  it('produces the masked batch', () => {
    const b = syntheticBatch(64, 48, 77, 20);
    const sel = Array.from({ length: 64 }, (_, r) => (r % 3 === 0 ? [] : [1 + (r % 5), 2 + (r % 7)]));
    const outs = [
      randomMask(b, opts),
      randomMask(b, { ...opts, probabilisticRounding: true }),
      wholeWordMask(b, opts),
      spanMask(b, opts),
      seMask(b, sel, opts),
    ];
    const arrays: Int32Array[] = [];
    for (const m of outs) {
      for (const a of [m.inputIds, m.labels, m.maskedPositions]) {
        const t = tf.tensor1d(a, 'int32');
        arrays.push(Int32Array.from(t.dataSync() as Int32Array));
        t.dispose();
      }
    }
    expect(tf.getBackend()).toBe(backend);
    produced.set(backend, arrays);
  });
});

describe('same seed, same masks on every backend', () => {
  it('is identical across backends', () => {
    const backends = nodeTestBackends();
    expect(produced.size).toBe(backends.length);
    const first = produced.get(backends[0])!;
    for (const b of backends.slice(1)) {
      const other = produced.get(b)!;
      expect(other.length).toBe(first.length);
      for (let i = 0; i < first.length; i++) expect(other[i]).toEqual(first[i]);
    }
  });
});
