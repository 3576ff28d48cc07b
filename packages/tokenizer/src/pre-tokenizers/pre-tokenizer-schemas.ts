import * as v from 'valibot';
import { PatternSchema } from '../config-schema.js';
import { SPLIT_BEHAVIORS } from './pre-tokenizer.js';

const type = <T extends string>(t: T) => ({ type: v.literal(t) });
const flag = (dflt: boolean) => v.nullish(v.boolean(), dflt);
const behavior = v.nullish(v.picklist(SPLIT_BEHAVIORS), 'Isolated');

/** tokenizer.json `pre_tokenizer` objects, one schema per `type` (HF field names). */
export const PRE_TOKENIZER_SCHEMAS = {
  BertPreTokenizer: v.looseObject(type('BertPreTokenizer')),
  Whitespace: v.looseObject(type('Whitespace')),
  WhitespaceSplit: v.looseObject(type('WhitespaceSplit')),
  ByteLevel: v.looseObject({
    ...type('ByteLevel'),
    add_prefix_space: flag(true),
    trim_offsets: flag(true),
    use_regex: flag(true),
  }),
  Punctuation: v.looseObject({ ...type('Punctuation'), behavior }),
  CharDelimiterSplit: v.looseObject({
    ...type('CharDelimiterSplit'),
    delimiter: v.pipe(
      v.string(),
      v.check((d) => Array.from(d).length === 1, 'a one-character `delimiter`'),
    ),
  }),
  Digits: v.looseObject({ ...type('Digits'), individual_digits: flag(false) }),
  Split: v.looseObject({ ...type('Split'), pattern: PatternSchema, behavior, invert: flag(false) }),
  Metaspace: v.looseObject({
    ...type('Metaspace'),
    replacement: v.nullish(
      v.pipe(
        v.string(),
        v.check((r) => r.length > 0, 'a non-empty `replacement`'),
      ),
      '▁',
    ),
    prepend_scheme: v.optional(v.picklist(['always', 'first', 'never'])),
    add_prefix_space: v.nullish(v.boolean()),
    split: flag(true),
  }),
  Sequence: v.looseObject({ ...type('Sequence'), pretokenizers: v.array(v.unknown()) }),
};
