import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdamW,
  type AdamWOptions,
  clipByGlobalNorm,
  GradientAccumulator,
  learningRateAt,
  loadCheckpoint,
  SeededRandom,
  saveCheckpoint,
} from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { type BatchSource, epochRng } from './batch-source.js';
import {
  checkpointDirName,
  checkpointsToDelete,
  latestCheckpoint,
  listCheckpoints,
  removeLeftovers,
} from './checkpoint-dirs.js';
import { computeGradients } from './compute-gradients.js';
import { type DataParallelOptions, GradientWorkerPool } from './data-parallel-pool.js';
import type { WorkItem } from './data-parallel-protocol.js';
import { type BestMetricState, BestMetricTracker } from './early-stopping.js';
import { NonFiniteLossError, ResumeError, TrainerConfigError } from './errors.js';
import { JsonlLogWriter } from './jsonl-log.js';
import { microBatchRng } from './micro-batch-rng.js';
import { createProgressReporter, type ProgressMode } from './progress.js';
import type { EncoderLike, LogRecord, LossFn, ScheduleOptions } from './types.js';

/** Hooks for custom logging and monitoring. Every hook may be async; the trainer awaits it. */
export interface TrainerCallback {
  /** Every record written to the JSONL log (train and eval records). */
  onLog?(record: LogRecord): void | Promise<void>;
  /** After every optimizer step (also skipped ones). `loss` is the mean micro-batch loss. */
  onStepEnd?(info: {
    step: number;
    loss: number;
    learningRate: number;
    skipped: boolean;
  }): void | Promise<void>;
  /** After every evaluation, with the `eval_`-prefixed metrics. */
  onEvaluate?(info: { step: number; metrics: Record<string, number>; isBest: boolean }): void | Promise<void>;
  /** After a checkpoint was saved. */
  onSave?(info: { step: number; dir: string }): void | Promise<void>;
  /** Once, at the end (not when an error stops the run). */
  onTrainEnd?(result: TrainResult): void | Promise<void>;
}

export interface TrainOptions<M extends EncoderLike, B> {
  model: M;
  /** Scalar loss of one batch; `training` is true inside the gradient tape. */
  lossFn: LossFn<M, B>;
  trainData: BatchSource<B>;
  /** Evaluation: metrics by name (the trainer adds the `eval_` prefix). The model is in eval mode. */
  evalFn?: (info: { step: number }) => Promise<Record<string, number>> | Record<string, number>;
  /** Metric that picks the best checkpoint and drives early stopping (HF `metric_for_best_model`; default `loss`). */
  metricForBest?: string;
  /** Default: false if `metricForBest` ends in `loss`, else true (as HF). */
  greaterIsBetter?: boolean;
  /** An `AdamW` instance over `model.namedParameters()`, or its options (the trainer creates it). */
  optimizer: AdamW | AdamWOptions;
  /** Learning-rate schedule (HF `lr_scheduler_type` + warmup); default constant at the optimizer's lr. */
  schedule?: ScheduleOptions;
  /** Number of optimizer steps; exactly one of `maxSteps` / `epochs`. */
  maxSteps?: number;
  /** Number of passes over `trainData` (needs `batchesPerEpoch`, else epoch 0 is iterated to count). */
  epochs?: number;
  /** Micro-batches per optimizer step; gradients are averaged over them. Default 1. */
  gradientAccumulationSteps?: number;
  /** Clip the global gradient norm to this; 0 or Infinity disables. Default 1.0 (as HF). */
  maxGradNorm?: number;
  /** Evaluate every N optimizer steps (and after the last step). */
  evalEverySteps?: number;
  /** Save a checkpoint every N steps; default `evalEverySteps`. A final checkpoint is always saved. */
  saveEverySteps?: number;
  /** Stop after this many evaluations in a row without improvement of `metricForBest`. */
  earlyStoppingPatience?: number;
  /** Improvement must exceed this (HF `early_stopping_threshold`). Default 0. */
  earlyStoppingThreshold?: number;
  /** Where checkpoints (`checkpoint-<step>/`) and the log (`log.jsonl`) go. Without it nothing is written. */
  outputDir?: string;
  /** Keep at most this many newest checkpoints, plus the best one. Default: keep all. */
  saveTotalLimit?: number;
  /** After training, load the best checkpoint's weights into the model. Default false. */
  loadBestModelAtEnd?: boolean;
  /** Log the mean training loss every N optimizer steps (and at the last step). Default 10. */
  logEverySteps?: number;
  /** Seeds the run's RNG (passed to `lossFn`) and every epoch's data order. Default 42. */
  seed?: number;
  /**
   * The model's own generator, if it draws dropout from one (e.g. the encoder's `rng`): the trainer
   * re-seeds it before every micro-batch (see `LossContext.rng`), so results depend only on `seed`.
   */
  rng?: SeededRandom;
  /**
   * Data-parallel training over worker_threads: the micro-batches of each step are spread over
   * `workers` replicas built by `workerModule` (see `Replica`); gradients are summed in micro-batch
   * order, so losses and weights match a single-process run. Batches must be structured-cloneable.
   * Set `gradientAccumulationSteps` to a multiple of `workers` to keep every worker busy.
   */
  dataParallel?: DataParallelOptions;
  /** `'latest'`: newest checkpoint in `outputDir` (a fresh start if there is none); or a checkpoint folder. */
  resumeFrom?: 'latest' | string;
  /** Start fresh even though `outputDir` already holds checkpoints (they are deleted). Default false. */
  overwriteOutputDir?: boolean;
  /** `'error'` (default): stop with `NonFiniteLossError`; `'skip'`: skip the step, no update. */
  onNonFinite?: 'error' | 'skip';
  /** Shortcut for a callback with only `onLog`. */
  onLog?: (record: LogRecord) => void | Promise<void>;
  callbacks?: TrainerCallback[];
  /** `'auto'` (default): a bar on a TTY, plain lines otherwise. */
  progress?: ProgressMode;
  progressStream?: NodeJS.WritableStream;
}

