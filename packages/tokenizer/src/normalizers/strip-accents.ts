import type { NormalizedString } from '../normalized-string.js';
import type { Normalizer } from './normalizer.js';

const MARK = /^\p{M}$/u;

/** Remove combining marks (usually after NFD). */
export class StripAccentsNormalizer implements Normalizer {
  normalize(ns: NormalizedString): void {
    ns.filter((cp) => !MARK.test(String.fromCodePoint(cp)));
  }
  toJSON(): Record<string, unknown> {
    return { type: 'StripAccents' };
  }
}
