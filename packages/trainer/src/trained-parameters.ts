import type * as tf from '@tensorflow/tfjs-core';
import { TrainerConfigError } from './errors.js';
import type { EncoderLike, ParameterSelection } from './types.js';

/** The model's parameters split into the ones a run trains and the frozen rest. */
export interface TrainedParameters {
  /** Updated by the optimizer, differentiated, stored in checkpoints. */
  trained: Map<string, tf.Variable>;
  /** Left exactly as they are; only their fingerprint goes into checkpoints. */
  frozen: Map<string, tf.Variable>;
}

/**
 * Split `model.namedParameters()` by `selection` (all by default). A variable with
 * `trainable === false` is frozen whatever the selection says. A name in a list that the model
 * does not have, or a selection that trains nothing, is a `TrainerConfigError`.
 */
export function selectParameters(model: EncoderLike, selection?: ParameterSelection): TrainedParameters {
  const all = model.namedParameters();
  let selected: (name: string) => boolean = () => true;
  if (typeof selection === 'function') selected = selection;
  else if (selection !== undefined) {
    if (!Array.isArray(selection))
      throw new TrainerConfigError(
        `parameters must be a list of parameter names or a function, got ${String(selection)}`,
      );
    const names = new Set<string>(selection);
    const unknown = [...names].filter((n) => !all.has(n));
    if (unknown.length > 0)
      throw new TrainerConfigError(`parameters names ${unknown.join(', ')}, which the model does not have`);
    selected = (name) => names.has(name);
  }
  const trained = new Map<string, tf.Variable>();
  const frozen = new Map<string, tf.Variable>();
  for (const [name, v] of all) (v.trainable && selected(name) ? trained : frozen).set(name, v);
  if (trained.size === 0)
    throw new TrainerConfigError(
      `parameters selects no trainable parameter (the model has ${all.size}: ${[...all.keys()].slice(0, 5).join(', ')}…)`,
    );
  return { trained, frozen };
}

/**
 * A fingerprint of parameter values (names, shapes and every float32 bit, in name order): two
 * 32-bit multiplicative hashes as 16 hex digits. A resumed run compares it for its frozen
 * parameters, which checkpoints do not store.
 */
export function parameterFingerprint(params: ReadonlyMap<string, tf.Variable>): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  const mix = (x: number) => {
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul(h2 ^ x, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  };
  for (const name of [...params.keys()].sort()) {
    const v = params.get(name)!;
    for (let i = 0; i < name.length; i++) mix(name.charCodeAt(i));
    for (const d of v.shape) mix(d);
    const data = v.dataSync() as Float32Array | Int32Array | Uint8Array;
    const bits =
      data.BYTES_PER_ELEMENT === 4
        ? new Uint32Array(data.buffer, data.byteOffset, data.length) // the float32 / int32 bits
        : Uint32Array.from(data);
    for (let i = 0; i < bits.length; i++) mix(bits[i]);
  }
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return hex(h1) + hex(h2);
}
