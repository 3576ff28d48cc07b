import { TokenizerConfigError } from '../errors.js';
import { checkPattern } from '../normalizers/index.js';
import { BertPreTokenizer } from './bert-pre-tokenizer.js';
import { ByteLevelPreTokenizer } from './byte-level.js';
import { CharDelimiterSplitPreTokenizer } from './char-delimiter-split.js';
import { DigitsPreTokenizer } from './digits.js';
import { MetaspacePreTokenizer, type PrependScheme } from './metaspace.js';
import { type PreTokenizer, SPLIT_BEHAVIORS, type SplitBehavior } from './pre-tokenizer.js';
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
export { PunctuationPreTokenizer } from './punctuation.js';
export { SequencePreTokenizer } from './sequence-pre-tokenizer.js';
export { SplitPreTokenizer } from './split.js';
export { WhitespacePreTokenizer } from './whitespace.js';
export { WhitespaceSplitPreTokenizer } from './whitespace-split.js';

function behavior(b: any, where: string, dflt: SplitBehavior): SplitBehavior {
  if (b === undefined || b === null) return dflt;
  if (!SPLIT_BEHAVIORS.includes(b))
    throw new TokenizerConfigError(`${where}: unknown split behavior ${JSON.stringify(b)}`);
  return b;
}

/** Build a pre-tokenizer from its tokenizer.json object (switches on `type`). */
export function preTokenizerFromJSON(j: any): PreTokenizer | null {
  if (j === null || j === undefined) return null;
  switch (j.type) {
    case 'BertPreTokenizer':
      return new BertPreTokenizer();
    case 'Whitespace':
      return new WhitespacePreTokenizer();
    case 'WhitespaceSplit':
      return new WhitespaceSplitPreTokenizer();
    case 'ByteLevel':
      return new ByteLevelPreTokenizer(
        j.add_prefix_space ?? true,
        j.trim_offsets ?? true,
        j.use_regex ?? true,
      );
    case 'Punctuation':
      return new PunctuationPreTokenizer(behavior(j.behavior, 'Punctuation pre-tokenizer', 'Isolated'));
    case 'CharDelimiterSplit':
      if (typeof j.delimiter !== 'string' || Array.from(j.delimiter).length !== 1)
        throw new TokenizerConfigError('CharDelimiterSplit pre-tokenizer needs a one-character `delimiter`');
      return new CharDelimiterSplitPreTokenizer(j.delimiter);
    case 'Digits':
      return new DigitsPreTokenizer(j.individual_digits ?? false);
    case 'Split':
      return new SplitPreTokenizer(
        checkPattern(j.pattern, 'Split pre-tokenizer'),
        behavior(j.behavior, 'Split pre-tokenizer', 'Isolated'),
        j.invert ?? false,
      );
    case 'Metaspace': {
      let scheme: PrependScheme = 'always';
      if (j.prepend_scheme !== undefined) {
        if (!['always', 'first', 'never'].includes(j.prepend_scheme))
          throw new TokenizerConfigError(
            `Metaspace: unknown prepend_scheme ${JSON.stringify(j.prepend_scheme)}`,
          );
        scheme = j.prepend_scheme;
      } else if (j.add_prefix_space === false) scheme = 'never';
      const replacement = j.replacement ?? '▁';
      if (typeof replacement !== 'string' || replacement.length === 0)
        throw new TokenizerConfigError('Metaspace pre-tokenizer needs a non-empty `replacement`');
      return new MetaspacePreTokenizer(replacement, scheme, j.split ?? true);
    }
    case 'Sequence':
      if (!Array.isArray(j.pretokenizers))
        throw new TokenizerConfigError('Sequence pre-tokenizer needs a `pretokenizers` array');
      return new SequencePreTokenizer(j.pretokenizers.map((p: any) => preTokenizerFromJSON(p)!));
    default:
      throw new TokenizerConfigError(`unknown pre_tokenizer type ${JSON.stringify(j.type)}`);
  }
}
