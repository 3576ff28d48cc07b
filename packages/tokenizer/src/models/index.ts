import { preview, TokenizerConfigError } from '../errors.js';
import { BPE } from './bpe.js';
import type { Model } from './model.js';
import { Unigram } from './unigram.js';
import { WordLevel } from './word-level.js';
import { WordPiece } from './wordpiece.js';

export { BPE, type BpeOptions, parseMergesTxt } from './bpe.js';
export type { Model, WordTokens } from './model.js';
export { MODEL_SCHEMAS } from './model-schemas.js';
export { Unigram } from './unigram.js';
export { WordLevel } from './word-level.js';
export { WordPiece, type WordPieceOptions } from './wordpiece.js';

/**
 * Build a model from its tokenizer.json object (switches on `type`, inferred for very old files that
 * omit it). `where` names the file and field in errors.
 */
export function modelFromJSON(j: unknown, where = 'model'): Model {
  if (j === null || j === undefined)
    throw new TokenizerConfigError(`${where}: the tokenizer has no \`model\``);
  if (typeof j !== 'object' || Array.isArray(j))
    throw new TokenizerConfigError(`${where}: expected a model object, got ${preview(j)}`);
  const o = j as Record<string, unknown>;
  let type = o.type;
  if (type === undefined) {
    if (Array.isArray(o.vocab)) type = 'Unigram';
    else if (o.merges !== undefined) type = 'BPE';
    else if (o.continuing_subword_prefix !== undefined) type = 'WordPiece';
  }
  switch (type) {
    case 'WordPiece':
      return WordPiece.fromJSON(j, where);
    case 'BPE':
      return BPE.fromJSON(j, where);
    case 'Unigram':
      return Unigram.fromJSON(j, where);
    case 'WordLevel':
      return WordLevel.fromJSON(j, where);
    default:
      throw new TokenizerConfigError(`${where}: unknown model type ${preview(o.type)}`);
  }
}
