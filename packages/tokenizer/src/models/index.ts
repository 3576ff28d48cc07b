import { TokenizerConfigError } from '../errors.js';
import { BPE } from './bpe.js';
import type { Model } from './model.js';
import { Unigram } from './unigram.js';
import { WordLevel } from './word-level.js';
import { WordPiece } from './wordpiece.js';

export { BPE, type BpeOptions, parseMergesTxt } from './bpe.js';
export type { Model, WordTokens } from './model.js';
export { Unigram } from './unigram.js';
export { WordLevel } from './word-level.js';
export { WordPiece, type WordPieceOptions } from './wordpiece.js';

/** Build a model from its tokenizer.json object (switches on `type`). */
export function modelFromJSON(j: any): Model {
  if (j === null || typeof j !== 'object') throw new TokenizerConfigError('tokenizer.json has no `model`');
  let type = j.type;
  if (type === undefined) {
    // very old files omit the type: infer it
    if (Array.isArray(j.vocab)) type = 'Unigram';
    else if (j.merges !== undefined) type = 'BPE';
    else if (j.continuing_subword_prefix !== undefined) type = 'WordPiece';
  }
  switch (type) {
    case 'WordPiece':
      return WordPiece.fromJSON(j);
    case 'BPE':
      return BPE.fromJSON(j);
    case 'Unigram':
      return Unigram.fromJSON(j);
    case 'WordLevel':
      return WordLevel.fromJSON(j);
    default:
      throw new TokenizerConfigError(`unknown model type ${JSON.stringify(j.type)}`);
  }
}
