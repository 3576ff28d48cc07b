// One fine-tuning run on CB through @selfevo/trainer's train() (its browser build): batches of
// formulated pairs, label-smoothed cross-entropy, the dev score (F1 macro / accuracy, official
// metrics of @selfevo/superglue-eval), pause/resume by awaiting in onStepEnd, predictions.
import type { BertForSequenceClassification } from '@selfevo/encoder-model';
import { labelSmoothedCrossEntropy } from '@selfevo/smooth-label-loss';
import {
  type Batch,
  CB_LABELS,
  type CbRecord,
  collate,
  formulatePair,
  makeBatches,
  type PairExample,
} from '@selfevo/superglue-datasets';
import { computeTaskMetrics, goldFromRecords, type TaskMetricsResult } from '@selfevo/superglue-eval';
import type { Tokenizer } from '@selfevo/tokenizer';
import {
  arrayBatchSource,
  type CheckpointStore,
  type TrainOptions,
  type TrainResult,
  train,
  trainWithStore,
} from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { Settings } from './config.js';

export interface StepInfo {
  step: number;
  loss: number;
  /** Optimizer steps per second over the steps since the last report (pauses and evals excluded). */
  stepsPerSecond: number;
}

export interface SessionEvents {
  onStep(info: StepInfo): void;
  onScore(step: number, result: TaskMetricsResult): void;
  /** A checkpoint of `step` is in the store. */
  onSave?(step: number): void;
}

/** Where the run's checkpoints go (IndexedDB), and whether to continue the stored run. */
export interface SessionCheckpoints {
  store: CheckpointStore;
  /** The run's name in the store (./checkpoints.ts `runName`). */
  run: string;
  /** Continue from the newest stored checkpoint (else start over, replacing the stored run). */
  resume: boolean;
}

type Model = BertForSequenceClassification;

const inputsOf = (b: Batch<PairExample>) => ({
  inputIds: tf.tensor2d(b.inputIds, b.shape, 'int32'),
  tokenTypeIds: tf.tensor2d(b.tokenTypeIds, b.shape, 'int32'),
  attentionMask: tf.tensor2d(b.attentionMask, b.shape, 'int32'),
});

export class Session {
  private paused: { promise: Promise<void>; release: () => void } | null = null;
  private readonly train: PairExample[];
  private readonly val: PairExample[];
  private readonly gold;
  private pauseStarted = 0;
  private pausedMs = 0;

  constructor(
    readonly model: Model,
    readonly tokenizer: Tokenizer,
    trainRecords: CbRecord[],
    valRecords: CbRecord[],
    readonly settings: Settings,
  ) {
    const opts = { maxLength: Math.min(settings.maxLength, model.config.maxPositionEmbeddings) };
    this.train = trainRecords.map((r) => formulatePair('CB', r, tokenizer, opts));
    this.val = valRecords.map((r) => formulatePair('CB', r, tokenizer, opts));
    this.gold = goldFromRecords(
      'CB',
      valRecords.map((value, i) => ({ line: i + 1, value })),
      'CB/val.jsonl',
      { requireLabels: true },
    );
  }

  get padTokenId(): number {
    return this.tokenizer.tokenToId('[PAD]') ?? 0;
  }

  /**
   * Class probabilities of each example, in order (eval mode, batches of 32). Read back
   * asynchronously: tfjs-webgpu's synchronous readback (through a canvas) returns zeros for some
   * kernels' outputs (reductions) in headless Chromium on SwiftShader.
   */
  async probabilities(examples: PairExample[]): Promise<number[][]> {
    const out: number[][] = [];
    this.model.setTraining(false);
    for (const b of makeBatches(examples, { batchSize: 32, padTokenId: this.padTokenId })) {
      const probs = tf.tidy(() => tf.softmax(this.model.forward({ ...inputsOf(b), training: false }).logits));
      const flat = await probs.data();
      probs.dispose();
      const classes = flat.length / b.size;
      for (const [row, i] of b.indices.entries())
        out[i] = Array.from(flat.subarray(row * classes, (row + 1) * classes));
    }
    return out;
  }

  /** The dev score: F1 macro and accuracy on CB val, and their mean (the leaderboard's CB score). */
  async evaluate(): Promise<TaskMetricsResult> {
    const probs = await this.probabilities(this.val);
    const preds = new Map(this.val.map((e, i) => [String(e.idx), CB_LABELS[argmax(probs[i])]]));
    return computeTaskMetrics('CB', this.gold, preds);
  }

