/**
 * Plain fine-tuning of the SE-grid checkpoints on RTE, CB, COPA and WiC (dev accuracy), the
 * standard encoder formulations of `@selfevo/superglue-datasets` (methods §3.3) on the encoder
 * package's heads: pair → pooled [CLS] classifier; COPA → one score per candidate, softmax over the
 * two; WiC → [CLS] + the two target-word spans. AdamW, linear warmup/decay, fixed epochs, the
 * **last** epoch's model is scored on the whole dev set (no model selection on dev).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BertConfig,
  BertForMultipleChoice,
  BertForSequenceClassification,
  BertForSpanClassification,
  configFromHf,
  readSafetensors,
  type SafeTensor,
  type SeededRandom,
} from '@selfevo/encoder-model';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import {
  type Batch,
  collate,
  type FormulatedExample,
  formulate,
  mulberry32,
  shuffled,
} from '@selfevo/superglue-datasets';
import { loadSplit } from '@selfevo/superglue-datasets/node';
import { Tokenizer } from '@selfevo/tokenizer';
import { type BatchSource, train } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { dataDir } from './pretrain-lib.js';
import { writeJson } from './se-report.js';

type Task = 'RTE' | 'CB' | 'COPA' | 'WiC';

/** Per-task settings (small: the whole grid is fine-tuned on 2 shared CPU cores). */
export const FINETUNE_SETTINGS: Record<
  Task,
  { maxTrainRecords: number; epochs: number; lr: number; batch: number; maxLength: number }
> = {
  RTE: { maxTrainRecords: 320, epochs: 1, lr: 3e-4, batch: 16, maxLength: 128 },
  CB: { maxTrainRecords: 250, epochs: 2, lr: 3e-4, batch: 16, maxLength: 96 },
  COPA: { maxTrainRecords: 400, epochs: 2, lr: 3e-4, batch: 16, maxLength: 64 },
  WiC: { maxTrainRecords: 320, epochs: 1, lr: 3e-4, batch: 16, maxLength: 128 },
};

type Model = BertForSequenceClassification | BertForMultipleChoice | BertForSpanClassification;

interface TaskData {
  /** Training units: one example, or (COPA) the two candidates of a question. */
  train: FormulatedExample[][];
  val: FormulatedExample[][];
  trainRecords: number;
  valRecords: number;
  majority: number;
}

const unitLabel = (task: Task, u: FormulatedExample[]) =>
  task === 'COPA' ? ((u[0] as { answer?: number }).answer ?? 0) : (u[0].label ?? 0);

async function loadTask(task: Task, tokenizer: Tokenizer): Promise<TaskData> {
  const s = FINETUNE_SETTINGS[task];
  const dir = join(dataDir, 'superglue');
  const tr = (await loadSplit(task, 'train', { dir })).records;
  const va = (await loadSplit(task, 'val', { dir })).records;
  // The same seeded subset of training records for every model.
  const kept =
    tr.length > s.maxTrainRecords ? shuffled(tr, mulberry32(12345)).slice(0, s.maxTrainRecords) : tr;
  const units = (records: typeof tr) => {
    const ex = formulate(task, records as never, tokenizer, {
      maxLength: s.maxLength,
    }) as FormulatedExample[];
    if (task !== 'COPA') return ex.map((e) => [e]);
    const groups = new Map<number, FormulatedExample[]>();
    for (const e of ex) {
      const g = (e as { group: number }).group;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(e);
    }
    return [...groups.values()].map((g) =>
      g.sort((x, y) => (x as { choice: number }).choice - (y as { choice: number }).choice),
    );
  };
  const train = units(kept);
  const val = units(va);
  const counts = new Map<number, number>();
  for (const u of train) counts.set(unitLabel(task, u), (counts.get(unitLabel(task, u)) ?? 0) + 1);
  const maj = [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0][0];
  const majority = val.filter((u) => unitLabel(task, u) === maj).length / val.length;
  return { train, val, trainRecords: kept.length, valRecords: va.length, majority };
}

interface FtBatch {
  batch: Batch<FormulatedExample>;
  labels: Int32Array;
}

function collateUnits(task: Task, units: FormulatedExample[][], padTokenId: number): FtBatch {
  const batch = collate(units.flat(), { padTokenId });
  return { batch, labels: Int32Array.from(units, (u) => unitLabel(task, u)) };
}

function logitsOf(task: Task, model: Model, b: FtBatch, training: boolean): tf.Tensor2D {
  const inp = {
    inputIds: { data: b.batch.inputIds, shape: b.batch.shape },
    tokenTypeIds: { data: b.batch.tokenTypeIds, shape: b.batch.shape },
    attentionMask: { data: b.batch.attentionMask, shape: b.batch.shape },
    training,
  };
  if (task === 'COPA') return (model as BertForMultipleChoice).forwardChoices(inp, 2).logits;
  if (task === 'WiC') return (model as BertForSpanClassification).forward(inp, b.batch.spans!).logits;
  return (model as BertForSequenceClassification).forward(inp).logits;
}

