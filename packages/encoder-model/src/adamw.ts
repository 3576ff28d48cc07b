import * as tf from '@tensorflow/tfjs-core';

/** What the optimizer and trainer need from a model. */
export interface EncoderLike {
  /** Trainable parameters by (HF) name. */
  namedParameters(): Map<string, tf.Variable>;
  /** Training mode enables dropout. */
  setTraining(training: boolean): void;
}

export interface AdamWOptions {
  /** Learning rate used when `step()` is called without one (default 1e-3). */
  lr?: number;
  /** Exponential decay rates of the first and second moment (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay coefficient (default 0.01, as PyTorch). */
  weightDecay?: number;
  /** Parameters that get no weight decay; default: tensors of rank < 2 (biases, LayerNorm). */
  noDecay?: (name: string, v: tf.Variable) => boolean;
  /**
   * Use the backend's fused `SelfevoAdamW` kernel when one is registered (default true): one pass
   * over parameter, gradient and moments instead of 14 element-wise kernels. @selfevo/backend-wasm
   * registers one; other backends run the same update as tfjs ops.
   */
  fused?: boolean;
}

/**
 * Name of the optional fused AdamW kernel a backend may register (tfjs's kernel registry).
 * Inputs `{ param, grad, m, v }` (float32, one shape); attrs `{ stepSize, beta1, beta2, bc2Sqrt,
 * eps, decay }`; outputs `[param', m', v']` as new tensors:
 * m' = β₁m + (1−β₁)g; v' = β₂v + (1−β₂)g²; param' = decay·param − stepSize·m' / (√v'/bc2Sqrt + eps).
 */
export const ADAMW_KERNEL_NAME = 'SelfevoAdamW';

export interface AdamWState {
  step: number;
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
}

/**
 * AdamW (Loshchilov & Hutter), exactly PyTorch's `torch.optim.AdamW` update:
 * p ← p − lr·wd·p; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
 * Parameters without a gradient in a step are left alone (frozen).
 */
export class AdamW {
  readonly lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private readonly noDecay: (name: string, v: tf.Variable) => boolean;
  private readonly fused: boolean;
  private m = new Map<string, tf.Variable>();
  private v = new Map<string, tf.Variable>();
  private t = 0;

  constructor(
    private readonly params: Map<string, tf.Variable>,
    opts: AdamWOptions = {},
  ) {
    this.lr = opts.lr ?? 1e-3;
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    this.noDecay = opts.noDecay ?? ((_n, v) => v.rank < 2);
    this.fused = opts.fused ?? true;
  }

  /** Number of `step()` calls so far (the bias-correction exponent of the next step minus one). */
  get stepCount(): number {
    return this.t;
  }

  /** Apply one update. `grads` is keyed by parameter name; the caller still owns (disposes) it. */
  step(grads: Record<string, tf.Tensor>, lr: number = this.lr): void {
    for (const name of Object.keys(grads)) {
      if (!this.params.has(name)) throw new Error(`AdamW.step: no parameter named ${name}`);
    }
    this.t += 1;
    const [b1, b2] = this.betas;
    const bc1 = 1 - b1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - b2 ** this.t);
    const fusedKernel = this.fused && tf.getKernel(ADAMW_KERNEL_NAME, tf.getBackend()) != null;
    tf.tidy(() => {
      const b1s = tf.scalar(b1);
      const b1c = tf.scalar(1 - b1);
      const b2s = tf.scalar(b2);
      const b2c = tf.scalar(1 - b2);
      const stepSize = tf.scalar(lr / bc1);
      const bc2 = tf.scalar(bc2Sqrt);
      const eps = tf.scalar(this.eps);
      const decay = tf.scalar(1 - lr * this.weightDecay);
      for (const [name, p] of this.params) {
        const g = grads[name];
        if (g === undefined) continue;
        let m = this.m.get(name);
        let v = this.v.get(name);
        if (!m || !v) {
          m = tf.variable(tf.zerosLike(p), false);
          v = tf.variable(tf.zerosLike(p), false);
          this.m.set(name, m);
          this.v.set(name, v);
        }
        const decays = this.weightDecay !== 0 && !this.noDecay(name, p);
        if (fusedKernel && g.dtype === 'float32' && p.dtype === 'float32') {
          const attrs = {
            stepSize: lr / bc1,
            beta1: b1,
            beta2: b2,
            bc2Sqrt,
            eps: this.eps,
            decay: decays ? 1 - lr * this.weightDecay : 1,
          };
          const [pNew, mNew, vNew] = tf
            .engine()
            .runKernel(
              ADAMW_KERNEL_NAME,
              { param: p, grad: g, m, v },
              attrs as unknown as tf.NamedAttrMap,
            ) as tf.Tensor[];
          m.assign(mNew);
          v.assign(vNew);
          p.assign(pNew);
          continue;
        }
        const mNew = tf.add(tf.mul(m, b1s), tf.mul(g, b1c));
        const vNew = tf.add(tf.mul(v, b2s), tf.mul(tf.square(g), b2c));
        m.assign(mNew);
        v.assign(vNew);
        const base = decays ? tf.mul(p, decay) : p;
        const denom = tf.add(tf.div(tf.sqrt(vNew), bc2), eps);
        p.assign(tf.sub(base, tf.mul(stepSize, tf.div(mNew, denom))));
      }
    });
  }

  /** Copies of the moment estimates (caller disposes) and the step count. */
  getState(): AdamWState {
    const m: Record<string, tf.Tensor> = {};
    const v: Record<string, tf.Tensor> = {};
    for (const [k, t] of this.m) m[k] = tf.clone(t);
    for (const [k, t] of this.v) v[k] = tf.clone(t);
    return { step: this.t, m, v };
  }

  /** Restore from `getState()` (the tensors are copied; the caller keeps ownership). */
  setState(s: AdamWState): void {
    for (const name of [...Object.keys(s.m), ...Object.keys(s.v)]) {
      const p = this.params.get(name);
      if (!p) throw new Error(`AdamW.setState: state for unknown parameter ${name}`);
      const t = s.m[name] ?? s.v[name];
      if (t.shape.join(',') !== p.shape.join(','))
        throw new Error(`AdamW.setState: ${name} has shape [${t.shape}], parameter is [${p.shape}]`);
    }
    this.disposeMoments();
    tf.tidy(() => {
      for (const [k, t] of Object.entries(s.m)) this.m.set(k, tf.variable(tf.clone(t), false));
      for (const [k, t] of Object.entries(s.v)) this.v.set(k, tf.variable(tf.clone(t), false));
    });
    this.t = s.step;
  }

  private disposeMoments(): void {
    for (const t of this.m.values()) t.dispose();
    for (const t of this.v.values()) t.dispose();
    this.m.clear();
    this.v.clear();
  }

  /** Free the moment estimates. */
  dispose(): void {
    this.disposeMoments();
  }
}
