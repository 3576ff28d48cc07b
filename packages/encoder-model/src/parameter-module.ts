// The base of the encoder and every head: HF-named parameters, train/eval mode, state dicts.
// Pure maths-side: no file or download code (that is pretrained.ts, built on this).
import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import type { LoadReport } from './errors.js';
import type { SeededRandom } from './rng.js';
import type { SafeTensor } from './safetensors.js';
import { type LoadOptions, loadWeights } from './weights.js';

export abstract class ParameterModule {
  training = false;
  /** RNG used for dropout masks (seeded; save its state in checkpoints). */
  rng: SeededRandom;
  constructor(
    readonly config: BertConfig,
    rng: SeededRandom,
  ) {
    this.rng = rng;
  }
  /** Trainable parameters by HF name. */
  abstract namedParameters(): Map<string, tf.Variable>;
  setTraining(training: boolean): void {
    this.training = training;
  }
  /** Copy weights in by HF name; strict (default) throws `MissingParametersError` listing problems. */
  loadStateDict(weights: Map<string, SafeTensor>, opts: LoadOptions = {}): LoadReport {
    return loadWeights(this.namedParameters(), weights, {
      ...opts,
      prefix: opts.prefix ?? this.config.modelType,
    });
  }
  /** Parameter values by HF name (float32 copies). */
  stateDict(): Map<string, SafeTensor> {
    const out = new Map<string, SafeTensor>();
    for (const [k, v] of this.namedParameters())
      out.set(k, { dtype: 'F32', shape: v.shape, data: v.dataSync() as Float32Array });
    return out;
  }
  dispose(): void {
    for (const v of this.namedParameters().values()) v.dispose();
  }
}
