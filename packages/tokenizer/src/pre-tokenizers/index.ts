import { checkNesting, parseComponent } from '../config-schema.js';
import { TokenizerConfigError } from '../errors.js';
import { BertPreTokenizer } from './bert-pre-tokenizer.js';
import { ByteLevelPreTokenizer } from './byte-level.js';
import { CharDelimiterSplitPreTokenizer } from './char-delimiter-split.js';
import { DigitsPreTokenizer } from './digits.js';
import { MetaspacePreTokenizer, type PrependScheme } from './metaspace.js';
import type { PreTokenizer } from './pre-tokenizer.js';
import { PRE_TOKENIZER_SCHEMAS } from './pre-tokenizer-schemas.js';
import { PunctuationPreTokenizer } from './punctuation.js';
import { SequencePreTokenizer } from './sequence-pre-tokenizer.js';
import { SplitPreTokenizer } from './split.js';
import { WhitespacePreTokenizer } from './whitespace.js';
import { WhitespaceSplitPreTokenizer } from './whitespace-split.js';

export { BertPreTokenizer } from './bert-pre-tokenizer.js';
export { BYTE_TO_CHAR, ByteLevelPreTokenizer, bytesToUnicode, CHAR_TO_BYTE } from './byte-level.js';
export { CharDelimiterSplitPreTokenizer } from './char-delimiter-split.js';
export { DigitsPreTokenizer } from './digits.js';
export { MetaspacePreTokenizer, type PrependScheme } from './metaspace.js';
export type { PreTokenizer, SplitBehavior } from './pre-tokenizer.js';
export { PRE_TOKENIZER_SCHEMAS } from './pre-tokenizer-schemas.js';
export { PunctuationPreTokenizer } from './punctuation.js';
export { SequencePreTokenizer } from './sequence-pre-tokenizer.js';
export { SplitPreTokenizer } from './split.js';
export { WhitespacePreTokenizer } from './whitespace.js';
export { WhitespaceSplitPreTokenizer } from './whitespace-split.js';

/**
 * Build a pre-tokenizer from its tokenizer.json object (switches on `type`); null for null / absent.
 * `where` names the file and field in errors; `depth` counts enclosing `Sequence`s.
 */
export function preTokenizerFromJSON(j: unknown, where = 'pre_tokenizer', depth = 0): PreTokenizer | null {
  if (j === null || j === undefined) return null;
  const c = parseComponent('pre_tokenizer', PRE_TOKENIZER_SCHEMAS, j, where);
  switch (c.type) {
    case 'BertPreTokenizer':
      return new BertPreTokenizer();
    case 'Whitespace':
      return new WhitespacePreTokenizer();
    case 'WhitespaceSplit':
      return new WhitespaceSplitPreTokenizer();
    case 'ByteLevel':
      return new ByteLevelPreTokenizer(c.add_prefix_space, c.trim_offsets, c.use_regex);
    case 'Punctuation':
      return new PunctuationPreTokenizer(c.behavior);
    case 'CharDelimiterSplit':
      return new CharDelimiterSplitPreTokenizer(c.delimiter);
    case 'Digits':
      return new DigitsPreTokenizer(c.individual_digits);
    case 'Split':
      return new SplitPreTokenizer(c.pattern, c.behavior, c.invert, `${where}.pattern`);
    case 'Metaspace': {
      const scheme: PrependScheme = c.prepend_scheme ?? (c.add_prefix_space === false ? 'never' : 'always');
      return new MetaspacePreTokenizer(c.replacement, scheme, c.split);
    }
    case 'Sequence':
      checkNesting(depth + 1, where);
      return new SequencePreTokenizer(
        c.pretokenizers.map((p, i) => {
          const w = `${where}.pretokenizers[${i}]`;
          const out = preTokenizerFromJSON(p, w, depth + 1);
          if (out === null) throw new TokenizerConfigError(`${w}: expected a pre_tokenizer, got null`);
          return out;
        }),
      );
  }
}
