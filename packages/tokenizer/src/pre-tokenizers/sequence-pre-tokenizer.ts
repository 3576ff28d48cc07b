import type { NormalizedString } from '../normalized-string.js';
import type { PreTokenizer } from './pre-tokenizer.js';

/** Apply pre-tokenizers in order, each on every piece of the previous one. */
export class SequencePreTokenizer implements PreTokenizer {
  constructor(readonly preTokenizers: PreTokenizer[]) {}
  split(ns: NormalizedString): NormalizedString[] {
    let pieces = [ns];
    for (const p of this.preTokenizers) {
      const next: NormalizedString[] = [];
      for (const piece of pieces) for (const q of p.split(piece)) if (q.length > 0) next.push(q);
      pieces = next;
    }
    return pieces;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Sequence', pretokenizers: this.preTokenizers.map((p) => p.toJSON()) };
  }
}
