// The rows the last layer computes when the caller reads only some positions (`outputPositions`).
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderInputs } from './encoder-inputs.js';
import { InvalidInputError } from './errors.js';
import type { QueryRows } from './self-attention.js';

export interface OutputRows {
  /** The last layer's query rows, M per batch row. */
  queries: QueryRows;
  /** For the k-th asked position, its row among the B·M the last layer returns: [N]. */
  order: tf.Tensor1D;
}

/**
 * `inp.outputPositions` (flat `b·S + s`, checked) grouped by batch row: M = the most positions any
 * batch row has (at least 1); a batch row with fewer repeats one of its rows (its first asked
 * position, else its first row) to fill its M slots. Padding costs compute, never values.
 */
export function outputRows(inp: EncoderInputs, B: number, S: number): OutputRows {
  const pos = inp.outputPositions ?? [];
  if (inp.outputHiddenStates || inp.outputIntermediates)
    throw new InvalidInputError(
      'outputPositions',
      'cannot be combined with outputHiddenStates or outputIntermediates (the last layer skips rows)',
    );
  if (!(pos instanceof Int32Array || Array.isArray(pos)))
    throw new InvalidInputError(
      'outputPositions',
      'expected an Int32Array or a number array of flat b·S + s',
    );
  const counts = new Int32Array(B);
  const slot = new Int32Array(pos.length);
  for (let k = 0; k < pos.length; k++) {
    const p = pos[k];
    if (!(Number.isInteger(p) && p >= 0 && p < B * S))
      throw new InvalidInputError(
        'outputPositions',
        `position ${p} at index ${k} is not an integer in [0, ${B * S}) (flat b·S + s)`,
      );
    const b = Math.floor(p / S);
    slot[k] = counts[b]++;
  }
  let M = 1;
  for (let b = 0; b < B; b++) M = Math.max(M, counts[b]); // (no spread: B may be large)
  const index = new Int32Array(B * M);
  for (let b = 0; b < B; b++) index.fill(b * S, b * M, (b + 1) * M);
  const order = new Int32Array(pos.length);
  for (let k = 0; k < pos.length; k++) {
    const b = Math.floor(pos[k] / S);
    index[b * M + slot[k]] = pos[k];
    order[k] = b * M + slot[k];
  }
  for (let b = 0; b < B; b++) if (counts[b] > 0) index.fill(index[b * M], b * M + counts[b], (b + 1) * M); // pad with a real query
  return { queries: { index: tf.tensor1d(index, 'int32'), perBatch: M }, order: tf.tensor1d(order, 'int32') };
}
