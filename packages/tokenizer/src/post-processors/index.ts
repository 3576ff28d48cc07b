import { TokenizerConfigError } from '../errors.js';
import { BertProcessing } from './bert-processing.js';
import { ByteLevelProcessing } from './byte-level-processing.js';
import type { PostProcessor } from './post-processor.js';
import { RobertaProcessing } from './roberta-processing.js';
import { TemplateProcessing } from './template-processing.js';

export { BertProcessing, wrapWithSpecialTokens } from './bert-processing.js';
export { ByteLevelProcessing, trimByteLevelOffsets } from './byte-level-processing.js';
export type { PostProcessor } from './post-processor.js';
export { RobertaProcessing } from './roberta-processing.js';
export {
  parseTemplate,
  type TemplatePiece,
  TemplateProcessing,
  type TemplateSpecialToken,
} from './template-processing.js';

/** Build a post-processor from its tokenizer.json object (switches on `type`). */
export function postProcessorFromJSON(j: any): PostProcessor | null {
  if (j === null || j === undefined) return null;
  switch (j.type) {
    case 'TemplateProcessing':
      return TemplateProcessing.fromJSON(j);
    case 'BertProcessing':
      return BertProcessing.fromJSON(j);
    case 'RobertaProcessing':
      return RobertaProcessing.fromJSON(j);
    case 'ByteLevel':
      return ByteLevelProcessing.fromJSON(j);
    default:
      throw new TokenizerConfigError(`unknown post_processor type ${JSON.stringify(j.type)}`);
  }
}
