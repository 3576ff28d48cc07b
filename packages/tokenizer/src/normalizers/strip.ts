import type { NormalizedString } from '../normalized-string.js';
import { isWhitespaceCp } from '../unicode.js';
import type { Normalizer } from './normalizer.js';

/** Strip whitespace on the left and/or right. */
export class StripNormalizer implements Normalizer {
  constructor(
    readonly left = true,
    readonly right = true,
  ) {}
  normalize(ns: NormalizedString): void {
    const s = ns.normalized;
    let a = 0;
    let b = s.length;
    if (this.left) while (a < b && isWhitespaceCp(s.charCodeAt(a))) a++;
    if (this.right) while (b > a && isWhitespaceCp(s.charCodeAt(b - 1))) b--;
    if (a === 0 && b === s.length) return;
    const sl = ns.slice(a, b);
    ns.normalized = sl.normalized;
    ns.align = sl.align;
    ns.shift = sl.shift;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Strip', strip_left: this.left, strip_right: this.right };
  }
}
