import { ShapeMismatchError } from './errors.js';
import type { RandomMaskOptions } from './random-mask.js';
import { MaskWriter, Replacer } from './replacement.js';
import { resolveRng } from './seeded.js';
import {
  candidateMask,
  checkBatch,
  checkProbability,
  finish,
  type MaskedBatch,
  type TokenBatch,
} from './token-batch.js';

/** Consecutive maskable tokens of one sequence that share a word id (flat indices). */
export function wordGroups(
  wordIds: Int32Array,
  cand: Uint8Array,
  row: number,
  seqLength: number,
): number[][] {
  const groups: number[][] = [];
  let prev = Number.NaN;
  for (let t = 0; t < seqLength; t++) {
    const i = row * seqLength + t;
    const w = wordIds[i];
    if (!cand[i] || w < 0) {
      prev = Number.NaN;
      continue;
    }
    if (w === prev) groups[groups.length - 1].push(i);
    else groups.push([i]);
    prev = w;
  }
  return groups;
}

/**
 * Whole-word masking as HF's `DataCollatorForWholeWordMask`: per sequence, shuffle its words and
 * take whole words until `max(1, round(mlmProbability·n))` tokens are covered (`n` maskable
 * tokens; a word that would overshoot is skipped), then apply the 80/10/10 replacement per token.
 * With `probabilisticRounding` the budget is `floor(mlmProbability·n + U[0,1))` (no `max(1, ·)`).
 * Needs `batch.wordIds` (−1 for tokens outside any word; those are never masked).
 */
export function wholeWordMask(batch: TokenBatch, options: RandomMaskOptions): MaskedBatch {
  const { batchSize, seqLength } = checkBatch(batch);
  if (!batch.wordIds) throw new ShapeMismatchError('wordIds', 'wholeWordMask needs batch.wordIds [B·T]');
  const p = options.mlmProbability ?? 0.15;
  checkProbability('mlmProbability', p);
  const rep = new Replacer(options);
  const rng = resolveRng(options, 'wholeWordMask');
  const cand = candidateMask(batch, rep.specialTokenIds);
  const w = new MaskWriter(batch.inputIds);
  for (let b = 0; b < batchSize; b++) {
    const groups = wordGroups(batch.wordIds, cand, b, seqLength);
    let n = 0;
    for (const g of groups) n += g.length;
    if (n === 0) continue;
    const budget = options.probabilisticRounding
      ? Math.floor(p * n + rng.next())
      : Math.max(1, Math.round(p * n));
    rng.shuffle(groups);
    const chosen: number[] = [];
    for (const g of groups) {
      if (chosen.length >= budget) break;
      if (chosen.length + g.length > budget) continue;
      chosen.push(...g);
    }
    chosen.sort((x, y) => x - y);
    for (const i of chosen) w.set(i, rep.replacement(rng, batch.inputIds[i]));
  }
  return finish(batch, w, batchSize, seqLength);
}
