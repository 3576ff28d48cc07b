import { join } from 'node:path';
import { AdamW, type AdamWOptions, learningRateAt, SeededRandom } from '@selfevo/encoder-model';
import { CheckpointKeeper } from './checkpointing.js';
import { GradientWorkerPool } from './data-parallel-pool.js';
import { BestMetricTracker } from './early-stopping.js';
import { evaluate } from './evaluation.js';
import { JsonlLogWriter } from './jsonl-log.js';
import { modelRng } from './micro-batch-rng.js';
import { microBatchStream } from './micro-batch-stream.js';
import { optimizerStep, type StepContext, type StepOutcome } from './optimizer-step.js';
import { createProgressReporter } from './progress.js';
import { startOrResume } from './resume.js';
import { RunReporter } from './run-reporter.js';
import { type RunSettings, resolveRunSettings, validateOptions } from './run-settings.js';
import type { TrainOptions, TrainResult } from './train-options.js';
import { parameterFingerprint, selectParameters, type TrainedParameters } from './trained-parameters.js';
import { freshState, type TrainerState } from './trainer-state.js';
import type { EncoderLike } from './types.js';

export type { TrainerCallback, TrainOptions, TrainResult } from './train-options.js';

/**
 * Train `model` (all of its parameters, or the `parameters` subset) on `trainData` with `lossFn`:
 * gradient accumulation, learning-rate schedule, gradient clipping, AdamW (with parameter
 * groups), periodic evaluation, keep-best / keep-last-k checkpoints, early stopping, exact resume
 * (trained weights, optimizer, schedule position, RNG and data position), JSONL logs, progress
 * output, and NaN/Inf detection. The one loop for MLM / SE pretraining, fine-tuning and prompt
 * tuning. See the package README for the semantics of every option.
 */
export async function train<M extends EncoderLike, B>(opts: TrainOptions<M, B>): Promise<TrainResult> {
  validateOptions(opts);
  const params = selectParameters(opts.model, opts.parameters);
  if (opts.optimizer instanceof AdamW) return runTraining(opts, params, opts.optimizer);
  // An optimizer the trainer creates is also freed by it, however the run ends.
  const optimizer = new AdamW(params.trained, opts.optimizer as AdamWOptions);
  try {
    return await runTraining(opts, params, optimizer);
  } finally {
    optimizer.dispose();
  }
}

/** Is step `step` one where something every `every` steps (and at the last step) happens? */
const due = (step: number, every: number | undefined, last: boolean) =>
  every !== undefined && (step % every === 0 || last);

/** The fractional epoch after `state`'s micro-batches (the integer epoch if its length is unknown). */
const epochOf = (state: TrainerState, s: RunSettings) =>
  s.batchesPerEpoch ? state.microBatchesSeen / s.batchesPerEpoch : state.epoch;

