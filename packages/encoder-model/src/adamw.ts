import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeMismatchError } from './errors.js';
import type { SeededRandom } from './rng.js';

/** What the optimizer and trainer need from a model. */
export interface EncoderLike {
  /** Trainable parameters by (HF) name. */
  namedParameters(): Map<string, tf.Variable>;
  /** Training mode enables dropout. */
  setTraining(training: boolean): void;
  /** The generator dropout draws from, if any (the trainer re-seeds it per micro-batch). */
  readonly rng?: SeededRandom;
}

/**
 * Parameters that share a learning rate and weight decay (PyTorch `param_groups`): `params` names
 * them (a list of names, a pattern, or a predicate over the name). `lr` is the group's rate at the
 * optimizer's base `lr`: a schedule that sets the base rate to `x` sets the group's to
 * `lr · x / base` (every group scaled by the same factor). `weightDecay`, when set, applies to
 * every parameter of the group (`noDecay` is not consulted for it).
 */
export interface AdamWParameterGroup {
  params: readonly string[] | RegExp | ((name: string) => boolean);
  lr?: number;
  weightDecay?: number;
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
  /**
   * Per-group learning rate and weight decay; a parameter belongs to the FIRST group whose
   * `params` matches it, parameters no group matches use `lr` / `weightDecay` / `noDecay`.
   */
  parameterGroups?: readonly AdamWParameterGroup[];
}

/** The update hyper-parameters of one parameter, resolved from the groups. */
interface ParameterHyper {
  /** Learning rate relative to the base rate (`group.lr / lr`; 1 outside groups). */
  lrScale: number;
  /** Weight decay coefficient applied to this parameter (0: no decay). */
  weightDecay: number;
}

/**
 * Name of the optional fused AdamW kernel a backend may register (tfjs's kernel registry).
 * Inputs `{ param, grad, m, v }` (float32, one shape); attrs `{ stepSize, beta1, beta2, bc2Sqrt,
 * eps, decay, gradScale }`; outputs `[param', m', v']` as new tensors, with g = grad·gradScale:
 * m' = β₁m + (1−β₁)g; v' = β₂v + (1−β₂)g²; param' = decay·param − stepSize·m' / (√v'/bc2Sqrt + eps).
 */
export const ADAMW_KERNEL_NAME = 'SelfevoAdamW';

export interface AdamWState {
  step: number;
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
}

function groupMatcher(group: AdamWParameterGroup, index: number): (name: string) => boolean {
  const p = group.params;
  if (typeof p === 'function') return p;
  if (p instanceof RegExp) return (name) => p.test(name);
  if (Array.isArray(p)) {
    const names = new Set<string>(p);
    return (name) => names.has(name);
  }
  throw new ConfigError(
    `AdamW: parameterGroups[${index}].params must be a list of names, a RegExp or a function, got ${String(p)}`,
  );
}

function checkGroup(group: AdamWParameterGroup, index: number, params: Map<string, tf.Variable>): void {
  if (group.lr !== undefined && !(Number.isFinite(group.lr) && group.lr >= 0))
    throw new ConfigError(
      `AdamW: parameterGroups[${index}].lr must be a finite number >= 0, got ${group.lr}`,
    );
  if (group.weightDecay !== undefined && !(Number.isFinite(group.weightDecay) && group.weightDecay >= 0))
    throw new ConfigError(
      `AdamW: parameterGroups[${index}].weightDecay must be a finite number >= 0, got ${group.weightDecay}`,
    );
  if (Array.isArray(group.params))
    for (const name of group.params as readonly string[])
      if (!params.has(name))
        throw new ConfigError(
          `AdamW: parameterGroups[${index}].params names "${name}", which is not one of the optimizer's parameters`,
        );
}

/** The base hyper-parameters: lr, weight decay finite >= 0, eps finite > 0, betas in [0, 1). */
function checkBaseOptions(o: {
  lr: number;
  betas: readonly number[];
  eps: number;
  weightDecay: number;
}): void {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new ConfigError(rule, { field: `AdamW.${field}`, value });
  };
  if (!(Number.isFinite(o.lr) && o.lr >= 0)) fail('lr', 'must be a finite number >= 0', o.lr);
  if (!(Number.isFinite(o.eps) && o.eps > 0)) fail('eps', 'must be a finite number > 0', o.eps);
  if (!(Number.isFinite(o.weightDecay) && o.weightDecay >= 0))
    fail('weightDecay', 'must be a finite number >= 0', o.weightDecay);
  const b = o.betas;
  if (!(Array.isArray(b) && b.length === 2 && b.every((x) => typeof x === 'number' && x >= 0 && x < 1)))
    fail('betas', 'must be a pair [beta1, beta2], each in [0, 1)', b);
}

