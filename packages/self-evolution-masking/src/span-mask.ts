import type { SeededRandom } from '@selfevo/encoder-model';
import { MaskingConfigError } from './errors.js';
import type { RandomMaskOptions } from './random-mask.js';
import { MaskWriter, Replacer } from './replacement.js';
import { resolveRng } from './seeded.js';
import {
  candidateMask,
  checkBatch,
  checkPositiveInt,
  checkProbability,
  finish,
  type MaskedBatch,
  type TokenBatch,
} from './token-batch.js';
import { wordGroups } from './whole-word-mask.js';

export interface GeometricSpanOptions {
  /** Parameter p of the geometric length distribution; default 0.2 (SpanBERT). */
  geometricP?: number;
  /** Lengths are truncated to `1..maxSpanLength` (renormalised); default 10. */
  maxSpanLength?: number;
}

export interface SpanMaskOptions extends RandomMaskOptions, GeometricSpanOptions {}

/** Samples span lengths from Geometric(p) truncated to 1..max (inverse CDF on the renormalised pmf). */
export class GeometricLength {
  private readonly cdf: number[];

  constructor(o: GeometricSpanOptions = {}) {
    const p = o.geometricP ?? 0.2;
    const max = o.maxSpanLength ?? 10;
    if (!(p > 0 && p <= 1)) throw new MaskingConfigError('geometricP', `must be in (0, 1], got ${p}`);
    checkPositiveInt('maxSpanLength', max);
    const pmf = Array.from({ length: max }, (_, k) => p * (1 - p) ** k);
    const z = pmf.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.cdf = pmf.map((x) => (acc += x / z));
  }

  /** Mean of the truncated distribution. */
  get mean(): number {
    let m = 0;
    let prev = 0;
    this.cdf.forEach((c, k) => {
      m += (k + 1) * (c - prev);
      prev = c;
    });
    return m;
  }

  sample(rng: SeededRandom): number {
    const u = rng.next();
    for (let k = 0; k < this.cdf.length; k++) if (u < this.cdf[k]) return k + 1;
    return this.cdf.length;
  }
}

/**
 * Span masking (SpanBERT): per sequence, until the budget `round(mlmProbability·n)` of its `n`
 * maskable tokens is reached (`probabilisticRounding`: `floor(mlmProbability·n + U)`), sample a
 * length ℓ ~ Geometric(geometricP) truncated to `1..maxSpanLength`, pick a random unmasked start
 * unit and mask ℓ consecutive units from it — units are whole words when `batch.wordIds` is
 * given, tokens otherwise; a span stops at padding/special tokens and at the budget. The
 * [MASK] / random / keep decision is made once per span (80/10/10 by default).
 */
export function spanMask(batch: TokenBatch, options: SpanMaskOptions): MaskedBatch {
  const { batchSize, seqLength } = checkBatch(batch);
  const p = options.mlmProbability ?? 0.15;
  checkProbability('mlmProbability', p);
  const lengths = new GeometricLength(options);
  const rep = new Replacer(options);
  const rng = resolveRng(options, 'spanMask');
  const cand = candidateMask(batch, rep.specialTokenIds);
  const w = new MaskWriter(batch.inputIds);
  const ids = batch.inputIds;
  for (let b = 0; b < batchSize; b++) {
    // Units: maximal runs of maskable tokens split into words (or single tokens).
    const units = batch.wordIds
      ? wordGroups(batch.wordIds, cand, b, seqLength)
      : tokenUnits(cand, b, seqLength);
    let n = 0;
    for (const u of units) n += u.length;
    if (n === 0) continue;
    const budget = options.probabilisticRounding ? Math.floor(p * n + rng.next()) : Math.round(p * n);
    const used = new Uint8Array(units.length);
    let covered = 0;
    let attempts = 0;
    while (covered < budget && attempts < 100 * (budget + 1)) {
      attempts++;
      const len = lengths.sample(rng);
      const start = rng.nextInt(units.length);
      if (used[start]) continue;
      const decision = rep.decide(rng);
      for (let u = start; u < start + len && u < units.length && covered < budget; u++) {
        if (used[u]) break;
        // A span does not cross padding/special tokens: units must be adjacent in the sequence.
        if (u > start && units[u][0] !== units[u - 1][units[u - 1].length - 1] + 1) break;
        used[u] = 1;
        for (const i of units[u]) {
          if (covered >= budget && !batch.wordIds) break;
          const id =
            decision === 'mask' ? rep.maskTokenId : decision === 'random' ? rep.randomToken(rng) : ids[i];
          w.set(i, id);
          covered++;
        }
      }
    }
  }
  return finish(batch, w, batchSize, seqLength);
}

function tokenUnits(cand: Uint8Array, row: number, seqLength: number): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < seqLength; t++) if (cand[row * seqLength + t]) out.push([row * seqLength + t]);
  return out;
}
