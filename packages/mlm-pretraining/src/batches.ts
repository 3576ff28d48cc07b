import { type MaskedBatch, randomMask, seMask } from '@selfevo/self-evolution-masking';
import type { BatchSource } from '@selfevo/trainer';
import type { SeededRandom } from '@selfevo/utils';
import { PretrainingConfigError } from './errors.js';
import type { MaskingIds } from './held-out.js';
import { attentionMaskOf, type PackedSequences } from './packing.js';

/** A masked training batch and the packed rows it came from. */
export interface PretrainingBatch extends MaskedBatch {
  rows: Int32Array;
}

export interface PretrainingBatchOptions extends MaskingIds {
  batchSize: number;
  /** `'random'`: BERT 80/10/10; `'se'`: SE stage 2 (`seMask`) at the stored positions. */
  masking: 'random' | 'se';
  /** SE: stored stage-1 positions by row index (from `loadSelectionMap`); rows without one fall back to random. */
  selections?: ReadonlyMap<string | number, ArrayLike<number>>;
  /** Seeds the masks: batch `i` of epoch `e` is masked with a generator derived from `(seed, e, i)`. */
  seed: number;
  /** Default 0.15 (random masking and the SE fallback). */
  mlmProbability?: number;
  /** Shuffle rows every epoch (with the trainer's epoch generator). Default true. */
  shuffle?: boolean;
}

/** Derived seed for the masks of one batch: a pure function of `(seed, epoch, index)`. */
export function batchMaskSeed(seed: number, epoch: number, index: number): number {
  let h = (seed >>> 0) ^ 0x243f6a88;
  for (const v of [epoch, index]) {
    h = Math.imul(h ^ (v >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return h;
}

/**
 * The trainer's `BatchSource` over packed rows, masking lazily. Seekable (starting mid-epoch needs
 * only the permutation), and deterministic in `(seed, epoch, batch index)`, so an interrupted run
 * resumes on exactly the same masked batches. A last batch smaller than `batchSize` is dropped
 * (every step sees `batchSize` rows).
 */
export function pretrainingBatchSource(
  rows: PackedSequences,
  o: PretrainingBatchOptions,
): BatchSource<PretrainingBatch> {
  const B = o.batchSize;
  if (!Number.isInteger(B) || B < 1)
    throw new PretrainingConfigError('batchSize', `must be a positive integer, got ${B}`);
  if (o.masking !== 'random' && o.masking !== 'se')
    throw new PretrainingConfigError('masking', `expected 'random' | 'se', got ${String(o.masking)}`);
  if (o.masking === 'se' && !o.selections)
    throw new PretrainingConfigError(
      'selections',
      "masking 'se' needs the stage-1 selections (scoreSelections)",
    );
  const perEpoch = Math.floor(rows.count / B);
  if (perEpoch < 1)
    throw new PretrainingConfigError('batchSize', `${B} is larger than the ${rows.count} training sequences`);
  const T = rows.seqLength;
  const shuffle = o.shuffle ?? true;
  const make = (epoch: number, index: number, order: number[]): PretrainingBatch => {
    const idx = Int32Array.from(order.slice(index * B, (index + 1) * B));
    const inputIds = new Int32Array(B * T);
    for (let b = 0; b < B; b++) inputIds.set(rows.ids.subarray(idx[b] * T, (idx[b] + 1) * T), b * T);
    const padded = idx.some((r) => rows.lengths[r] < T);
    const batch = {
      inputIds,
      seqLength: T,
      attentionMask: padded ? attentionMaskOf(rows, idx) : undefined,
    };
    const common = {
      seed: batchMaskSeed(o.seed, epoch, index),
      maskTokenId: o.maskTokenId,
      vocabSize: o.vocabSize,
      specialTokenIds: o.specialTokenIds,
    };
    const masked =
      o.masking === 'se'
        ? seMask(
            batch,
            Array.from(idx, (r) => o.selections?.get(r)),
            { ...common, fallback: { mlmProbability: o.mlmProbability ?? 0.15 } },
          )
        : randomMask(batch, {
            ...common,
            mlmProbability: o.mlmProbability ?? 0.15,
            probabilisticRounding: true,
          });
    return { ...masked, rows: idx };
  };
  return {
    batchesPerEpoch: perEpoch,
    seekable: true,
    *epochBatches(epoch: number, rng: SeededRandom, startBatch = 0): Iterable<PretrainingBatch> {
      const order = Array.from({ length: rows.count }, (_, i) => i);
      if (shuffle) rng.shuffle(order);
      for (let i = startBatch; i < perEpoch; i++) yield make(epoch, i, order);
    },
  };
}

/**
 * Masked tokens a run of `steps` steps on `source` predicts (recomputed from the deterministic
 * source, no model): the masked-token budget, to compare arms.
 */
export function countMaskedTokens(
  source: BatchSource<PretrainingBatch>,
  seed: number,
  steps: number,
  epochRngOf: (seed: number, epoch: number) => SeededRandom,
): { maskedTokens: number; fallbackRows: number; rows: number } {
  let maskedTokens = 0;
  let fallbackRows = 0;
  let rowsSeen = 0;
  let done = 0;
  for (let epoch = 0; done < steps; epoch++) {
    for (const b of source.epochBatches(epoch, epochRngOf(seed, epoch))) {
      maskedTokens += b.maskedPositions.length;
      rowsSeen += b.batchSize;
      const fb = (b as PretrainingBatch & { usedFallback?: Uint8Array }).usedFallback;
      if (fb) for (const f of fb) fallbackRows += f;
      if (++done >= steps) break;
    }
  }
  return { maskedTokens, fallbackRows, rows: rowsSeen };
}
