import * as v from 'valibot';
import { parseJsonText, parseWith, TokenIdSchema } from './config-schema.js';
import { preview, TokenizerConfigError } from './errors.js';
import { PaddingJsonSchema } from './padding.js';
import { TruncationJsonSchema } from './truncation.js';

const flag = (dflt: boolean) => v.nullish(v.boolean(), dflt);

/** One entry of `added_tokens`. */
export const AddedTokenSchema = v.looseObject({
  id: TokenIdSchema,
  content: v.pipe(v.string(), v.minLength(1)),
  single_word: flag(false),
  lstrip: flag(false),
  rstrip: flag(false),
  normalized: v.nullish(v.boolean()),
  special: flag(false),
});

/**
 * The top level of a tokenizer.json. The components (`normalizer`, `pre_tokenizer`, `model`,
 * `post_processor`, `decoder`) are validated by the schema of their kind when they are built.
 */
export const TokenizerJsonSchema = v.looseObject({
  truncation: v.nullish(TruncationJsonSchema),
  padding: v.nullish(PaddingJsonSchema),
  added_tokens: v.nullish(v.array(AddedTokenSchema), []),
  normalizer: v.optional(v.unknown()),
  pre_tokenizer: v.optional(v.unknown()),
  model: v.optional(v.unknown()),
  post_processor: v.optional(v.unknown()),
  decoder: v.optional(v.unknown()),
});

export type TokenizerJson = v.InferOutput<typeof TokenizerJsonSchema>;

/**
 * A tokenizer.json object or text, checked at the top level: a `TokenizerConfigError` naming `source`
 * (the file) and the field when it is not JSON, not an object, or a field has the wrong type.
 */
export function parseTokenizerJson(json: unknown, source: string): TokenizerJson {
  const j = typeof json === 'string' ? parseJsonText(json, source) : json;
  if (j === null || typeof j !== 'object' || Array.isArray(j))
    throw new TokenizerConfigError(`${source}: expected a tokenizer.json object, got ${preview(j)}`);
  return parseWith(TokenizerJsonSchema, j, `${source}:`);
}
