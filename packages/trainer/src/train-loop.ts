import { AdamW, type AdamWOptions, learningRateAt, SeededRandom } from '@selfevo/encoder-model';
import type { GradientWorkerPool } from './data-parallel-pool.js';
import { BestMetricTracker } from './early-stopping.js';
import { evaluate } from './evaluation.js';
import { modelRng } from './micro-batch-rng.js';
import { microBatchStream } from './micro-batch-stream.js';
import { optimizerStep, type StepContext, type StepOutcome } from './optimizer-step.js';
import { validateTrainOptions } from './options-schema.js';
import type { SkippedCheckpoint } from './resume.js';
import { RunReporter } from './run-reporter.js';
import { type RunSettings, resolveRunSettings } from './run-settings.js';
import type { TrainOptions, TrainResult } from './train-options.js';
import { parameterFingerprint, selectParameters, type TrainedParameters } from './trained-parameters.js';
import type { RunCheckpoints, RunLog, TrainerIo } from './trainer-io.js';
import { freshState, type TrainerState } from './trainer-state.js';
import type { EncoderLike } from './types.js';

/**
 * The training loop behind `train()` (Node: ./train.ts; browsers: ./train-browser.ts), with the
 * platform's file, thread and progress parts in `io`. See `train` for what it does.
 */
