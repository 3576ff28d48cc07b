import * as v from 'valibot';
import { countSchema, MAX_TOKEN_ID, TokenIdSchema } from '../config-schema.js';

const flag = (dflt: boolean) => v.nullish(v.boolean(), dflt);
const typeOf = <T extends string>(t: T) => ({ type: v.optional(v.literal(t), t) });

// `vocab` and `merges` are checked by the loops of model.ts / bpe.ts / unigram.ts (fast on 250k entries).

/** tokenizer.json `model` objects, one schema per `type` (HF field names). */
export const MODEL_SCHEMAS = {
  WordPiece: v.looseObject({
    ...typeOf('WordPiece'),
    vocab: v.unknown(),
    unk_token: v.nullish(v.string(), '[UNK]'),
    continuing_subword_prefix: v.nullish(v.string(), '##'),
    max_input_chars_per_word: v.nullish(countSchema(MAX_TOKEN_ID), 100),
  }),
  BPE: v.looseObject({
    ...typeOf('BPE'),
    vocab: v.unknown(),
    merges: v.array(v.unknown()),
    dropout: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    unk_token: v.nullish(v.string(), null),
    continuing_subword_prefix: v.nullish(v.string(), null),
    end_of_word_suffix: v.nullish(v.string(), null),
    fuse_unk: flag(false),
    byte_fallback: flag(false),
    ignore_merges: flag(false),
  }),
  Unigram: v.looseObject({
    ...typeOf('Unigram'),
    vocab: v.array(v.unknown()),
    unk_id: v.nullish(TokenIdSchema, null),
    byte_fallback: flag(false),
  }),
  WordLevel: v.looseObject({
    ...typeOf('WordLevel'),
    vocab: v.unknown(),
    unk_token: v.nullish(v.string(), '<unk>'),
  }),
};
