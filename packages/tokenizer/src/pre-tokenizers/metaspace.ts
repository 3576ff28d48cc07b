import type { NormalizedString } from '../normalized-string.js';
import { charMatches, type PreTokenizer, splitWithBehavior } from './pre-tokenizer.js';

export type PrependScheme = 'always' | 'first' | 'never';

/** SentencePiece-style: spaces become `replacement`, optionally prepended, split before each one. */
export class MetaspacePreTokenizer implements PreTokenizer {
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: PrependScheme = 'always',
    readonly splitOnReplacement = true,
  ) {}
  split(ns: NormalizedString): NormalizedString[] {
    ns.replaceRanges(
      charMatches(ns.normalized, (cp) => cp === 32),
      this.replacement,
    );
    if (!ns.normalized.startsWith(this.replacement)) {
      if (this.prependScheme === 'always' || (this.prependScheme === 'first' && ns.origStart(0) === 0))
        ns.prepend(this.replacement);
    }
    if (!this.splitOnReplacement) return ns.length > 0 ? [ns] : [];
    const r = this.replacement;
    const matches: Array<[number, number]> = [];
    for (let i = ns.normalized.indexOf(r); i >= 0; i = ns.normalized.indexOf(r, i + r.length))
      matches.push([i, i + r.length]);
    return splitWithBehavior(ns, matches, 'MergedWithNext');
  }
  toJSON(): Record<string, unknown> {
    return {
      type: 'Metaspace',
      replacement: this.replacement,
      prepend_scheme: this.prependScheme,
      split: this.splitOnReplacement,
    };
  }
}
