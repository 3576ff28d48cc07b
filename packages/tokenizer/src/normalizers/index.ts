import { TokenizerConfigError } from '../errors.js';
import { BertNormalizer } from './bert-normalizer.js';
import { LowercaseNormalizer } from './lowercase.js';
import type { Normalizer } from './normalizer.js';
import { onigToJs, type PatternSpec } from './pattern.js';
import { PrependNormalizer } from './prepend.js';
import { ReplaceNormalizer } from './replace.js';
import { SequenceNormalizer } from './sequence-normalizer.js';
import { StripNormalizer } from './strip.js';
import { StripAccentsNormalizer } from './strip-accents.js';
import { UnicodeNormalizer } from './unicode-normalizer.js';

export { BertNormalizer, type BertNormalizerOptions } from './bert-normalizer.js';
export { LowercaseNormalizer } from './lowercase.js';
export type { Normalizer } from './normalizer.js';
export { compilePattern, findMatches, onigToJs, type PatternSpec } from './pattern.js';
export { PrependNormalizer } from './prepend.js';
export { ReplaceNormalizer } from './replace.js';
export { SequenceNormalizer } from './sequence-normalizer.js';
export { StripNormalizer } from './strip.js';
export { StripAccentsNormalizer } from './strip-accents.js';
export { UnicodeNormalizer } from './unicode-normalizer.js';

/** Build a normalizer from its tokenizer.json object (switches on `type`). */
export function normalizerFromJSON(j: any): Normalizer | null {
  if (j === null || j === undefined) return null;
  switch (j.type) {
    case 'BertNormalizer':
      return new BertNormalizer({
        cleanText: j.clean_text,
        handleChineseChars: j.handle_chinese_chars,
        stripAccents: j.strip_accents,
        lowercase: j.lowercase,
      });
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return new UnicodeNormalizer(j.type);
    case 'Lowercase':
      return new LowercaseNormalizer();
    case 'StripAccents':
      return new StripAccentsNormalizer();
    case 'Strip':
      return new StripNormalizer(j.strip_left ?? true, j.strip_right ?? true);
    case 'Prepend':
      if (typeof j.prepend !== 'string')
        throw new TokenizerConfigError('Prepend normalizer needs a string `prepend`');
      return new PrependNormalizer(j.prepend);
    case 'Replace':
      return new ReplaceNormalizer(checkPattern(j.pattern, 'Replace normalizer'), String(j.content ?? ''));
    case 'Sequence':
      if (!Array.isArray(j.normalizers))
        throw new TokenizerConfigError('Sequence normalizer needs a `normalizers` array');
      return new SequenceNormalizer(j.normalizers.map((n: any) => normalizerFromJSON(n)!));
    default:
      throw new TokenizerConfigError(`unknown normalizer type ${JSON.stringify(j.type)}`);
  }
}

export function checkPattern(p: any, where: string): PatternSpec {
  if (p && typeof p.String === 'string') return { String: p.String };
  if (p && typeof p.Regex === 'string') {
    try {
      new RegExp(onigToJs(p.Regex), 'u');
    } catch (e) {
      throw new TokenizerConfigError(
        `${where}: invalid regex ${JSON.stringify(p.Regex)}: ${(e as Error).message}`,
      );
    }
    return { Regex: p.Regex };
  }
  throw new TokenizerConfigError(`${where}: pattern must be {"String": ...} or {"Regex": ...}`);
}