export async function trainWith<M extends EncoderLike, B>(
  io: TrainerIo,
  opts: TrainOptions<M, B>,
): Promise<TrainResult> {
  io.checkOptions(opts as unknown as Record<string, unknown>);
  validateTrainOptions(opts);
  const params = selectParameters(opts.model, opts.parameters);
  if (opts.optimizer instanceof AdamW) return runTraining(io, opts, params, opts.optimizer);
  // An optimizer the trainer creates is also freed by it, however the run ends.
  const optimizer = new AdamW(params.trained, opts.optimizer as AdamWOptions);
  try {
    return await runTraining(io, opts, params, optimizer);
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

/** Everything a run shares between its start, its steps and its end. */
interface Run<M extends EncoderLike, B> {
  io: TrainerIo;
  opts: TrainOptions<M, B>;
  s: RunSettings;
  params: TrainedParameters;
  optimizer: AdamW;
  tracker: BestMetricTracker;
  /** The run's seed stream: one uint32 per micro-batch seeds that micro-batch's generator. */
  seedStream: SeededRandom;
  state: TrainerState;
  resumeDir: string | null;
  /** Damaged checkpoints `resumeFrom: 'latest'` skipped (moved aside). */
  skipped: SkippedCheckpoint[];
  log: RunLog | null;
  reporter: RunReporter;
  keeper: RunCheckpoints | null;
}

async function runTraining<M extends EncoderLike, B>(
  io: TrainerIo,
  opts: TrainOptions<M, B>,
  params: TrainedParameters,
  optimizer: AdamW,
): Promise<TrainResult> {
  const run = await openRun(io, opts, params, optimizer);
  const resumedFromStep = run.state.step;
  const stoppedEarly = await runSteps(run);
  return finishRun(run, resumedFromStep, stoppedEarly);
}

/** Settings, a fresh or resumed state (weights, optimizer, seed stream loaded), the log and the checkpoint keeper. */
async function openRun<M extends EncoderLike, B>(
  io: TrainerIo,
  opts: TrainOptions<M, B>,
  params: TrainedParameters,
  optimizer: AdamW,
): Promise<Run<M, B>> {
  const s = resolveRunSettings(opts, optimizer.lr);
  const tracker = new BestMetricTracker({
    greaterIsBetter: s.greaterIsBetter,
    patience: opts.earlyStoppingPatience,
    threshold: opts.earlyStoppingThreshold,
  });
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
  // a warning (a damaged checkpoint skipped) is written whatever the progress mode
  const warn = (line: string) => (opts.progressStream ?? io.warnStream()).write(`${line}\n`);
  const { state, resumeDir, skipped } = await io.startOrResume(opts, fresh, contents, warn);
  tracker.setState(state.best);
  const log = opts.outputDir ? io.openLog(opts.outputDir) : null;
  if (resumeDir) await log?.truncateAfter(state.step);
  else await log?.reset();
  const callbacks = [...(opts.callbacks ?? []), ...(opts.onLog ? [{ onLog: opts.onLog }] : [])];
  const progress = io.createProgress(opts.progress, opts.progressStream);
  const reporter = new RunReporter(log, progress, callbacks, state.elapsedMs);
  const resumed = resumeDir ? { dir: resumeDir, step: state.step } : null;
  const keeper = opts.outputDir
    ? io.checkpointKeeper(opts.outputDir, contents, opts.saveTotalLimit, resumed)
    : null;
  return {
    io,
    opts,
    s,
    params,
    optimizer,
    tracker,
    seedStream,
    state,
    resumeDir,
    skipped,
    log,
    reporter,
    keeper,
  };
}

/** Save a checkpoint of the current state (when there is an `outputDir`) and tell the callbacks. */
async function save<M extends EncoderLike, B>(run: Run<M, B>): Promise<void> {
  if (!run.keeper) return;
  run.state.elapsedMs = run.reporter.elapsed();
  const dir = await run.keeper.save(run.state, run.tracker.bestStep);
  await run.reporter.saved({ step: run.state.step, dir });
}

/** The optimizer steps until `totalSteps`, the end of the data or early stopping (returned). */
async function runSteps<M extends EncoderLike, B>(run: Run<M, B>): Promise<boolean> {
  const { opts, s, state, reporter, tracker } = run;
  const stream = microBatchStream(opts.trainData, s.seed, opts.epochs, state.epoch, state.batchIndex);
  let pool: GradientWorkerPool | null = null;
  let stoppedEarly = false;
  opts.model.setTraining(true);
  reporter.progress.start(s.totalSteps, state.step);
  try {
    if (opts.dataParallel)
      pool = await run.io.startWorkers(
        opts.dataParallel,
        opts.model.namedParameters(),
        new Set(run.params.trained.keys()),
      );
    const stepCtx = stepContext(run, pool);
    while (state.step < s.totalSteps) {
      const lr = learningRateAt(state.step, s.schedule);
      const outcome = await optimizerStep(stepCtx, stream, state, state.step + 1, lr);
      if (!outcome) break; // the epochs are exhausted
      pool?.syncWeights();
      state.step++;
      recordStep(state, outcome);
      const { meanLoss: loss, skipped } = outcome;
      await reporter.stepEnd({ step: state.step, loss, learningRate: lr, skipped });
      const last = state.step === s.totalSteps;
      if (due(state.step, s.logEvery, last)) await logTrainWindow(state, s, reporter, lr, outcome.gradNorm);
      let newBest = false;
      if (opts.evalFn && due(state.step, s.evalEvery, last)) {
        const evalCtx = { ...s, model: opts.model, evalFn: opts.evalFn, tracker, reporter };
        newBest = await evaluate(evalCtx, state.step, epochOf(state, s));
        state.best = tracker.getState();
        stoppedEarly = tracker.shouldStop;
      }
      // A new best is always saved, so keep-best has it whatever saveEverySteps is.
      if (due(state.step, s.saveEvery, false) || newBest || last || stoppedEarly) await save(run);
      if (stoppedEarly) break;
    }
    // The data ran out before totalSteps (a source whose batchesPerEpoch overstates): save the end too.
    if (run.keeper && run.keeper.lastStep !== state.step) await save(run);
  } finally {
    reporter.progress.stop();
    await pool?.close();
  }
  return stoppedEarly;
}

/** What `optimizerStep` needs of the run. */
function stepContext<M extends EncoderLike, B>(
  run: Run<M, B>,
  workers: GradientWorkerPool | null,
): StepContext<M, B> {
  const { opts, s } = run;
  return {
    model: opts.model,
    lossFn: opts.lossFn,
    params: run.params.trained,
    optimizer: run.optimizer,
    accumSteps: s.accumSteps,
    maxGradNorm: s.maxGradNorm,
    onNonFinite: s.onNonFinite,
    seedStream: run.seedStream,
    modelRng: opts.rng ?? modelRng(opts.model),
    workers,
  };
}

/** Load the best weights if asked, build the result, call `onTrainEnd`. */
async function finishRun<M extends EncoderLike, B>(
  run: Run<M, B>,
  resumedFromStep: number,
  stoppedEarly: boolean,
): Promise<TrainResult> {
  const { state, s, tracker, keeper } = run;
  const bestCheckpoint = (await keeper?.bestDir(tracker.bestStep)) ?? null;
  if (run.opts.loadBestModelAtEnd && bestCheckpoint) await keeper!.loadWeights(bestCheckpoint);
  const result: TrainResult = {
    step: state.step,
    totalSteps: s.totalSteps,
    epoch: epochOf(state, s),
    stoppedEarly,
    skippedSteps: [...state.skippedSteps],
    bestStep: tracker.bestStep,
    bestMetric: tracker.bestValue,
    bestCheckpoint,
    lastCheckpoint: keeper?.last ?? run.resumeDir,
    logPath: run.log?.path ?? null,
    logHistory: run.reporter.history,
    resumedFromStep,
    skippedCheckpoints: run.skipped,
    trainedParameters: [...run.params.trained.keys()],
  };
  for (const cb of run.reporter.callbacks) await cb.onTrainEnd?.(result);
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