export interface TrainResult {
  /** Optimizer steps done (including skipped ones). */
  step: number;
  totalSteps: number;
  /** Fractional epochs consumed. */
  epoch: number;
  stoppedEarly: boolean;
  /** Steps skipped for a non-finite loss or gradient (with `onNonFinite: 'skip'`). */
  skippedSteps: number[];
  bestStep: number | null;
  bestMetric: number | null;
  bestCheckpoint: string | null;
  lastCheckpoint: string | null;
  logPath: string | null;
  /** Every record logged by this process (after a resume: from the resume point on). */
  logHistory: LogRecord[];
  /** The step the run resumed from (0 for a fresh start). */
  resumedFromStep: number;
}

/** The trainer's own resume state, stored in the checkpoint's `extra.trainer`. */
interface TrainerState {
  format: 'selfevo-trainer/1';
  step: number;
  totalSteps: number;
  seed: number;
  /** Next micro-batch to read. */
  epoch: number;
  batchIndex: number;
  microBatchesSeen: number;
  best: BestMetricState;
  logWindow: { lossSum: number; steps: number };
  skippedSteps: number[];
  elapsedMs: number;
}

interface MicroBatch<B> {
  batch: B;
  epoch: number;
  index: number;
}

function* microBatchStream<B>(
  source: BatchSource<B>,
  seed: number,
  epochs: number | undefined,
  fromEpoch: number,
  fromIndex: number,
): Generator<MicroBatch<B>> {
  for (let epoch = fromEpoch; epochs === undefined || epoch < epochs; epoch++) {
    const start = epoch === fromEpoch ? fromIndex : 0;
    const rng = epochRng(seed, epoch);
    let index = 0;
    let yielded = 0;
    if (source.seekable) {
      index = start;
      for (const batch of source.epochBatches(epoch, rng, start)) {
        yielded++;
        yield { batch, epoch, index: index++ };
      }
    } else {
      for (const batch of source.epochBatches(epoch, rng)) {
        if (index >= start) {
          yielded++;
          yield { batch, epoch, index };
        }
        index++;
      }
    }
    if (yielded === 0 && start === 0)
      throw new TrainerConfigError(`trainData yielded no batches in epoch ${epoch}`);
  }
}

function countBatches<B>(source: BatchSource<B>, seed: number): number {
  if (source.batchesPerEpoch !== undefined) return source.batchesPerEpoch;
  let n = 0;
  for (const _ of source.epochBatches(0, epochRng(seed, 0))) n++;
  return n;
}

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0))
    throw new TrainerConfigError(`${name} must be a positive integer, got ${v}`);
}

