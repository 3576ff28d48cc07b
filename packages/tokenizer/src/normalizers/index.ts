import { checkNesting, parseComponent } from '../config-schema.js';
import { TokenizerConfigError } from '../errors.js';
import { BertNormalizer } from './bert-normalizer.js';
import { LowercaseNormalizer } from './lowercase.js';
import type { Normalizer } from './normalizer.js';
import { NORMALIZER_SCHEMAS } from './normalizer-schemas.js';
import { PrependNormalizer } from './prepend.js';
import { ReplaceNormalizer } from './replace.js';
import { SequenceNormalizer } from './sequence-normalizer.js';
import { StripNormalizer } from './strip.js';
import { StripAccentsNormalizer } from './strip-accents.js';
import { UnicodeNormalizer } from './unicode-normalizer.js';

export { BertNormalizer, type BertNormalizerOptions } from './bert-normalizer.js';
export { LowercaseNormalizer } from './lowercase.js';
export type { Normalizer } from './normalizer.js';
export { NORMALIZER_SCHEMAS } from './normalizer-schemas.js';
export { compilePattern, findMatches, onigToJs, type PatternSpec } from './pattern.js';
export { PrependNormalizer } from './prepend.js';
export { ReplaceNormalizer } from './replace.js';
export { SequenceNormalizer } from './sequence-normalizer.js';
export { StripNormalizer } from './strip.js';
export { StripAccentsNormalizer } from './strip-accents.js';
export { UnicodeNormalizer } from './unicode-normalizer.js';

/**
 * Build a normalizer from its tokenizer.json object (switches on `type`); null for null / absent.
 * `where` names the file and field in errors; `depth` counts enclosing `Sequence`s.
 */
export function normalizerFromJSON(j: unknown, where = 'normalizer', depth = 0): Normalizer | null {
  if (j === null || j === undefined) return null;
  const c = parseComponent('normalizer', NORMALIZER_SCHEMAS, j, where);
  switch (c.type) {
    case 'BertNormalizer':
      return new BertNormalizer({
        cleanText: c.clean_text,
        handleChineseChars: c.handle_chinese_chars,
        stripAccents: c.strip_accents,
        lowercase: c.lowercase,
      });
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return new UnicodeNormalizer(c.type);
    case 'Lowercase':
      return new LowercaseNormalizer();
    case 'StripAccents':
      return new StripAccentsNormalizer();
    case 'Strip':
      return new StripNormalizer(c.strip_left, c.strip_right);
    case 'Prepend':
      return new PrependNormalizer(c.prepend);
    case 'Replace':
      return new ReplaceNormalizer(c.pattern, c.content, `${where}.pattern`);
    case 'Sequence':
      checkNesting(depth + 1, where);
      return new SequenceNormalizer(
        c.normalizers.map((n, i) => {
          const w = `${where}.normalizers[${i}]`;
          const out = normalizerFromJSON(n, w, depth + 1);
          if (out === null) throw new TokenizerConfigError(`${w}: expected a normalizer, got null`);
          return out;
        }),
      );
  }
}
