import * as v from 'valibot';
import { countSchema, MAX_TOKEN_ID, PatternSchema } from '../config-schema.js';

const type = <T extends string>(t: T) => ({ type: v.literal(t) });
const flag = (dflt: boolean) => v.nullish(v.boolean(), dflt);
const oneChar = v.pipe(
  v.string(),
  v.check((s) => Array.from(s).length === 1, 'a one-character `content`'),
);

/** tokenizer.json `decoder` objects, one schema per `type` (HF field names). */
export const DECODER_SCHEMAS = {
  WordPiece: v.looseObject({
    ...type('WordPiece'),
    prefix: v.nullish(v.string(), '##'),
    cleanup: flag(true),
  }),
  ByteLevel: v.looseObject(type('ByteLevel')),
  Metaspace: v.looseObject({
    ...type('Metaspace'),
    replacement: v.nullish(v.string(), '▁'),
    prepend_scheme: v.optional(v.picklist(['always', 'first', 'never'])),
    add_prefix_space: v.nullish(v.boolean()),
    split: flag(true),
  }),
  BPEDecoder: v.looseObject({ ...type('BPEDecoder'), suffix: v.nullish(v.string(), '</w>') }),
  BPE: v.looseObject({ ...type('BPE'), suffix: v.nullish(v.string(), '</w>') }),
  Replace: v.looseObject({ ...type('Replace'), pattern: PatternSchema, content: v.nullish(v.string(), '') }),
  Fuse: v.looseObject(type('Fuse')),
  Strip: v.looseObject({
    ...type('Strip'),
    content: v.nullish(oneChar, ' '),
    start: v.nullish(countSchema(MAX_TOKEN_ID), 0),
    stop: v.nullish(countSchema(MAX_TOKEN_ID), 0),
  }),
  ByteFallback: v.looseObject(type('ByteFallback')),
  Sequence: v.looseObject({ ...type('Sequence'), decoders: v.array(v.unknown()) }),
};