function globalNormOf(grads: Record<string, tf.Tensor>): number {
  const names = Object.keys(grads);
  if (names.length === 0) return 0;
  const sq = tf.tidy(() => tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
  const v = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  return v;
}

function validateOptions<M extends EncoderLike, B>(opts: TrainOptions<M, B>): void {
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
}

/**
 * Train `model` on `trainData`: gradient accumulation, learning-rate schedule, gradient clipping,
 * periodic evaluation, keep-best / keep-last-k checkpoints, early stopping, exact resume (model,
 * optimizer, schedule position, RNG and data position), JSONL logs, progress output, and
 * NaN/Inf detection. See the package README for the semantics of every option.
 */
export async function train<M extends EncoderLike, B>(opts: TrainOptions<M, B>): Promise<TrainResult> {
  validateOptions(opts);
  const params = opts.model.namedParameters();
  if (opts.optimizer instanceof AdamW) return runTraining(opts, params, opts.optimizer);
  // An optimizer the trainer creates is also freed by it, however the run ends.
  const optimizer = new AdamW(params, opts.optimizer as AdamWOptions);
  try {
    return await runTraining(opts, params, optimizer);
  } finally {
    optimizer.dispose();
  }
}

async function runTraining<M extends EncoderLike, B>(
  opts: TrainOptions<M, B>,
  params: Map<string, tf.Variable>,
  optimizer: AdamW,
): Promise<TrainResult> {
  const { model, lossFn, trainData } = opts;
  const seed = opts.seed ?? 42;
  const accumSteps = opts.gradientAccumulationSteps ?? 1;
  const maxGradNorm = opts.maxGradNorm ?? 1.0;
  const logEvery = opts.logEverySteps ?? 10;
  const evalEvery = opts.evalFn ? opts.evalEverySteps : undefined;
  const saveEvery = opts.saveEverySteps ?? evalEvery;
  const onNonFinite = opts.onNonFinite ?? 'error';
  const batchesPerEpoch =
    opts.epochs !== undefined ? countBatches(trainData, seed) : trainData.batchesPerEpoch;
  const totalSteps = opts.maxSteps ?? Math.ceil((opts.epochs! * batchesPerEpoch!) / accumSteps);
  if (totalSteps <= 0) throw new TrainerConfigError('trainData has no batches');
  const schedule = opts.schedule
    ? { warmupSteps: 0, totalSteps, ...opts.schedule }
    : { schedule: 'constant' as const, peakLr: optimizer.lr, warmupSteps: 0, totalSteps };
  const metricName = opts.metricForBest ?? 'loss';
  const metricKey = metricName.startsWith('eval_') ? metricName : `eval_${metricName}`;
  const tracker = new BestMetricTracker({
    greaterIsBetter: opts.greaterIsBetter ?? !metricKey.endsWith('loss'),
    patience: opts.earlyStoppingPatience,
    threshold: opts.earlyStoppingThreshold,
  });
  // The run's seed stream: one uint32 per micro-batch seeds that micro-batch's generator.
  const seedStream = new SeededRandom(seed);
  const callbacks = [...(opts.callbacks ?? []), ...(opts.onLog ? [{ onLog: opts.onLog }] : [])];
  const outputDir = opts.outputDir;
  const log = outputDir ? new JsonlLogWriter(join(outputDir, 'log.jsonl')) : null;

  let state: TrainerState = {
    format: 'selfevo-trainer/1',
    step: 0,
    totalSteps,
    seed,
    epoch: 0,
    batchIndex: 0,
    microBatchesSeen: 0,
    best: tracker.getState(),
    logWindow: { lossSum: 0, steps: 0 },
    skippedSteps: [],
    elapsedMs: 0,
  };

  // ---- resume or fresh start ----
  if (outputDir) await removeLeftovers(outputDir);
  let resumeDir: string | null = null;
  if (opts.resumeFrom !== undefined) {
    resumeDir = opts.resumeFrom === 'latest' ? await latestCheckpoint(outputDir!) : opts.resumeFrom;
  }
  if (outputDir) {
    const existing = await listCheckpoints(outputDir);
    if (!resumeDir && existing.length > 0) {
      if (!opts.overwriteOutputDir)
        throw new TrainerConfigError(
          `${outputDir} already holds checkpoints (${existing.map((c) => c.step).join(', ')}); ` +
            `pass resumeFrom: 'latest' to continue, or overwriteOutputDir: true to start over`,
        );
      for (const c of existing) await rm(c.dir, { recursive: true, force: true });
    }
  }
  if (resumeDir) {
    let loaded: { step: number; extra: Record<string, unknown> };
    try {
      loaded = await loadCheckpoint(resumeDir, { params, optimizer, rng: seedStream });
    } catch (err) {
      throw new ResumeError(`cannot resume from ${resumeDir}: ${(err as Error).message}`);
    }
    const saved = loaded.extra.trainer as TrainerState | undefined;
    if (saved?.format !== 'selfevo-trainer/1')
      throw new ResumeError(`${resumeDir} was not written by @selfevo/trainer (no extra.trainer state)`);
    if (saved.seed !== seed)
      throw new ResumeError(`${resumeDir} was trained with seed ${saved.seed}, this run has seed ${seed}`);
    if (saved.totalSteps !== totalSteps)
      throw new ResumeError(
        `${resumeDir} belongs to a run of ${saved.totalSteps} steps, this run has ${totalSteps}: ` +
          `the schedule would differ`,
      );
    state = saved;
    tracker.setState(saved.best);
    await log?.truncateAfter(state.step);
  } else {
    await log?.reset();
  }
  const resumedFromStep = state.step;

  const progress = createProgressReporter(opts.progress, opts.progressStream);
  const history: LogRecord[] = [];
  const startTime = Date.now() - state.elapsedMs;
  const epochOf = (): number => (batchesPerEpoch ? state.microBatchesSeen / batchesPerEpoch : state.epoch);
  let lastCheckpoint: string | null = resumeDir;
  let savedStep: number | null = resumeDir ? state.step : null;
  let bestCheckpoint: string | null = null;
  let stoppedEarly = false;

  const emit = async (record: LogRecord): Promise<void> => {
    history.push(record);
    await log?.append(record);
    progress.log(record);
    for (const cb of callbacks) await cb.onLog?.(record);
  };

  const evaluate = async (): Promise<boolean> => {
    model.setTraining(false);
    let raw: Record<string, number>;
    try {
      raw = await opts.evalFn!({ step: state.step });
    } finally {
      model.setTraining(true);
    }
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) metrics[k.startsWith('eval_') ? k : `eval_${k}`] = v;
    if (!(metricKey in metrics))
      throw new TrainerConfigError(
        `evalFn returned no "${metricName}" (got ${Object.keys(raw).join(', ') || 'nothing'}); set metricForBest`,
      );
    const isBest = tracker.update(state.step, metrics[metricKey]);
    state.best = tracker.getState();
    await emit({
      type: 'eval',
      step: state.step,
      epoch: epochOf(),
      elapsed_ms: Date.now() - startTime,
      ...metrics,
    });
    for (const cb of callbacks) await cb.onEvaluate?.({ step: state.step, metrics, isBest });
    return isBest;
  };

  const save = async (): Promise<void> => {
    if (!outputDir) return;
    const dir = join(outputDir, checkpointDirName(state.step));
    state.elapsedMs = Date.now() - startTime;
    await saveCheckpoint(dir, {
      params,
      optimizer,
      step: state.step,
      rng: seedStream,
      extra: { trainer: state },
    });
    lastCheckpoint = dir;
    savedStep = state.step;
    const steps = (await listCheckpoints(outputDir)).map((c) => c.step);
    for (const s of checkpointsToDelete(steps, opts.saveTotalLimit, tracker.bestStep))
      await rm(join(outputDir, checkpointDirName(s)), { recursive: true, force: true });
    for (const cb of callbacks) await cb.onSave?.({ step: state.step, dir });
  };

  const stream = microBatchStream(trainData, seed, opts.epochs, state.epoch, state.batchIndex);
  const accumulator = new GradientAccumulator();
  let pool: GradientWorkerPool | null = null;
  model.setTraining(true);
  progress.start(totalSteps, state.step);
  try {
    if (opts.dataParallel) pool = await GradientWorkerPool.start(opts.dataParallel, params);
    while (state.step < totalSteps) {
      const stepNo = state.step + 1;
      let lossSum = 0;
      let count = 0;
      let nonFinite = false;
      const addResult = (m: number, loss: number, grads: Record<string, tf.Tensor>): void => {
        if (!Number.isFinite(loss)) {
          tf.dispose(Object.values(grads));
          if (onNonFinite === 'error') throw new NonFiniteLossError(stepNo, 'loss', loss, m);
          nonFinite = true;
          return;
        }
        lossSum += loss;
        accumulator.add(grads);
        tf.dispose(Object.values(grads));
      };
      const work: WorkItem[] = [];
      for (let m = 0; m < accumSteps; m++) {
        const next = stream.next();
        if (next.done) break;
        const { batch, epoch, index } = next.value;
        state.epoch = epoch;
        state.batchIndex = index + 1;
        state.microBatchesSeen++;
        count++;
        // Drawn for every micro-batch, even one that is not computed, so the stream never drifts.
        const microSeed = seedStream.nextUint32();
        if (pool) work.push({ micro: m, batch, seed: microSeed });
        else if (!nonFinite) {
          // (after a non-finite loss the step is skipped: the rest of its data is consumed unused)
          const ctx = { rng: microBatchRng(microSeed, opts.rng), step: stepNo };
          const { loss, grads } = computeGradients(model, lossFn, batch, ctx);
          addResult(m, loss, grads);
        }
      }
      if (pool && work.length > 0) {
        const results = await pool.compute(work, stepNo);
        try {
          // summed in micro-batch order, whichever worker computed what
          for (let i = 0; i < results.length; i++) {
            if (nonFinite) tf.dispose(Object.values(results[i].grads));
            else addResult(work[i].micro, results[i].loss, results[i].grads);
          }
        } finally {
          for (const r of results) tf.dispose(Object.values(r.grads));
        }
      }
      if (count === 0) break; // the epochs are exhausted
      const lr = learningRateAt(state.step, schedule);
      const meanLoss = nonFinite ? Number.NaN : lossSum / count;
      let gradNorm = Number.NaN;
      if (!nonFinite) {
        const mean = accumulator.mean();
        try {
          if (maxGradNorm > 0 && Number.isFinite(maxGradNorm)) {
            const clipped = clipByGlobalNorm(mean, maxGradNorm);
            gradNorm = clipped.globalNorm;
            if (Number.isFinite(gradNorm)) optimizer.step(clipped.grads, lr);
            tf.dispose(Object.values(clipped.grads));
          } else {
            gradNorm = globalNormOf(mean);
            if (Number.isFinite(gradNorm)) optimizer.step(mean, lr);
          }
        } finally {
          tf.dispose(Object.values(mean));
        }
        if (!Number.isFinite(gradNorm)) {
          if (onNonFinite === 'error') throw new NonFiniteLossError(stepNo, 'gradient norm', gradNorm, -1);
          nonFinite = true;
        }
      }
      accumulator.reset();
      pool?.syncWeights();
      state.step = stepNo;
      if (nonFinite) state.skippedSteps.push(stepNo);
      else {
        state.logWindow.lossSum += meanLoss;
        state.logWindow.steps++;
      }
      progress.step(state.step, nonFinite ? null : meanLoss);
      for (const cb of callbacks)
        await cb.onStepEnd?.({ step: state.step, loss: meanLoss, learningRate: lr, skipped: nonFinite });

      const last = state.step === totalSteps;
      if (state.step % logEvery === 0 || last) {
        const w = state.logWindow;
        await emit({
          type: 'train',
          step: state.step,
          epoch: epochOf(),
          elapsed_ms: Date.now() - startTime,
          loss: w.steps > 0 ? w.lossSum / w.steps : null,
          learning_rate: lr,
          grad_norm: Number.isFinite(gradNorm) ? gradNorm : null,
          skipped_steps: state.skippedSteps.length,
        });
        state.logWindow = { lossSum: 0, steps: 0 };
      }
      let newBest = false;
      if (evalEvery !== undefined && (state.step % evalEvery === 0 || last)) {
        newBest = await evaluate();
        if (tracker.shouldStop) stoppedEarly = true;
      }
      // A new best is always saved, so keep-best has it whatever saveEverySteps is.
      if ((saveEvery !== undefined && state.step % saveEvery === 0) || newBest || last || stoppedEarly)
        await save();
      if (stoppedEarly) break;
    }
    // The data ran out before totalSteps (a source whose batchesPerEpoch overstates): save the end too.
    if (outputDir && savedStep !== state.step) await save();
  } finally {
    progress.stop();
    await pool?.close();
    accumulator.reset();
  }

  if (outputDir && tracker.bestStep !== null) {
    const bestDir = join(outputDir, checkpointDirName(tracker.bestStep));
    bestCheckpoint = (await listCheckpoints(outputDir)).some((c) => c.step === tracker.bestStep)
      ? bestDir
      : null;
    if (opts.loadBestModelAtEnd && bestCheckpoint) await loadCheckpoint(bestCheckpoint, { params });
  }
  const result: TrainResult = {
    step: state.step,
    totalSteps,
    epoch: epochOf(),
    stoppedEarly,
    skippedSteps: [...state.skippedSteps],
    bestStep: tracker.bestStep,
    bestMetric: tracker.bestValue,
    bestCheckpoint,
    lastCheckpoint,
    logPath: log?.path ?? null,
    logHistory: history,
    resumedFromStep,
  };
  for (const cb of callbacks) await cb.onTrainEnd?.(result);
  return result;
}
