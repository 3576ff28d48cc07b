import type { ScheduleOptions as ResolvedSchedule } from '@selfevo/encoder-model';
import type { BatchSource } from './batch-source.js';
import { TrainerConfigError } from './errors.js';
import { countBatches } from './micro-batch-stream.js';
import type { TrainOptions } from './train-options.js';
import type { EncoderLike, ScheduleOptions } from './types.js';

/** The options of one run with every default filled in. */
export interface RunSettings {
  seed: number;
  accumSteps: number;
  /** 0 or Infinity: no clipping. */
  maxGradNorm: number;
  logEvery: number;
  /** Undefined without `evalFn`. */
  evalEvery: number | undefined;
  saveEvery: number | undefined;
  onNonFinite: 'error' | 'skip';
  /** Known (or counted, for `epochs`) batches per epoch; undefined if unknown. */
  batchesPerEpoch: number | undefined;
  totalSteps: number;
  schedule: ResolvedSchedule;
  /** The metric as logged (`eval_`-prefixed), and the name the user gave. */
  metricKey: string;
  metricName: string;
  greaterIsBetter: boolean;
}

/**
 * The encoder package's schedule for a run of `totalSteps`: `peakLr` defaults to the optimizer's
 * rate, the warmup to `warmupSteps` or `ceil(warmupRatio · totalSteps)` (else 0); no schedule is a
 * constant rate.
 */
export function resolveSchedule(
  schedule: ScheduleOptions | undefined,
  totalSteps: number,
  optimizerLr: number,
): ResolvedSchedule {
  if (!schedule) return { schedule: 'constant', peakLr: optimizerLr, warmupSteps: 0, totalSteps };
  const { warmupRatio, ...rest } = schedule;
  const total = schedule.totalSteps ?? totalSteps;
  return {
    ...rest,
    peakLr: schedule.peakLr ?? optimizerLr,
    warmupSteps: schedule.warmupSteps ?? Math.ceil((warmupRatio ?? 0) * total),
    totalSteps: total,
  };
}

/** Every default of a (validated) run; counts epoch 0 when `epochs` is set and its length unknown. */
export function resolveRunSettings<M extends EncoderLike, B>(
  opts: TrainOptions<M, B>,
  optimizerLr: number,
): RunSettings {
  const seed = opts.seed ?? 42;
  const accumSteps = opts.gradientAccumulationSteps ?? 1;
  const evalEvery = opts.evalFn ? opts.evalEverySteps : undefined;
  const source: BatchSource<B> = opts.trainData;
  const batchesPerEpoch = opts.epochs !== undefined ? countBatches(source, seed) : source.batchesPerEpoch;
  const totalSteps = opts.maxSteps ?? Math.ceil((opts.epochs! * batchesPerEpoch!) / accumSteps);
  if (totalSteps <= 0) throw new TrainerConfigError('trainData has no batches');
  const metricName = opts.metricForBest ?? 'loss';
  const metricKey = metricName.startsWith('eval_') ? metricName : `eval_${metricName}`;
  return {
    seed,
    accumSteps,
    maxGradNorm: opts.maxGradNorm ?? 1.0,
    logEvery: opts.logEverySteps ?? 10,
    evalEvery,
    saveEvery: opts.saveEverySteps ?? evalEvery,
    onNonFinite: opts.onNonFinite ?? 'error',
    batchesPerEpoch,
    totalSteps,
    schedule: resolveSchedule(opts.schedule, totalSteps, optimizerLr),
    metricKey,
    metricName,
    greaterIsBetter: opts.greaterIsBetter ?? !metricKey.endsWith('loss'),
  };
}
