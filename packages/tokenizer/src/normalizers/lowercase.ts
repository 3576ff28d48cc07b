import type { NormalizedString } from '../normalized-string.js';
import { lowerChar } from '../unicode.js';
import type { Normalizer } from './normalizer.js';

/** Per-character lowercase (Rust char::to_lowercase). */
export class LowercaseNormalizer implements Normalizer {
  normalize(ns: NormalizedString): void {
    const s = ns.normalized;
    const lower = s.toLowerCase();
    // Length-preserving and free of final-sigma context rules: keep alignment as is.
    if (lower.length === s.length && !s.includes('\u03a3')) {
      ns.normalized = lower;
      return;
    }
    ns.mapChars(lowerChar);
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Lowercase' };
  }
}
