// HF-named parameter store shared by the encoder and its heads: creates each tf.Variable with
// HF's init (seeded) and registers it under its HF name, in creation order.
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from './rng.js';

/** A linear layer y = x·Wᵀ + b in HF layout. */
export interface Dense {
  weight: tf.Variable<tf.Rank.R2>; // [out, in]
  bias: tf.Variable<tf.Rank.R1>; // [out]
}

/** A LayerNorm's scale γ and shift β. */
export interface Norm {
  weight: tf.Variable<tf.Rank.R1>; // [H]
  bias: tf.Variable<tf.Rank.R1>; // [H]
}

/** HF init: normal(0, initializer_range), zeros or ones. */
export type Init = 'normal' | 'zeros' | 'ones';

let nextId = 0;

/** Parameter store: HF names → tf.Variables (insertion order = `namedParameters()` order). */
export class ParameterSet {
  readonly params = new Map<string, tf.Variable>();
  constructor(
    readonly rng: SeededRandom,
    readonly std: number,
  ) {}

  /** Create (HF-initialised) and register a parameter of any shape. */
  add(name: string, shape: number[], init: Init, zeroRow?: number): tf.Variable {
    return this.register(name, tf.tensor(this.initial(shape, init, zeroRow), shape, 'float32'));
  }

  /** A [rows, cols] parameter; `zeroRow` zeroes one row (a padding embedding). */
  matrix(
    name: string,
    rows: number,
    cols: number,
    init: Init = 'normal',
    zeroRow?: number,
  ): tf.Variable<tf.Rank.R2> {
    return this.register(name, tf.tensor2d(this.initial([rows, cols], init, zeroRow), [rows, cols]));
  }

  /** A [n] parameter. */
  vector(name: string, n: number, init: Init): tf.Variable<tf.Rank.R1> {
    return this.register(name, tf.tensor1d(this.initial([n], init)));
  }

  /** `${name}.weight` [out, in] (normal) and `${name}.bias` [out] (zeros). */
  dense(name: string, out: number, inp: number): Dense {
    return {
      weight: this.matrix(`${name}.weight`, out, inp),
      bias: this.vector(`${name}.bias`, out, 'zeros'),
    };
  }

  /** `${name}.weight` [H] (ones) and `${name}.bias` [H] (zeros). */
  norm(name: string, H: number): Norm {
    return {
      weight: this.vector(`${name}.weight`, H, 'ones'),
      bias: this.vector(`${name}.bias`, H, 'zeros'),
    };
  }

  private initial(shape: number[], init: Init, zeroRow?: number): Float32Array {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (init === 'ones') data.fill(1);
    if (init === 'normal') for (let i = 0; i < n; i++) data[i] = this.rng.normal() * this.std;
    if (zeroRow !== undefined && zeroRow < shape[0])
      data.fill(0, zeroRow * shape[1], (zeroRow + 1) * shape[1]);
    return data;
  }

  private register<R extends tf.Rank>(name: string, initial: tf.Tensor<R>): tf.Variable<R> {
    const v = tf.variable(initial, true, `${name}_${nextId++}`);
    initial.dispose(); // the variable holds its own reference to the data
    this.params.set(name, v);
    return v;
  }
}
