export type ScheduleKind = 'constant' | 'linear' | 'cosine';

export interface ScheduleOptions {
  /** Shape of the decay after warmup. */
  schedule: ScheduleKind;
  /** Learning rate reached at the end of warmup. */
  peakLr: number;
  /** Steps of linear warmup from 0 to `peakLr` (step 0 gets lr 0, as in HF transformers). */
  warmupSteps: number;
  /** Total number of optimizer steps (linear and cosine reach `minLr` here). */
  totalSteps: number;
  /** Floor the decay ends at (default 0). */
  minLr?: number;
}

/**
 * Learning rate for optimizer step `step` (0-based), a pure function. Matches HF's
 * `get_{constant,linear,cosine}_schedule_with_warmup` when `minLr` is 0:
 * warmup `peak·step/warmup`, then constant `peak`, linear `peak·(total−step)/(total−warmup)`
 * or cosine `peak·½(1+cos(π·progress))`, interpolated towards `minLr`, clamped at `minLr`.
 */
export function learningRateAt(step: number, o: ScheduleOptions): number {
  const { schedule, peakLr, warmupSteps, totalSteps } = o;
  const minLr = o.minLr ?? 0;
  if (!Number.isFinite(step) || step < 0) throw new RangeError(`learningRateAt: bad step ${step}`);
  if (warmupSteps > 0 && step < warmupSteps) return (peakLr * step) / warmupSteps;
  if (schedule === 'constant') return peakLr;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - warmupSteps) / span));
  const factor = schedule === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  if (schedule !== 'linear' && schedule !== 'cosine')
    throw new RangeError(`learningRateAt: unknown schedule ${String(schedule)}`);
  return minLr + (peakLr - minLr) * factor;
}
