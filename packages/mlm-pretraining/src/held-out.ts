import { createHash } from 'node:crypto';
import { type MaskedBatch, type MaskedLmModel, randomMask } from '@selfevo/self-evolution-masking';
import * as tf from '@tensorflow/tfjs-core';
import { PretrainingConfigError } from './errors.js';
import { attentionMaskOf, type PackedSequences } from './packing.js';

export interface MaskingIds {
  maskTokenId: number;
  vocabSize: number;
  /** Never masked and never used as random replacements ([PAD] [UNK] [CLS] [SEP] [MASK]). */
  specialTokenIds: readonly number[];
}

export interface HeldOutOptions extends MaskingIds {
  /** The masks are a pure function of this seed and the rows: same seed, same masked text. */
  seed: number;
  /** Default 0.15. */
  mlmProbability?: number;
  /** Rows per evaluation batch; default 16. */
  batchSize?: number;
}

/** A fixed, randomly masked held-out set, evaluated identically for every run. */
export interface HeldOutSet {
  batches: MaskedBatch[];
  numSequences: number;
  numMasked: number;
  /** sha256 (hex, first 16) of the masked inputs and labels: equal fingerprints = the same masked text. */
  fingerprint: string;
  seed: number;
}

/**
 * Mask held-out rows once (BERT 80/10/10, exact per-row count `floor(p·n + U)`, fairseq style),
 * seeded by `seed` only. Every run evaluates these same batches.
 */
export function buildHeldOutSet(rows: PackedSequences, o: HeldOutOptions): HeldOutSet {
  const B = o.batchSize ?? 16;
  if (!Number.isInteger(B) || B < 1)
    throw new PretrainingConfigError('batchSize', `must be a positive integer, got ${B}`);
  if (!Number.isFinite(o.seed))
    throw new PretrainingConfigError('seed', `must be a finite number, got ${o.seed}`);
  if (rows.count === 0) throw new PretrainingConfigError('heldOut', 'no held-out sequences');
  const T = rows.seqLength;
  const batches: MaskedBatch[] = [];
  const hash = createHash('sha256');
  let numMasked = 0;
  for (let b0 = 0, k = 0; b0 < rows.count; b0 += B, k++) {
    const idx = Array.from({ length: Math.min(B, rows.count - b0) }, (_, i) => b0 + i);
    const attentionMask = attentionMaskOf(rows, idx);
    const m = randomMask(
      { inputIds: rows.ids.slice(b0 * T, (b0 + idx.length) * T), attentionMask, seqLength: T },
      {
        // One seed per batch derived from (seed, batch number): independent of how many batches exist.
        seed: (Math.imul(o.seed >>> 0, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0,
        mlmProbability: o.mlmProbability ?? 0.15,
        probabilisticRounding: true,
        maskTokenId: o.maskTokenId,
        vocabSize: o.vocabSize,
        specialTokenIds: o.specialTokenIds,
      },
    );
    numMasked += m.maskedPositions.length;
    hash.update(new Uint8Array(m.inputIds.buffer, m.inputIds.byteOffset, m.inputIds.byteLength));
    hash.update(new Uint8Array(m.labels.buffer, m.labels.byteOffset, m.labels.byteLength));
    batches.push(m);
  }
  return {
    batches,
    numSequences: rows.count,
    numMasked,
    fingerprint: hash.digest('hex').slice(0, 16),
    seed: o.seed,
  };
}

/**
 * Held-out MLM loss (mean cross-entropy per masked token over the whole set) and accuracy
 * (argmax = gold) in eval mode (no dropout, no gradient). Plain cross-entropy for every run,
 * whatever loss it trained with.
 *
 * `positions` scores a subset of the masked positions (methods §1.6): `'mask'` only those whose
 * input is `[MASK]` (not the 10% random / 10% unchanged ones a model can copy), or a predicate of
 * (batch number, flat position `b·T + t`), e.g. the tokens SE stage 1 selects.
 */
export function evaluateHeldOut(
  model: MaskedLmModel,
  set: HeldOutSet,
  opts: {
    positions?: 'all' | 'mask' | ((batch: number, position: number) => boolean);
    maskTokenId?: number;
  } = {},
): { loss: number; accuracy: number; numMasked: number } {
  const which = opts.positions ?? 'all';
  if (which === 'mask' && !Number.isInteger(opts.maskTokenId))
    throw new PretrainingConfigError('maskTokenId', "is required with positions: 'mask'");
  let nllSum = 0;
  let correct = 0;
  let n = 0;
  for (const [bi, batch] of set.batches.entries()) {
    const pos =
      which === 'all'
        ? batch.maskedPositions
        : batch.maskedPositions.filter((p) =>
            which === 'mask' ? batch.inputIds[p] === opts.maskTokenId : which(bi, p),
          );
    if (pos.length === 0) continue;
    const gold = new Int32Array(pos.length);
    for (let k = 0; k < pos.length; k++) gold[k] = batch.labels[pos[k]];
    const shape = [batch.batchSize, batch.seqLength];
    const [nll, argmax] = tf.tidy(() => {
      const logits = model.forward(
        {
          inputIds: { data: batch.inputIds, shape },
          attentionMask: batch.attentionMask ? { data: batch.attentionMask, shape } : undefined,
          training: false,
        },
        pos,
      ).logits;
      const V = logits.shape[1];
      const logp = tf.logSoftmax(logits);
      const flat = new Int32Array(pos.length);
      for (let k = 0; k < pos.length; k++) flat[k] = k * V + gold[k];
      const g = tf.gather(tf.reshape(logp, [-1]), tf.tensor1d(flat, 'int32'));
      return [tf.neg(tf.sum(g)), tf.argMax(logits, 1)];
    });
    nllSum += nll.dataSync()[0];
    const a = argmax.dataSync();
    for (let k = 0; k < pos.length; k++) if (a[k] === gold[k]) correct++;
    tf.dispose([nll, argmax]);
    n += pos.length;
  }
  if (n === 0)
    throw new PretrainingConfigError(
      'heldOut',
      `the held-out set has no masked token${which === 'all' ? '' : ' at the positions asked for'}`,
    );
  return { loss: nllSum / n, accuracy: correct / n, numMasked: n };
}
