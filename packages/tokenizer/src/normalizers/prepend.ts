import type { NormalizedString } from '../normalized-string.js';
import type { Normalizer } from './normalizer.js';

/** Prepend a string (e.g. '▁') to non-empty input. */
export class PrependNormalizer implements Normalizer {
  constructor(readonly prepend: string) {}
  normalize(ns: NormalizedString): void {
    ns.prepend(this.prepend);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Prepend', prepend: this.prepend };
  }
}
