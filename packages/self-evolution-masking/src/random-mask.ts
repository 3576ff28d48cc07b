import { MaskWriter, type ReplacementOptions, Replacer, sampleWithoutReplacement } from './replacement.js';
import { resolveRng, type Seeded } from './seeded.js';
import {
  candidateMask,
  checkBatch,
  checkProbability,
  finish,
  type MaskedBatch,
  type TokenBatch,
} from './token-batch.js';

export interface RandomMaskOptions extends ReplacementOptions, Seeded {
  /** Share of maskable tokens chosen as prediction targets; default 0.15. */
  mlmProbability?: number;
  /**
   * `false` (default, HF): each maskable token is chosen independently with `mlmProbability`.
   * `true` (fairseq): per sequence exactly `floor(mlmProbability·n + U[0,1))` of its `n` maskable
   * tokens are chosen uniformly without replacement (probabilistic rounding; same expectation).
   */
  probabilisticRounding?: boolean;
}

/**
 * Random token masking (BERT/HF `DataCollatorForLanguageModeling`): choose targets among maskable
 * tokens (never padding or special tokens), then replace each by `[MASK]` with
 * `maskReplaceProb`, by a random token with `randomReplaceProb`, else keep it.
 */
export function randomMask(batch: TokenBatch, options: RandomMaskOptions): MaskedBatch {
  const { batchSize, seqLength } = checkBatch(batch);
  const p = options.mlmProbability ?? 0.15;
  checkProbability('mlmProbability', p);
  const rep = new Replacer(options);
  const rng = resolveRng(options, 'randomMask');
  const cand = candidateMask(batch, rep.specialTokenIds);
  const w = new MaskWriter(batch.inputIds);
  const ids = batch.inputIds;
  if (options.probabilisticRounding) {
    for (let b = 0; b < batchSize; b++) {
      const pool: number[] = [];
      for (let t = 0; t < seqLength; t++) if (cand[b * seqLength + t]) pool.push(b * seqLength + t);
      const k = Math.floor(p * pool.length + rng.next());
      const chosen = sampleWithoutReplacement(rng, pool, k).sort((x, y) => x - y);
      for (const i of chosen) w.set(i, rep.replacement(rng, ids[i]));
    }
  } else {
    for (let i = 0; i < ids.length; i++) {
      if (!cand[i]) continue;
      if (rng.next() < p) w.set(i, rep.replacement(rng, ids[i]));
    }
  }
  return finish(batch, w, batchSize, seqLength);
}
