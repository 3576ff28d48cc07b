import type { NormalizedString } from '../normalized-string.js';
import type { Normalizer } from './normalizer.js';

/** NFC / NFD / NFKC / NFKD. */
export class UnicodeNormalizer implements Normalizer {
  constructor(readonly form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD') {}
  normalize(ns: NormalizedString): void {
    ns.unicodeNormalize(this.form);
  }
  toJSON(): Record<string, unknown> {
    return { type: this.form };
  }
}
