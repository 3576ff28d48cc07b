import { configError } from './options-schema.js';
/** Serializable state of {@link BestMetricTracker}. */
export interface BestMetricState {
  bestValue: number | null;
  bestStep: number | null;
  /** Evaluations since the last improvement. */
  badEvals: number;
}

export interface BestMetricOptions {
  greaterIsBetter: boolean;
  /** Stop after this many evaluations in a row without improvement. `undefined`: never stop. */
  patience?: number;
  /** An improvement must beat the best by more than this (HF `early_stopping_threshold`). Default 0. */
  threshold?: number;
}

/**
 * Tracks the best value of the metric used for keep-best and early stopping (HF's
 * `metric_for_best_model` + `EarlyStoppingCallback`): the first evaluation is always an
 * improvement; later ones improve if they beat the best by more than `threshold`; a NaN metric
 * never improves. Stop once `patience` evaluations in a row did not improve.
 */
export class BestMetricTracker {
  private state: BestMetricState = { bestValue: null, bestStep: null, badEvals: 0 };

  constructor(private readonly opts: BestMetricOptions) {
    if (opts.patience !== undefined && !(Number.isInteger(opts.patience) && opts.patience >= 1))
      throw configError('earlyStoppingPatience', 'must be a positive integer', opts.patience);
  }

  /** Record the metric of the evaluation at `step`; returns whether it is the new best. */
  update(step: number, value: number): boolean {
    const { bestValue } = this.state;
    const t = this.opts.threshold ?? 0;
    const improved =
      !Number.isNaN(value) &&
      (bestValue === null || (this.opts.greaterIsBetter ? value > bestValue + t : value < bestValue - t));
    if (improved) this.state = { bestValue: value, bestStep: step, badEvals: 0 };
    else this.state = { ...this.state, badEvals: this.state.badEvals + 1 };
    return improved;
  }

  get bestStep(): number | null {
    return this.state.bestStep;
  }

  get bestValue(): number | null {
    return this.state.bestValue;
  }

  /** True once `patience` evaluations in a row did not improve. */
  get shouldStop(): boolean {
    return this.opts.patience !== undefined && this.state.badEvals >= this.opts.patience;
  }

  getState(): BestMetricState {
    return { ...this.state };
  }

  setState(s: BestMetricState): void {
    this.state = { ...s };
  }
}
