import * as v from 'valibot';
import { parseJsonText, parseWith } from './config-schema.js';
import { TokenizerConfigError } from './errors.js';
import type { SpecialTokenNames } from './tokenizer.js';

/** A special token in HF config files: its content, or an AddedToken object `{ "content": ... }`. */
const TokenNameSchema = v.nullish(v.union([v.string(), v.looseObject({ content: v.string() })]));

const SPECIAL_TOKEN_FIELDS = {
  pad_token: TokenNameSchema,
  unk_token: TokenNameSchema,
  cls_token: TokenNameSchema,
  sep_token: TokenNameSchema,
  mask_token: TokenNameSchema,
};

/** The fields of tokenizer_config.json this package reads (others are ignored). */
export const TokenizerConfigSchema = v.looseObject({
  ...SPECIAL_TOKEN_FIELDS,
  do_lower_case: v.nullish(v.boolean()),
  strip_accents: v.nullish(v.boolean()),
  tokenize_chinese_chars: v.nullish(v.boolean()),
});

/** special_tokens_map.json. */
export const SpecialTokensMapSchema = v.looseObject(SPECIAL_TOKEN_FIELDS);

export type TokenizerConfigJson = v.InferOutput<typeof TokenizerConfigSchema>;

function checkedObject(text: string, file: string): unknown {
  const j = parseJsonText(text, file);
  if (j === null || typeof j !== 'object' || Array.isArray(j))
    throw new TokenizerConfigError(`${file}: expected a JSON object, got ${j === null ? 'null' : typeof j}`);
  return j;
}

/** tokenizer_config.json text → its checked fields (a `TokenizerConfigError` naming the file and field). */
export function parseTokenizerConfig(text: string, file = 'tokenizer_config.json'): TokenizerConfigJson {
  return parseWith(TokenizerConfigSchema, checkedObject(text, file), `${file}:`);
}

/** The special tokens a tokenizer_config.json or special_tokens_map.json declares. */
export function declaredSpecialTokens(cfg: v.InferOutput<typeof SpecialTokensMapSchema>): SpecialTokenNames {
  const name = (t: string | { content: string } | null | undefined) =>
    t === null || t === undefined ? undefined : typeof t === 'string' ? t : t.content;
  const out: SpecialTokenNames = {};
  const set = (k: keyof SpecialTokenNames, t: string | undefined) => {
    if (t !== undefined) out[k] = t;
  };
  set('pad', name(cfg.pad_token));
  set('unk', name(cfg.unk_token));
  set('cls', name(cfg.cls_token));
  set('sep', name(cfg.sep_token));
  set('mask', name(cfg.mask_token));
  return out;
}

/** special_tokens_map.json text → the special tokens it declares (a `TokenizerConfigError` when malformed). */
export function parseSpecialTokensMap(text: string, file = 'special_tokens_map.json'): SpecialTokenNames {
  return declaredSpecialTokens(parseWith(SpecialTokensMapSchema, checkedObject(text, file), `${file}:`));
}