  /** The label and the probabilities for a premise and hypothesis a person typed. */
  async predict(
    premise: string,
    hypothesis: string,
  ): Promise<{ label: string; probabilities: Record<string, number> }> {
    const e = formulatePair('CB', { premise, hypothesis, idx: 0 } as CbRecord, this.tokenizer, {
      maxLength: Math.min(this.settings.maxLength, this.model.config.maxPositionEmbeddings),
    });
    const [p] = await this.probabilities([e]);
    return {
      label: CB_LABELS[argmax(p)],
      probabilities: Object.fromEntries(CB_LABELS.map((l, i) => [l, p[i]])),
    };
  }

  get isPaused(): boolean {
    return this.paused !== null;
  }

  /** Stop after the current step (the run waits, with its optimizer and data position). */
  pause(): void {
    if (this.paused) return;
    let release = () => {};
    const promise = new Promise<void>((r) => {
      release = r;
    });
    this.paused = { promise, release };
    this.pauseStarted = performance.now();
  }

  /** Continue the same run exactly where it stopped. */
  resume(): void {
    if (!this.paused) return;
    this.pausedMs += performance.now() - this.pauseStarted;
    const { release } = this.paused;
    this.paused = null;
    release();
  }

  /**
   * The whole run through the trainer; resolves when it ends. With `checkpoints`, through
   * `trainWithStore`: a checkpoint every `saveEvery` steps (and at a new best and at the end), and
   * `resume` continues the stored run exactly (weights, optimizer, schedule, data order, seeds).
   */
  async run(events: SessionEvents, checkpoints?: SessionCheckpoints): Promise<TrainResult> {
    const s = this.settings;
    const padTokenId = this.padTokenId;
    let last = performance.now();
    let evalMs = 0;
    const trainData = arrayBatchSource(this.train, {
      batchSize: s.batchSize,
      collate: (examples: PairExample[]) => collate(examples, { padTokenId }),
    });
    const options: TrainOptions<Model, Batch<PairExample>> = {
      model: this.model,
      trainData,
      lossFn: (model: Model, batch: Batch<PairExample>, training: boolean) => {
        const { logits } = model.forward({ ...inputsOf(batch), training });
        return labelSmoothedCrossEntropy(logits, batch.labels!, { epsilon: 0.05 }) as tf.Scalar;
      },
      optimizer: { lr: s.lr, weightDecay: 0.01 },
      schedule: { schedule: 'linear', warmupRatio: 0.1 },
      maxSteps: s.steps,
      seed: s.seed,
      logEverySteps: 1,
      evalEverySteps: s.evalEvery,
      metricForBest: 'score',
      evalFn: async ({ step }) => {
        const t0 = performance.now();
        const r = await this.evaluate();
        events.onScore(step, r);
        evalMs += performance.now() - t0;
        return { ...r.metrics, score: r.score ?? 0 };
      },
      progress: 'none',
      callbacks: [
        {
          onStepEnd: async ({ step, loss }) => {
            const now = performance.now();
            const ms = now - last - evalMs - this.pausedMs;
            events.onStep({ step, loss, stepsPerSecond: ms > 0 ? 1000 / ms : 0 });
            evalMs = 0;
            this.pausedMs = 0;
            // yield to the event loop once a step: the page repaints (the live curve) and handles
            // clicks (wasm's reads resolve as microtasks, which alone would never let them in)
            await new Promise((r) => setTimeout(r, 0));
            if (this.paused) await this.paused.promise;
            last = performance.now();
          },
          onSave: ({ step }) => {
            events.onSave?.(step);
            // a save (after the step's eval) is no part of the next step's time
            last = performance.now();
            evalMs = 0;
          },
        },
      ],
    };
    if (!checkpoints) return train(options);
    return trainWithStore(checkpoints.store, {
      ...options,
      outputDir: checkpoints.run,
      saveEverySteps: s.saveEvery,
      saveTotalLimit: 1, // the newest, and the best
      ...(checkpoints.resume ? { resumeFrom: 'latest' } : { overwriteOutputDir: true }),
    });
  }
}

function argmax(p: number[]): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}
