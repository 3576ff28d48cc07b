import * as v from 'valibot';
import { countSchema, MAX_TOKEN_ID, TokenIdSchema } from '../config-schema.js';

const type = <T extends string>(t: T) => ({ type: v.literal(t) });
const flag = (dflt: boolean) => v.nullish(v.boolean(), dflt);
const TypeId = countSchema(MAX_TOKEN_ID);
const TokenAndId = v.tuple([v.string(), TokenIdSchema]);

const TemplatePieceSchema = v.union([
  v.object({ SpecialToken: v.object({ id: v.string(), type_id: TypeId }) }),
  v.object({ Sequence: v.object({ id: v.picklist(['A', 'B']), type_id: TypeId }) }),
]);
const TemplateSchema = v.union([v.string(), v.array(TemplatePieceSchema)]);

/** tokenizer.json `post_processor` objects, one schema per `type` (HF field names). */
export const POST_PROCESSOR_SCHEMAS = {
  TemplateProcessing: v.looseObject({
    ...type('TemplateProcessing'),
    single: TemplateSchema,
    pair: v.nullish(TemplateSchema, null),
    special_tokens: v.nullish(
      v.record(
        v.string(),
        v.pipe(
          v.looseObject({
            id: v.optional(v.string()),
            ids: v.array(TokenIdSchema),
            tokens: v.array(v.string()),
          }),
          v.check((s) => s.ids.length === s.tokens.length, 'as many `ids` as `tokens`'),
        ),
      ),
      {},
    ),
  }),
  BertProcessing: v.looseObject({
    ...type('BertProcessing'),
    sep: v.nullish(TokenAndId, ['[SEP]', 102]),
    cls: v.nullish(TokenAndId, ['[CLS]', 101]),
  }),
  RobertaProcessing: v.looseObject({
    ...type('RobertaProcessing'),
    sep: v.nullish(TokenAndId, ['</s>', 2]),
    cls: v.nullish(TokenAndId, ['<s>', 0]),
    trim_offsets: flag(true),
    add_prefix_space: flag(true),
  }),
  ByteLevel: v.looseObject({
    ...type('ByteLevel'),
    add_prefix_space: flag(true),
    trim_offsets: flag(true),
    use_regex: flag(true),
  }),
};
