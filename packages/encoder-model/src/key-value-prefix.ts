// Deep prompts (P-tuning v2 / prefix tuning): per-layer keys and values prepended to attention.
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';
import { isTensor3D } from './int-input.js';

/** Deep-prompt prefix for one layer: keys and values prepended to that layer's attention. */
export interface KeyValuePrefix {
  key: tf.Tensor; // [Pk, H] (shared by the batch) or [B, Pk, H]
  value: tf.Tensor; // [Pk, H] or [B, Pk, H]
}

/** Checks there is one prefix per layer; → the prefix length Pk (0 without prefixes). */
export function prefixLength(prefixes: KeyValuePrefix[] | undefined, numLayers: number): number {
  if (!prefixes) return 0;
  if (prefixes.length !== numLayers)
    throw new ShapeMismatchError(
      'pastKeyValuePrefixes',
      `needs ${numLayers} entries, got ${prefixes.length}`,
    );
  const k = prefixes[0].key;
  return k.shape[k.rank - 2];
}

/** A prefix [Pk, H] (tiled over the batch) or [B, Pk, H], split into heads: [B, Pk, A, d]. */
function prefixHeads(t: tf.Tensor, B: number, A: number): tf.Tensor4D {
  const batched = isTensor3D(t) ? t : tf.tile(tf.expandDims<tf.Tensor3D>(t, 0), [B, 1, 1]); // [B, Pk, H]
  const [, Pk, H] = batched.shape;
  return tf.reshape(batched, [B, Pk, A, H / A]);
}

/**
 * Prepend one layer's prefix to its keys kT [B, A, d, S] and values v [B, A, S, d]
 * → kT [B, A, d, Pk + S], v [B, A, Pk + S, d].
 */
export function prependKeyValues(
  kT: tf.Tensor4D,
  v: tf.Tensor4D,
  prefix: KeyValuePrefix,
): { kT: tf.Tensor4D; v: tf.Tensor4D } {
  const [B, A] = kT.shape;
  return {
    kT: tf.concat([tf.transpose(prefixHeads(prefix.key, B, A), [0, 2, 3, 1]), kT], 3), // [B, A, d, Pk + S]
    v: tf.concat([tf.transpose(prefixHeads(prefix.value, B, A), [0, 2, 1, 3]), v], 2), // [B, A, Pk + S, d]
  };
}