async function runTraining<M extends EncoderLike, B>(
  opts: TrainOptions<M, B>,
  params: TrainedParameters,
  optimizer: AdamW,
): Promise<TrainResult> {
  const { model } = opts;
  const s = resolveRunSettings(opts, optimizer.lr);
  const tracker = new BestMetricTracker({
    greaterIsBetter: s.greaterIsBetter,
    patience: opts.earlyStoppingPatience,
    threshold: opts.earlyStoppingThreshold,
  });
  // The run's seed stream: one uint32 per micro-batch seeds that micro-batch's generator.
  const seedStream = new SeededRandom(s.seed);
  const needsFingerprint = params.frozen.size > 0 && (opts.outputDir || opts.resumeFrom);
  const fresh = freshState({
    totalSteps: s.totalSteps,
    seed: s.seed,
    best: tracker.getState(),
    trainedParameters: [...params.trained.keys()],
    frozenFingerprint: needsFingerprint ? parameterFingerprint(params.frozen) : undefined,
  });
  const contents = { params: params.trained, optimizer, rng: seedStream };
  const { state, resumeDir } = await startOrResume(opts, fresh, contents);
  tracker.setState(state.best);
  const log = opts.outputDir ? new JsonlLogWriter(join(opts.outputDir, 'log.jsonl')) : null;
  if (resumeDir) await log?.truncateAfter(state.step);
  else await log?.reset();
  const resumedFromStep = state.step;
  const callbacks = [...(opts.callbacks ?? []), ...(opts.onLog ? [{ onLog: opts.onLog }] : [])];
  const progress = createProgressReporter(opts.progress, opts.progressStream);
  const reporter = new RunReporter(log, progress, callbacks, state.elapsedMs);
  const resumed = resumeDir ? { dir: resumeDir, step: state.step } : null;
  const keeper = opts.outputDir
    ? new CheckpointKeeper(opts.outputDir, contents, opts.saveTotalLimit, resumed)
    : null;
  const save = async () => {
    if (!keeper) return;
    state.elapsedMs = reporter.elapsed();
    const dir = await keeper.save(state, tracker.bestStep);
    await reporter.saved({ step: state.step, dir });
  };

  const stream = microBatchStream(opts.trainData, s.seed, opts.epochs, state.epoch, state.batchIndex);
  let pool: GradientWorkerPool | null = null;
  let stoppedEarly = false;
  model.setTraining(true);
  progress.start(s.totalSteps, state.step);
  try {
    if (opts.dataParallel)
      pool = await GradientWorkerPool.start(
        opts.dataParallel,
        model.namedParameters(),
        new Set(params.trained.keys()),
      );
    const stepCtx: StepContext<M, B> = {
      model,
      lossFn: opts.lossFn,
      params: params.trained,
      optimizer,
      accumSteps: s.accumSteps,
      maxGradNorm: s.maxGradNorm,
      onNonFinite: s.onNonFinite,
      seedStream,
      modelRng: opts.rng ?? modelRng(model),
      workers: pool,
    };
    while (state.step < s.totalSteps) {
      const lr = learningRateAt(state.step, s.schedule);
      const outcome = await optimizerStep(stepCtx, stream, state, state.step + 1, lr);
      if (!outcome) break; // the epochs are exhausted
      pool?.syncWeights();
      state.step++;
      recordStep(state, outcome);
      await reporter.stepEnd({
        step: state.step,
        loss: outcome.meanLoss,
        learningRate: lr,
        skipped: outcome.skipped,
      });
      const last = state.step === s.totalSteps;
      if (due(state.step, s.logEvery, last)) await logTrainWindow(state, s, reporter, lr, outcome.gradNorm);
      let newBest = false;
      if (opts.evalFn && due(state.step, s.evalEvery, last)) {
        const evalCtx = { ...s, model, evalFn: opts.evalFn, tracker, reporter };
        newBest = await evaluate(evalCtx, state.step, epochOf(state, s));
        state.best = tracker.getState();
        stoppedEarly = tracker.shouldStop;
      }
      // A new best is always saved, so keep-best has it whatever saveEverySteps is.
      if (due(state.step, s.saveEvery, false) || newBest || last || stoppedEarly) await save();
      if (stoppedEarly) break;
    }
    // The data ran out before totalSteps (a source whose batchesPerEpoch overstates): save the end too.
    if (keeper && keeper.lastStep !== state.step) await save();
  } finally {
    progress.stop();
    await pool?.close();
  }

  const bestCheckpoint = (await keeper?.bestDir(tracker.bestStep)) ?? null;
  if (opts.loadBestModelAtEnd && bestCheckpoint) await keeper!.loadWeights(bestCheckpoint);
  const result: TrainResult = {
    step: state.step,
    totalSteps: s.totalSteps,
    epoch: epochOf(state, s),
    stoppedEarly,
    skippedSteps: [...state.skippedSteps],
    bestStep: tracker.bestStep,
    bestMetric: tracker.bestValue,
    bestCheckpoint,
    lastCheckpoint: keeper?.last ?? resumeDir,
    logPath: log?.path ?? null,
    logHistory: reporter.history,
    resumedFromStep,
    trainedParameters: [...params.trained.keys()],
  };
  for (const cb of callbacks) await cb.onTrainEnd?.(result);
  return result;
}

/** Account a finished step in the state: a skipped one is listed, a real one joins the log window. */
function recordStep(state: TrainerState, outcome: StepOutcome): void {
  if (outcome.skipped) state.skippedSteps.push(state.step);
  else {
    state.logWindow.lossSum += outcome.meanLoss;
    state.logWindow.steps++;
  }
}

/** Log the mean loss of the steps since the last train record, and start a new window. */
async function logTrainWindow(
  state: TrainerState,
  s: RunSettings,
  reporter: RunReporter,
  lr: number,
  gradNorm: number,
): Promise<void> {
  const w = state.logWindow;
  await reporter.emit({
    type: 'train',
    step: state.step,
    epoch: epochOf(state, s),
    elapsed_ms: reporter.elapsed(),
    loss: w.steps > 0 ? w.lossSum / w.steps : null,
    learning_rate: lr,
    grad_norm: Number.isFinite(gradNorm) ? gradNorm : null,
    skipped_steps: state.skippedSteps.length,
  });
  state.logWindow = { lossSum: 0, steps: 0 };
}
