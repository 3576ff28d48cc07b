import type { SeededRandom } from '@selfevo/encoder-model';
import { MaskingConfigError } from './errors.js';
import { checkProbability } from './token-batch.js';

/** How a chosen position is corrupted (HF `DataCollatorForLanguageModeling` names). */
export interface ReplacementOptions {
  /** Id of the mask token (e.g. 103 for bert-base-uncased). */
  maskTokenId: number;
  /** Share of chosen tokens replaced by `[MASK]`; default 0.8. */
  maskReplaceProb?: number;
  /** Share of chosen tokens replaced by a random token; default 0.1 (the rest stay unchanged). */
  randomReplaceProb?: number;
  /** Vocabulary size: random tokens are drawn uniformly from `[0, vocabSize)`. Required when `randomReplaceProb > 0`. */
  vocabSize?: number;
  /** Ids never used as random replacements and never masked (e.g. [PAD], [CLS], [SEP], [MASK], [UNK]). */
  specialTokenIds?: Iterable<number>;
}

/** Decides, for one chosen position (or one span), between [MASK], a random token and no change. */
export class Replacer {
  readonly maskTokenId: number;
  readonly maskReplaceProb: number;
  readonly randomReplaceProb: number;
  readonly specialTokenIds: ReadonlySet<number>;
  private readonly vocabSize: number;
  private readonly randomGivenNotMask: number;

  constructor(o: ReplacementOptions) {
    if (!Number.isInteger(o.maskTokenId) || o.maskTokenId < 0)
      throw new MaskingConfigError('maskTokenId', `must be a non-negative integer, got ${o.maskTokenId}`);
    this.maskTokenId = o.maskTokenId;
    this.maskReplaceProb = o.maskReplaceProb ?? 0.8;
    this.randomReplaceProb = o.randomReplaceProb ?? 0.1;
    checkProbability('maskReplaceProb', this.maskReplaceProb);
    checkProbability('randomReplaceProb', this.randomReplaceProb);
    if (this.maskReplaceProb + this.randomReplaceProb > 1 + 1e-12)
      throw new MaskingConfigError(
        'randomReplaceProb',
        `maskReplaceProb + randomReplaceProb must be <= 1, got ${this.maskReplaceProb} + ${this.randomReplaceProb}`,
      );
    this.specialTokenIds = new Set(o.specialTokenIds ?? []);
    this.vocabSize = o.vocabSize ?? 0;
    if (this.randomReplaceProb > 0) {
      if (!Number.isInteger(o.vocabSize) || (o.vocabSize as number) < 1)
        throw new MaskingConfigError('vocabSize', `required (a positive integer) when randomReplaceProb > 0`);
      let allowed = 0;
      for (let i = 0; i < this.vocabSize && allowed === 0; i++) if (!this.specialTokenIds.has(i)) allowed++;
      if (allowed === 0) throw new MaskingConfigError('specialTokenIds', 'excludes the whole vocabulary');
    }
    // HF: replaced ~ Bernoulli(maskReplaceProb); random ~ Bernoulli(random / (1 − mask)) among the rest.
    this.randomGivenNotMask =
      this.maskReplaceProb >= 1 ? 0 : Math.min(1, this.randomReplaceProb / (1 - this.maskReplaceProb));
  }

  /** The id to write at a chosen position whose original id is `original`. */
  replacement(rng: SeededRandom, original: number): number {
    if (rng.next() < this.maskReplaceProb) return this.maskTokenId;
    if (this.randomGivenNotMask > 0 && rng.next() < this.randomGivenNotMask) return this.randomToken(rng);
    return original;
  }

  /** Decision for a whole span: 'mask' | 'random' | 'keep' (SpanBERT decides per span). */
  decide(rng: SeededRandom): 'mask' | 'random' | 'keep' {
    if (rng.next() < this.maskReplaceProb) return 'mask';
    if (this.randomGivenNotMask > 0 && rng.next() < this.randomGivenNotMask) return 'random';
    return 'keep';
  }

  randomToken(rng: SeededRandom): number {
    for (;;) {
      const id = rng.nextInt(this.vocabSize);
      if (!this.specialTokenIds.has(id)) return id;
    }
  }
}

/** Builds a `MaskedBatch` from chosen flat positions. */
export class MaskWriter {
  readonly inputIds: Int32Array;
  readonly labels: Int32Array;
  private readonly chosen: Uint8Array;

  constructor(readonly original: Int32Array) {
    this.inputIds = Int32Array.from(original);
    this.labels = new Int32Array(original.length).fill(-100);
    this.chosen = new Uint8Array(original.length);
  }

  isChosen(i: number): boolean {
    return this.chosen[i] === 1;
  }

  /** Mark `i` as a prediction target and write `id` there. */
  set(i: number, id: number): void {
    this.chosen[i] = 1;
    this.labels[i] = this.original[i];
    this.inputIds[i] = id;
  }

  positions(): Int32Array {
    let n = 0;
    for (let i = 0; i < this.chosen.length; i++) n += this.chosen[i];
    const out = new Int32Array(n);
    let k = 0;
    for (let i = 0; i < this.chosen.length; i++) if (this.chosen[i]) out[k++] = i;
    return out;
  }
}

/** Choose `k` distinct elements of `items` uniformly (partial Fisher–Yates; `items` is permuted). */
export function sampleWithoutReplacement(rng: SeededRandom, items: number[], k: number): number[] {
  const n = items.length;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items.slice(0, m);
}
