import { MaskingConfigError, SelectionMismatchError, ShapeMismatchError } from './errors.js';
import { MaskWriter, type ReplacementOptions, Replacer, sampleWithoutReplacement } from './replacement.js';
import { resolveRng, type Seeded } from './seeded.js';
import { GeometricLength, type GeometricSpanOptions } from './span-mask.js';
import {
  candidateMask,
  checkBatch,
  checkProbability,
  finish,
  type MaskedBatch,
  type TokenBatch,
} from './token-batch.js';

export interface SeMaskOptions extends Seeded {
  /** Id of the mask token. */
  maskTokenId: number;
  /** Needed by the fallback's random replacement. */
  vocabSize: number;
  /** Ids never masked and never used as random replacements. */
  specialTokenIds?: Iterable<number>;
  /** An example with at least this many stored positions is masked exactly there; default 2 (SE §1.2). */
  minSelected?: number;
  /**
   * Fallback for examples with fewer stored positions: `n = floor(mlmProbability·len + U[0,1))`
   * positions among the `len` maskable tokens, replaced 80/10/10. Defaults: 0.15, 0.8, 0.1.
   */
  fallback?: Pick<ReplacementOptions, 'maskReplaceProb' | 'randomReplaceProb'> & { mlmProbability?: number };
  /**
   * Optional span extension (present but commented out in the released code): each stored
   * position grows to a span of Geometric(geometricP) length, truncated to `1..maxSpanLength`,
   * centred on it and clipped to maskable tokens. Off by default.
   */
  spanExtension?: GeometricSpanOptions;
}

export interface SeMaskedBatch extends MaskedBatch {
  /** 1 for rows masked by the random fallback, 0 for rows masked exactly at their stored positions. */
  usedFallback: Uint8Array;
}

/**
 * SE stage 2 (§1.2): rows with ≥ `minSelected` stored positions (positions within the sequence,
 * from `scoreInformativeTokens`) are masked at exactly those positions, all with `[MASK]` (no
 * 80/10/10, nothing added at random); other rows fall back to random masking with an exact
 * count. `selections[b]` belongs to row `b`; `undefined`/`null` means "nothing stored" (fallback).
 * A stored position that is padding, special or outside the row throws `SelectionMismatchError`
 * (the selection was made with another tokenization or length).
 */
export function seMask(
  batch: TokenBatch,
  selections: ReadonlyArray<ArrayLike<number> | null | undefined>,
  options: SeMaskOptions,
): SeMaskedBatch {
  const { batchSize, seqLength } = checkBatch(batch);
  if (!Array.isArray(selections) || selections.length !== batchSize)
    throw new ShapeMismatchError(
      'selections',
      `expected one entry per row (${batchSize}), got ${selections?.length}`,
    );
  const minSelected = options.minSelected ?? 2;
  if (!Number.isInteger(minSelected) || minSelected < 0)
    throw new MaskingConfigError('minSelected', `must be a non-negative integer, got ${minSelected}`);
  const fb = options.fallback ?? {};
  const p = fb.mlmProbability ?? 0.15;
  checkProbability('fallback.mlmProbability', p);
  const rep = new Replacer({
    maskTokenId: options.maskTokenId,
    vocabSize: options.vocabSize,
    specialTokenIds: options.specialTokenIds,
    maskReplaceProb: fb.maskReplaceProb,
    randomReplaceProb: fb.randomReplaceProb,
  });
  const spans = options.spanExtension ? new GeometricLength(options.spanExtension) : null;
  const rng = resolveRng(options, 'seMask');
  const cand = candidateMask(batch, rep.specialTokenIds);
  const w = new MaskWriter(batch.inputIds);
  const usedFallback = new Uint8Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const row = b * seqLength;
    const stored = uniqueSorted(selections[b], b, seqLength);
    for (const t of stored)
      if (!cand[row + t])
        throw new SelectionMismatchError(
          `selections[${b}]`,
          `position ${t} is padding or a special token (id ${batch.inputIds[row + t]}); was the selection made with the same tokenization and length?`,
        );
    if (stored.length >= minSelected && stored.length > 0) {
      for (const t of stored) {
        if (!spans) {
          w.set(row + t, rep.maskTokenId);
          continue;
        }
        const len = spans.sample(rng);
        const from = t - Math.floor((len - 1) / 2);
        for (let u = Math.max(0, from); u < Math.min(seqLength, from + len); u++)
          if (cand[row + u]) w.set(row + u, rep.maskTokenId);
      }
      continue;
    }
    usedFallback[b] = 1;
    const pool: number[] = [];
    for (let t = 0; t < seqLength; t++) if (cand[row + t]) pool.push(row + t);
    const k = Math.floor(p * pool.length + rng.next());
    const chosen = sampleWithoutReplacement(rng, pool, k).sort((x, y) => x - y);
    for (const i of chosen) w.set(i, rep.replacement(rng, batch.inputIds[i]));
  }
  return { ...finish(batch, w, batchSize, seqLength), usedFallback };
}

function uniqueSorted(sel: ArrayLike<number> | null | undefined, b: number, seqLength: number): number[] {
  if (sel == null) return [];
  const out = new Set<number>();
  for (let k = 0; k < sel.length; k++) {
    const t = sel[k];
    if (!Number.isInteger(t) || t < 0 || t >= seqLength)
      throw new SelectionMismatchError(`selections[${b}]`, `position ${t} is outside [0, ${seqLength})`);
    out.add(t);
  }
  return [...out].sort((x, y) => x - y);
}
