// HF BertEmbeddings / RobertaEmbeddings: word + position + token type, LayerNorm, dropout; a soft
// prompt, when given, is prepended to the word embeddings.
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import type { EncoderInputs } from './encoder-inputs.js';
import { ShapeMismatchError } from './errors.js';
import { type IntInput, isTensor3D, toInt2d } from './int-input.js';
import { dropout, gatherRows, layerNorm } from './ops.js';
import type { Norm, ParameterSet } from './parameter-set.js';
import { positionIds } from './position-ids.js';
import { prependPrompt, prependPromptTypes } from './prompt-embeds.js';
import type { SeededRandom } from './rng.js';

export interface EmbeddingParams {
  word: tf.Variable<tf.Rank.R2>; // [V, H]
  position: tf.Variable<tf.Rank.R2>; // [max_position_embeddings, H]
  tokenType: tf.Variable<tf.Rank.R2>; // [type_vocab_size, H]
  norm: Norm;
}

/** Create `${prefix}.embeddings.*` in HF's order; the padding rows start at zero (as HF's init). */
export function embeddingParams(s: ParameterSet, prefix: string, c: BertConfig): EmbeddingParams {
  const e = `${prefix}.embeddings`;
  const H = c.hiddenSize;
  const positionPad = c.modelType === 'roberta' ? c.padTokenId : undefined;
  return {
    word: s.matrix(`${e}.word_embeddings.weight`, c.vocabSize, H, 'normal', c.padTokenId),
    position: s.matrix(`${e}.position_embeddings.weight`, c.maxPositionEmbeddings, H, 'normal', positionPad),
    tokenType: s.matrix(`${e}.token_type_embeddings.weight`, c.typeVocabSize, H),
    norm: s.norm(`${e}.LayerNorm`, H),
  };
}

/** Rows of `table` [N, H] at integer `ids` of any shape → [...ids.shape, H]. */
function lookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  return tf.reshape(gatherRows(table, tf.reshape(ids, [-1])), [...ids.shape, table.shape[1]]);
}

/** Word embeddings [B, T, H] of `inputIds`, or `inputsEmbeds` as given. */
function wordEmbeddings(
  word: tf.Tensor2D,
  ids: tf.Tensor2D | undefined,
  given: tf.Tensor | undefined,
): tf.Tensor3D {
  const H = word.shape[1];
  if (given) {
    if (!isTensor3D(given) || given.shape[2] !== H)
      throw new ShapeMismatchError('inputsEmbeds', `must be [B, T, ${H}], got [${given.shape}]`);
    return given;
  }
  if (!ids) throw new Error('forward: give inputIds or inputsEmbeds');
  const [B, T] = ids.shape;
  return tf.reshape(gatherRows(word, tf.reshape(ids, [B * T])), [B, T, H]); // [B, T, H]
}

/** Token-type embeddings: [B, S, H] from `tokenTypeIds` (type 0 on the prompt), or type 0's row [1, H]. */
function typeEmbeddings(table: tf.Tensor2D, types: IntInput | undefined, promptLength: number): tf.Tensor {
  if (types === undefined) return gatherRows(table, tf.tensor1d([0], 'int32')); // [1, H]
  return lookup(table, prependPromptTypes(toInt2d(types, 'tokenTypeIds', table.shape[0]), promptLength)); // [B, S, H]
}

/** The embeddings output [B, S, H] (S = P + T) and the prompt length P. */
export function embed(
  p: EmbeddingParams,
  c: BertConfig,
  inp: EncoderInputs,
  rng?: SeededRandom,
): { x: tf.Tensor3D; promptLength: number } {
  const ids = inp.inputIds !== undefined ? toInt2d(inp.inputIds, 'inputIds', c.vocabSize) : undefined; // [B, T]
  const tokens = wordEmbeddings(p.word, ids, inp.inputsEmbeds); // [B, T, H]
  const [B, T] = tokens.shape;
  const { words, promptLength: P } = prependPrompt(tokens, inp.promptEmbeds); // [B, S, H]
  const pos = lookup(p.position, positionIds(c, B, P, T, ids)); // [S, H] or [B, S, H]
  const types = typeEmbeddings(p.tokenType, inp.tokenTypeIds, P); // [B, S, H] or [1, H]
  const x = layerNorm(
    tf.add<tf.Tensor3D>(tf.add(words, pos), types),
    p.norm.weight,
    p.norm.bias,
    c.layerNormEps,
  );
  return { x: dropout(x, c.hiddenDropoutProb, rng), promptLength: P }; // [B, S, H]
}
