import * as v from 'valibot';
import { PatternSchema } from '../config-schema.js';

const type = <T extends string>(t: T) => ({ type: v.literal(t) });
const flag = (dflt: boolean) => v.nullish(v.boolean(), dflt);

/** tokenizer.json `normalizer` objects, one schema per `type` (HF field names). */
export const NORMALIZER_SCHEMAS = {
  BertNormalizer: v.looseObject({
    ...type('BertNormalizer'),
    clean_text: flag(true),
    handle_chinese_chars: flag(true),
    strip_accents: v.nullish(v.boolean(), null),
    lowercase: flag(true),
  }),
  NFC: v.looseObject(type('NFC')),
  NFD: v.looseObject(type('NFD')),
  NFKC: v.looseObject(type('NFKC')),
  NFKD: v.looseObject(type('NFKD')),
  Lowercase: v.looseObject(type('Lowercase')),
  StripAccents: v.looseObject(type('StripAccents')),
  Strip: v.looseObject({ ...type('Strip'), strip_left: flag(true), strip_right: flag(true) }),
  Prepend: v.looseObject({ ...type('Prepend'), prepend: v.string() }),
  Replace: v.looseObject({ ...type('Replace'), pattern: PatternSchema, content: v.nullish(v.string(), '') }),
  Sequence: v.looseObject({ ...type('Sequence'), normalizers: v.array(v.unknown()) }),
};
