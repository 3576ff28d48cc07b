// Soft prompts (prompt tuning): P embeddings prepended to the word embeddings, at positions
// 0..P-1 with token type 0.
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';
import { isTensor2D, isTensor3D } from './int-input.js';

/** words [B, T, H] → [B, P + T, H] with the prompt ([P, H] shared, or [B, P, H]) in front; and P. */
export function prependPrompt(
  words: tf.Tensor3D,
  prompt: tf.Tensor | undefined,
): { words: tf.Tensor3D; promptLength: number } {
  if (!prompt) return { words, promptLength: 0 };
  const [B, , H] = words.shape;
  let batched: tf.Tensor3D; // [B, P, H]
  if (isTensor2D(prompt) && prompt.shape[1] === H)
    batched = tf.tile(tf.expandDims<tf.Tensor3D>(prompt, 0), [B, 1, 1]);
  else if (isTensor3D(prompt) && prompt.shape[0] === B && prompt.shape[2] === H) batched = prompt;
  else
    throw new ShapeMismatchError(
      'promptEmbeds',
      `must be [P, ${H}] or [${B}, P, ${H}], got [${prompt.shape}]`,
    );
  return { words: tf.concat([batched, words], 1), promptLength: batched.shape[1] }; // [B, S, H]
}

/** Token types [B, T] → [B, P + T] with type 0 for the prompt positions. */
export function prependPromptTypes(types: tf.Tensor2D, promptLength: number): tf.Tensor2D {
  if (!promptLength) return types;
  return tf.concat([tf.zeros<tf.Rank.R2>([types.shape[0], promptLength], 'int32'), types], 1); // [B, S]
}
