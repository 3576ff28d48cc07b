import { parseComponent } from '../config-schema.js';
import { BertProcessing } from './bert-processing.js';
import { ByteLevelProcessing } from './byte-level-processing.js';
import type { PostProcessor } from './post-processor.js';
import { POST_PROCESSOR_SCHEMAS } from './post-processor-schemas.js';
import { RobertaProcessing } from './roberta-processing.js';
import { TemplateProcessing, type TemplateSpecialToken } from './template-processing.js';

export { BertProcessing, wrapWithSpecialTokens } from './bert-processing.js';
export { ByteLevelProcessing, trimByteLevelOffsets } from './byte-level-processing.js';
export type { PostProcessor } from './post-processor.js';
export { POST_PROCESSOR_SCHEMAS } from './post-processor-schemas.js';
export { RobertaProcessing } from './roberta-processing.js';
export {
  parseTemplate,
  type TemplatePiece,
  TemplateProcessing,
  type TemplateSpecialToken,
} from './template-processing.js';

/**
 * Build a post-processor from its tokenizer.json object (switches on `type`); null for null / absent.
 * `where` names the file and field in errors.
 */
export function postProcessorFromJSON(j: unknown, where = 'post_processor'): PostProcessor | null {
  if (j === null || j === undefined) return null;
  const c = parseComponent('post_processor', POST_PROCESSOR_SCHEMAS, j, where);
  switch (c.type) {
    case 'TemplateProcessing': {
      const specials: Record<string, TemplateSpecialToken> = {};
      for (const [k, s] of Object.entries(c.special_tokens))
        specials[k] = { id: s.id ?? k, ids: s.ids, tokens: s.tokens };
      return new TemplateProcessing(c.single, c.pair, specials, where);
    }
    case 'BertProcessing':
      return new BertProcessing(c.sep, c.cls);
    case 'RobertaProcessing':
      return new RobertaProcessing(c.sep, c.cls, c.trim_offsets, c.add_prefix_space);
    case 'ByteLevel':
      return new ByteLevelProcessing(c.add_prefix_space, c.trim_offsets, c.use_regex);
  }
}
