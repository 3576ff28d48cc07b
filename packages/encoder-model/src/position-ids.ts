// Position ids: BERT counts 0..S-1; RoBERTa counts from padding_idx + 1 and skips padding.
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import { ShapeMismatchError } from './errors.js';

/**
 * Position ids for a prompt of length P followed by T tokens (S = P + T): BERT [S] (shared by the
 * batch), RoBERTa [B, S] (see `robertaPositionIds`). Throws when S does not fit the table.
 */
export function positionIds(c: BertConfig, B: number, P: number, T: number, ids?: tf.Tensor2D): tf.Tensor {
  const S = P + T;
  const offset = c.modelType === 'roberta' ? c.padTokenId + 1 : 0;
  if (S + offset > c.maxPositionEmbeddings)
    throw new ShapeMismatchError(
      'inputIds',
      `sequence length ${S} exceeds max_position_embeddings ${c.maxPositionEmbeddings}`,
    );
  if (c.modelType === 'roberta') return robertaPositionIds(c.padTokenId, B, P, T, ids);
  return tf.range(0, S, 1, 'int32'); // [S]
}

/**
 * HF `create_position_ids_from_input_ids`: padding_idx + 1 + running count of non-pad tokens,
 * padding_idx at pads. Prompt positions (and inputs given as embeddings) count as tokens. → [B, S]
 */
export function robertaPositionIds(
  pad: number,
  B: number,
  P: number,
  T: number,
  ids?: tf.Tensor2D,
): tf.Tensor2D {
  const S = P + T;
  const out = new Int32Array(B * S);
  const data = ids?.dataSync();
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let t = 0; t < S; t++) {
      const isPad = t >= P && data !== undefined && data[b * T + (t - P)] === pad;
      if (!isPad) count += 1;
      out[b * S + t] = isPad ? pad : pad + count;
    }
  }
  return tf.tensor2d(out, [B, S], 'int32'); // [B, S]
}
