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

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0))
    throw new TrainerConfigError(`${name} must be a positive integer, got ${v}`);
}

/** Contradictory or out-of-range options, as a `TrainerConfigError` naming the option. */
export function validateOptions<M extends EncoderLike, B>(opts: TrainOptions<M, B>): void {
  const seed = opts.seed ?? 42;
  const maxGradNorm = opts.maxGradNorm ?? 1.0;
  const onNonFinite = opts.onNonFinite ?? 'error';
  positiveInt('gradientAccumulationSteps', opts.gradientAccumulationSteps);
  positiveInt('logEverySteps', opts.logEverySteps);
  positiveInt('evalEverySteps', opts.evalEverySteps);
  positiveInt('saveEverySteps', opts.saveEverySteps);
  positiveInt('maxSteps', opts.maxSteps);
  if (!Number.isFinite(seed)) throw new TrainerConfigError(`seed must be a finite number, got ${seed}`);
  if ((opts.maxSteps === undefined) === (opts.epochs === undefined))
    throw new TrainerConfigError('pass exactly one of maxSteps and epochs');
  if (opts.epochs !== undefined && !(opts.epochs > 0 && Number.isInteger(opts.epochs)))
    throw new TrainerConfigError(`epochs must be a positive integer, got ${opts.epochs}`);
  if (!(maxGradNorm >= 0)) throw new TrainerConfigError(`maxGradNorm must be >= 0, got ${maxGradNorm}`);
  if (onNonFinite !== 'error' && onNonFinite !== 'skip')
    throw new TrainerConfigError(`onNonFinite must be 'error' or 'skip', got ${String(onNonFinite)}`);
  if (opts.earlyStoppingPatience !== undefined && !opts.evalFn)
    throw new TrainerConfigError('earlyStoppingPatience needs evalFn (and evalEverySteps)');
  if (opts.evalFn && opts.evalEverySteps === undefined)
    throw new TrainerConfigError('evalFn needs evalEverySteps');
  if (opts.resumeFrom !== undefined && opts.outputDir === undefined && opts.resumeFrom === 'latest')
    throw new TrainerConfigError("resumeFrom: 'latest' needs outputDir");
  if (opts.loadBestModelAtEnd && (!opts.outputDir || !opts.evalFn))
    throw new TrainerConfigError('loadBestModelAtEnd needs outputDir and evalFn');
  const s = opts.schedule;
  if (s?.warmupSteps !== undefined && s.warmupRatio !== undefined)
    throw new TrainerConfigError('pass at most one of schedule.warmupSteps and schedule.warmupRatio');
  if (s?.warmupRatio !== undefined && !(s.warmupRatio >= 0 && s.warmupRatio < 1))
    throw new TrainerConfigError(`schedule.warmupRatio must be in [0, 1), got ${s.warmupRatio}`);
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
