import type { NormalizedString } from '../normalized-string.js';
import type { Normalizer } from './normalizer.js';

/** Apply normalizers in order. */
export class SequenceNormalizer implements Normalizer {
  constructor(readonly normalizers: Normalizer[]) {}
  normalize(ns: NormalizedString): void {
    for (const n of this.normalizers) n.normalize(ns);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Sequence', normalizers: this.normalizers.map((n) => n.toJSON()) };
  }
}