/**
 * AdamW (Loshchilov & Hutter), exactly PyTorch's `torch.optim.AdamW` update:
 * p ← p − lr·wd·p; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
 * `lr` and `wd` are per parameter group (see {@link AdamWParameterGroup}).
 * Parameters without a gradient in a step are left alone (frozen).
 */
export class AdamW {
  readonly lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private readonly fused: boolean;
  private readonly hyper = new Map<string, ParameterHyper>();
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
    checkBaseOptions(this);
    this.fused = opts.fused ?? true;
    const noDecay = opts.noDecay ?? ((_n, v) => v.rank < 2);
    const groups = opts.parameterGroups ?? [];
    for (const [i, g] of groups.entries()) checkGroup(g, i, params);
    if (groups.some((g) => g.lr !== undefined) && !(this.lr > 0))
      throw new ConfigError(`AdamW: parameterGroups with their own lr need a base lr > 0, got ${this.lr}`);
    const matchers = groups.map(groupMatcher);
    for (const [name, p] of params) {
      const group = groups[matchers.findIndex((matches) => matches(name))];
      const defaultDecay = noDecay(name, p) ? 0 : this.weightDecay;
      this.hyper.set(name, {
        lrScale: group?.lr === undefined ? 1 : group.lr / this.lr,
        weightDecay: group?.weightDecay ?? defaultDecay,
      });
    }
  }

  /** Number of `step()` calls so far (the bias-correction exponent of the next step minus one). */
  get stepCount(): number {
    return this.t;
  }

  /** The learning rate and weight decay `name` is updated with when the base rate is `lr`. */
  hyperParameters(name: string, lr: number = this.lr): { lr: number; weightDecay: number } {
    const h = this.hyper.get(name);
    if (!h) throw new ConfigError(`AdamW: no parameter named ${name}`);
    return { lr: lr * h.lrScale, weightDecay: h.weightDecay };
  }

  /**
   * Apply one update with base learning rate `lr` (each group's rate scaled by `lr / this.lr`).
   * `grads` is keyed by parameter name; the caller still owns (disposes) it. `gradScale` multiplies
   * every gradient first (global-norm clipping without a scaled copy of the gradients: the
   * coefficient of `clipByGlobalNorm`, e.g.); default 1.
   */
  step(grads: Record<string, tf.Tensor>, lr: number = this.lr, options: { gradScale?: number } = {}): void {
    for (const name of Object.keys(grads)) {
      if (!this.params.has(name)) throw new ConfigError(`AdamW.step: no parameter named ${name}`);
    }
    const gradScale = options.gradScale ?? 1;
    if (!(Number.isFinite(gradScale) && gradScale >= 0))
      throw new ConfigError(`AdamW.step: gradScale must be a finite number ≥ 0, got ${gradScale}`);
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
      const bc2 = tf.scalar(bc2Sqrt);
      const eps = tf.scalar(this.eps);
      for (const [name, p] of this.params) {
        const g = grads[name];
        if (g === undefined) continue;
        const [m, v] = this.moments(name, p);
        const h = this.hyperParameters(name, lr);
        const stepSize = h.lr / bc1;
        const decay = 1 - h.lr * h.weightDecay; // 1: no decay
        if (fusedKernel && g.dtype === 'float32' && p.dtype === 'float32') {
          const attrs = { stepSize, beta1: b1, beta2: b2, bc2Sqrt, eps: this.eps, decay, gradScale };
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
        const gs = gradScale === 1 ? g : tf.mul(g, tf.scalar(gradScale));
        const mNew = tf.add(tf.mul(m, b1s), tf.mul(gs, b1c));
        const vNew = tf.add(tf.mul(v, b2s), tf.mul(tf.square(gs), b2c));
        m.assign(mNew);
        v.assign(vNew);
        const base = h.weightDecay !== 0 ? tf.mul(p, tf.scalar(decay)) : p;
        const denom = tf.add(tf.div(tf.sqrt(vNew), bc2), eps);
        p.assign(tf.sub(base, tf.mul(tf.scalar(stepSize), tf.div(mNew, denom))));
      }
    });
  }

  /** The moment estimates of `name`, created as zeros at its first update. */
  private moments(name: string, p: tf.Variable): [tf.Variable, tf.Variable] {
    let m = this.m.get(name);
    let v = this.v.get(name);
    if (!m || !v) {
      m = tf.variable(tf.zerosLike(p), false);
      v = tf.variable(tf.zerosLike(p), false);
      this.m.set(name, m);
      this.v.set(name, v);
    }
    return [m, v];
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
      if (!p) throw new ConfigError(`AdamW.setState: state for unknown parameter ${name}`);
      const t = s.m[name] ?? s.v[name];
      if (t.shape.join(',') !== p.shape.join(','))
        throw new ShapeMismatchError(
          `AdamW.setState ${name}`,
          `has shape [${t.shape}], parameter is [${p.shape}]`,
        );
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
