import type { BestMetricTracker } from './early-stopping.js';
import { TrainerConfigError } from './errors.js';
import type { RunReporter } from './run-reporter.js';
import type { EncoderLike } from './types.js';

export interface EvaluationContext {
  model: EncoderLike;
  evalFn: (info: { step: number }) => Promise<Record<string, number>> | Record<string, number>;
  /** The `eval_`-prefixed metric that picks the best checkpoint, and the name the user gave. */
  metricKey: string;
  metricName: string;
  tracker: BestMetricTracker;
  reporter: RunReporter;
}

/**
 * Evaluate at `step` with the model in eval mode: metrics get the `eval_` prefix, the best-metric
 * tracker is updated, an eval record is logged and `onEvaluate` called. Returns whether the
 * result is the new best.
 */
export async function evaluate(ctx: EvaluationContext, step: number, epoch: number): Promise<boolean> {
  ctx.model.setTraining(false);
  let raw: Record<string, number>;
  try {
    raw = await ctx.evalFn({ step });
  } finally {
    ctx.model.setTraining(true);
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) metrics[k.startsWith('eval_') ? k : `eval_${k}`] = v;
  if (!(ctx.metricKey in metrics))
    throw new TrainerConfigError(
      `evalFn returned no "${ctx.metricName}" (got ${Object.keys(raw).join(', ') || 'nothing'}); set metricForBest`,
    );
  const isBest = ctx.tracker.update(step, metrics[ctx.metricKey]);
  await ctx.reporter.emit({ type: 'eval', step, epoch, elapsed_ms: ctx.reporter.elapsed(), ...metrics });
  await ctx.reporter.evaluated({ step, metrics, isBest });
  return isBest;
}