function newModel(task: Task, config: BertConfig, weights: Map<string, SafeTensor>, seed: number): Model {
  const m =
    task === 'COPA'
      ? new BertForMultipleChoice(config, { seed })
      : task === 'WiC'
        ? new BertForSpanClassification(config, { seed, numSpans: 2, useCls: true, numLabels: 2 })
        : new BertForSequenceClassification(config, { seed, numLabels: task === 'CB' ? 3 : 2 });
  const report = m.loadStateDict(weights, { strict: false });
  const bad = report.missing.filter((n) => !n.startsWith('classifier.') && !n.includes('pooler.'));
  if (bad.length || report.mismatched.length) {
    m.dispose();
    throw new Error(
      `checkpoint does not fit the ${task} model: missing ${bad.join(', ')} mismatched ${report.mismatched.join(', ')}`,
    );
  }
  return m;
}

/** Fine-tune one encoder on one task; returns the dev accuracy of the last epoch. */
export async function finetuneOne(
  task: Task,
  encoderDir: string,
  data: TaskData,
  padTokenId: number,
  seed: number,
): Promise<{
  task: Task;
  score: number;
  majority: number;
  topPredictionShare: number;
  steps: number;
  trainUnits: number;
  valUnits: number;
  trainMs: number;
}> {
  const s = FINETUNE_SETTINGS[task];
  const config = configFromHf(JSON.parse(await readFile(join(encoderDir, 'config.json'), 'utf8')));
  const weights = readSafetensors(new Uint8Array(await readFile(join(encoderDir, 'model.safetensors'))));
  const model = newModel(task, config, weights, seed);
  try {
    const per = Math.ceil(data.train.length / s.batch);
    const source: BatchSource<FtBatch> = {
      batchesPerEpoch: per,
      *epochBatches(_epoch: number, rng: SeededRandom) {
        const order = rng.shuffle(Array.from({ length: data.train.length }, (_, i) => i));
        for (let i = 0; i < per; i++)
          yield collateUnits(
            task,
            order.slice(i * s.batch, (i + 1) * s.batch).map((k) => data.train[k]),
            padTokenId,
          );
      },
    };
    const t0 = performance.now();
    const r = await train<Model, FtBatch>({
      model,
      lossFn: (m, b, training) =>
        tf.tidy(() => crossEntropyAtPositions(logitsOf(task, m, b, training), b.labels)),
      trainData: source,
      optimizer: { lr: s.lr, weightDecay: 0.01, eps: 1e-6 },
      schedule: { schedule: 'linear', peakLr: s.lr, warmupSteps: Math.ceil(0.1 * per * s.epochs) },
      epochs: s.epochs,
      maxGradNorm: 1,
      seed,
      progress: 'none',
    });
    const trainMs = performance.now() - t0;
    model.setTraining(false);
    let correct = 0;
    const predicted = new Map<number, number>();
    for (let i = 0; i < data.val.length; i += 32) {
      const b = collateUnits(task, data.val.slice(i, i + 32), padTokenId);
      const pred = tf.tidy(() => tf.argMax(logitsOf(task, model, b, false), 1));
      const p = pred.dataSync();
      pred.dispose();
      for (let k = 0; k < p.length; k++) {
        if (p[k] === b.labels[k]) correct++;
        predicted.set(p[k], (predicted.get(p[k]) ?? 0) + 1);
      }
    }
    return {
      task,
      score: correct / data.val.length,
      majority: data.majority,
      // Share of dev predictions that went to the most predicted class (1 = a constant predictor).
      topPredictionShare: Math.max(...predicted.values()) / data.val.length,
      steps: r.step,
      trainUnits: data.train.length,
      valUnits: data.val.length,
      trainMs,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Every model of the grid (`base`, then each arm) × seed × task, skipping results already written
 * (`<work>/finetune/<model>/seed-<s>/<TASK>.json`). Seed-major order, so that complete seeds come first.
 */
export async function finetuneAll(o: {
  work: string;
  vocabPath: string;
  tasks: string[];
  seeds: number[];
  arms: string[];
  includeBase?: boolean;
  log: (s: string) => void;
}): Promise<void> {
  const tokenizer = await Tokenizer.fromBertVocab(o.vocabPath);
  const pad = tokenizer.padTokenId ?? 0;
  const tasks = o.tasks as Task[];
  for (const t of tasks)
    if (!(t in FINETUNE_SETTINGS)) throw new Error(`--finetune-tasks: unknown task ${t}`);
  const data = new Map<Task, TaskData>();
  for (const t of tasks) data.set(t, await loadTask(t, tokenizer));
  // Seed-major over the arms (complete seeds first), then the base model for every seed.
  const jobs: { key: string; seed: number }[] = [];
  for (const seed of o.seeds) for (const key of o.arms) jobs.push({ key, seed });
  if (o.includeBase ?? true) for (const seed of o.seeds) jobs.push({ key: 'base', seed });
  for (const { key, seed } of jobs) {
    const encoderDir =
      key === 'base' ? join(o.work, 'base', 'final') : join(o.work, 'arms', key, `seed-${seed}`, 'final');
    if (!existsSync(join(encoderDir, 'model.safetensors'))) {
      o.log(`finetune: ${key} seed ${seed}: no checkpoint at ${encoderDir} yet (skipped)`);
      continue;
    }
    for (const task of tasks) {
      const out = join(o.work, 'finetune', key, `seed-${seed}`, `${task}.json`);
      if (existsSync(out)) continue;
      const r = await finetuneOne(task, encoderDir, data.get(task)!, pad, seed);
      await writeJson(out, { ...r, encoder: encoderDir, seed, settings: FINETUNE_SETTINGS[task] });
      o.log(
        `finetune ${key} seed ${seed} ${task}: dev acc ${(100 * r.score).toFixed(1)}% (majority ${(100 * r.majority).toFixed(1)}%), ${r.steps} steps, ${(r.trainMs / 1000).toFixed(0)} s (tensors alive: ${tf.memory().numTensors})`,
      );
    }
  }
}

/**
 * The same jobs through the shared SuperGLUE recipes (`finetuneTask` of `@selfevo/superglue-finetuning`),
 * with this grid's sizes as recipe overrides. Differences from `finetuneAll`: the training cap is on
 * model inputs (COPA: 2 per question) and its sample is seeded per seed; `finetuneTask` evaluates
 * after every epoch and keeps the best epoch on dev (so ≤ 2 epochs of dev selection). Results:
 * `<work>/finetune-recipes/<model>/seed-<s>/<TASK>.json`.
 */
export async function finetuneAllWithRecipes(o: {
  work: string;
  vocabPath: string;
  tasks: string[];
  seeds: number[];
  arms: string[];
  includeBase?: boolean;
  log: (s: string) => void;
}): Promise<void> {
  const { finetuneTask, loadEncoderSource, resolveRecipe } = await import('@selfevo/superglue-finetuning');
  const tokenizer = await Tokenizer.fromBertVocab(o.vocabPath);
  const tasks = o.tasks as Task[];
  const jobs: { key: string; seed: number }[] = [];
  for (const seed of o.seeds) for (const key of o.arms) jobs.push({ key, seed });
  if (o.includeBase ?? true) for (const seed of o.seeds) jobs.push({ key: 'base', seed });
  for (const { key, seed } of jobs) {
    const encoderDir =
      key === 'base' ? join(o.work, 'base', 'final') : join(o.work, 'arms', key, `seed-${seed}`, 'final');
    if (!existsSync(join(encoderDir, 'model.safetensors'))) {
      o.log(`finetune (recipes): ${key} seed ${seed}: no checkpoint at ${encoderDir} yet (skipped)`);
      continue;
    }
    const encoder = await loadEncoderSource(encoderDir);
    for (const task of tasks) {
      const out = join(o.work, 'finetune-recipes', key, `seed-${seed}`, `${task}.json`);
      if (existsSync(out)) continue;
      const s = FINETUNE_SETTINGS[task];
      const recipe = resolveRecipe(task, {
        epochs: s.epochs,
        learningRate: s.lr,
        batchSize: task === 'COPA' ? 2 * s.batch : s.batch,
        maxLength: s.maxLength,
        warmupRatio: 0.1,
        weightDecay: 0.01,
        earlyStoppingPatience: 0,
      });
      const r = await finetuneTask({
        task,
        dataDir: join(dataDir, 'superglue'),
        outDir: join(o.work, 'finetune-recipes', key, `seed-${seed}`, `${task}-run`),
        encoder,
        tokenizer,
        recipe,
        seed,
        maxTrainExamples: task === 'COPA' ? 2 * s.maxTrainRecords : s.maxTrainRecords,
        predictTest: false,
        progress: 'none',
        log: () => {},
      });
      const score = r.val.score ?? Number.NaN;
      await writeJson(out, {
        task,
        score,
        majority: r.valMajority.score,
        steps: r.steps,
        bestStep: r.bestStep,
        trainExamples: r.trainExamples,
        valRecords: r.valRecords,
        recipe,
        encoder: encoderDir,
        seed,
        notes: r.notes,
      });
      o.log(
        `finetune (recipes) ${key} seed ${seed} ${task}: dev ${(100 * score).toFixed(1)} (majority ${(100 * (r.valMajority.score ?? Number.NaN)).toFixed(1)}), ${r.steps} steps, best step ${r.bestStep}`,
      );
    }
  }
}
