import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { useBackend } from '@selfevo/backend';
import { GradientNotRegisteredError } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from './checkpoint-dirs.js';
import { computeGradients } from './compute-gradients.js';
import { ResumeError } from './errors.js';
import { type Batch, collate, makeExamples, makeSource, mseLoss, TinyMlp } from './test-fixtures/tiny-mlp.js';
import { type TrainOptions, train } from './train.js';
import type { LossFn } from './types.js';

beforeAll(async () => {
  await useBackend('cpu');
});

function options(
  model: TinyMlp,
  extra: Partial<TrainOptions<TinyMlp, Batch>> = {},
): TrainOptions<TinyMlp, Batch> {
  return {
    model,
    lossFn: mseLoss,
    trainData: makeSource(64, 4),
    optimizer: { lr: 0.01 },
    maxSteps: 5,
    progress: 'none',
    ...extra,
  };
}

/** mseLoss, but the `failAt`-th call (1-based) throws after building its forward pass. */
function failingLoss(failAt: number, error: Error): LossFn<TinyMlp, Batch> & { calls: number } {
  const f = (model: TinyMlp, batch: Batch, training: boolean, ctx: Parameters<typeof mseLoss>[3]) => {
    f.calls++;
    const loss = mseLoss(model, batch, training, ctx);
    if (f.calls === failAt) throw error;
    return loss;
  };
  f.calls = 0;
  return f;
}

describe('a failed gradient computation', () => {
  it('computeGradients: a loss that throws leaves no tensor behind', () => {
    const model = new TinyMlp(2);
    const batch = collate(makeExamples(4, 1));
    const before = tf.memory().numTensors;
    const boom = new Error('loss failed');
    expect(() => computeGradients(model, failingLoss(1, boom), batch)).toThrow(boom);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('train(): a loss that throws on the 3rd micro-batch of a step (after 2 were accumulated) leaks nothing', async () => {
    const model = new TinyMlp(3);
    const boom = new Error('micro-batch 3 failed');
    const loss = failingLoss(3, boom);
    const before = tf.memory().numTensors;
    await expect(train(options(model, { lossFn: loss, gradientAccumulationSteps: 4 }))).rejects.toBe(boom);
    expect(loss.calls).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    // and in a later step (the first steps' updates done, their optimizer state freed with it)
    const later = failingLoss(11, boom);
    await expect(train(options(model, { lossFn: later, gradientAccumulationSteps: 4 }))).rejects.toBe(boom);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('train(): tfjs without registered gradients stops with GradientNotRegisteredError (call useBackend()), no leak', async () => {
    const model = new TinyMlp(4);
    const tanhGrad = tf.getGradient('Tanh')!;
    tf.unregisterGradient('Tanh'); // a process that never called useBackend()
    const before = tf.memory().numTensors;
    try {
      const run = train(options(model, { gradientAccumulationSteps: 2 }));
      await expect(run).rejects.toBeInstanceOf(GradientNotRegisteredError);
      await expect(run).rejects.toThrow(/useBackend\(\) from @selfevo\/backend/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.registerGradient(tanhGrad);
    }
    model.dispose();
  });
});

// ---------------------------------------------------------------------------------------------
// Resume with damaged checkpoints

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Options of the resume tests: 6 steps, a checkpoint every 2. */
function resumeOptions(model: TinyMlp, outputDir: string, extra: Partial<TrainOptions<TinyMlp, Batch>> = {}) {
  return options(model, { maxSteps: 6, saveEverySteps: 2, logEverySteps: 1, outputDir, seed: 5, ...extra });
}

/** A run that crashed after step 5: checkpoint-2 and checkpoint-4 are on disk. */
async function crashedRun(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'selfevo-faults-'));
  dirs.push(out);
  const model = new TinyMlp(6);
  const crash = new Error('crash');
  const onStepEnd = ({ step }: { step: number }) => {
    if (step === 5) throw crash;
  };
  await expect(train(resumeOptions(model, out, { callbacks: [{ onStepEnd }] }))).rejects.toBe(crash);
  model.dispose();
  expect((await readdir(out)).filter((n) => n.startsWith('checkpoint-')).sort()).toEqual([
    'checkpoint-2',
    'checkpoint-4',
  ]);
  return out;
}

/** Captures what the trainer writes to its progress stream. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

type Damage = (ckpt: string) => Promise<void>;
const truncate =
  (file: string, keep: (n: number) => number): Damage =>
  async (ckpt) => {
    const bytes = await readFile(join(ckpt, file));
    await writeFile(join(ckpt, file), bytes.subarray(0, keep(bytes.length)));
  };
const trainerState =
  (edit: (s: Record<string, unknown>) => void): Damage =>
  async (ckpt) => {
    const file = join(ckpt, 'trainer_state.json');
    const s = JSON.parse(await readFile(file, 'utf8'));
    edit(s.extra.trainer);
    await writeFile(file, JSON.stringify(s));
  };

// [what, damage done to the newest checkpoint, the file the reason must name]
const damages: [string, Damage, string][] = [
  ['model.safetensors truncated', truncate('model.safetensors', (n) => n >> 1), 'model.safetensors'],
  [
    'optimizer.safetensors truncated',
    truncate('optimizer.safetensors', (n) => n - 3),
    'optimizer.safetensors',
  ],
  ['trainer_state.json missing', (c) => rm(join(c, 'trainer_state.json')), 'trainer_state.json'],
  [
    'trainer_state.json garbled',
    (c) => writeFile(join(c, 'trainer_state.json'), '{"format":'),
    'trainer_state.json',
  ],
  [
    'half-written folder (a partial weights file only)',
    async (c) => {
      for (const f of ['optimizer.safetensors', 'trainer_state.json']) await rm(join(c, f));
      await truncate('model.safetensors', () => 40)(c);
    },
    'trainer_state.json',
  ],
  [
    'trainer state with a garbled data position',
    trainerState((s) => {
      s.batchIndex = 'x';
    }),
    'trainer_state.json',
  ],
  [
    'trainer state with a negative step',
    trainerState((s) => {
      s.step = -4;
    }),
    'trainer_state.json',
  ],
];

describe('resume with damaged checkpoints', () => {
  let reference: Record<string, number[]>;
  beforeAll(async () => {
    const out = await mkdtemp(join(tmpdir(), 'selfevo-faults-ref-'));
    dirs.push(out);
    const model = new TinyMlp(6);
    await train(resumeOptions(model, out));
    reference = model.snapshot();
    model.dispose();
  });

  it.each(damages)(
    "%s: resumeFrom 'latest' falls back to the previous checkpoint, says which it skipped and why, and keeps the damaged one aside",
    async (_what, damage, file) => {
      const out = await crashedRun();
      const newest = join(out, 'checkpoint-4');
      await damage(newest);
      const damagedFiles = (await readdir(newest)).sort();
      const model = new TinyMlp(99);
      const progress = capture();
      const before = tf.memory().numTensors;
      const r = await train(
        resumeOptions(model, out, { resumeFrom: 'latest', progressStream: progress.stream }),
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(r.resumedFromStep).toBe(2);
      expect(model.snapshot()).toEqual(reference); // the run still ends exactly as an uninterrupted one
      expect(r.skippedCheckpoints).toHaveLength(1);
      const [skipped] = r.skippedCheckpoints;
      expect(skipped.dir).toBe(newest);
      expect(skipped.reason).toContain(file);
      // never deleted: moved aside (out of the way of new saves and rotation), with its files
      expect(skipped.movedTo).toMatch(/checkpoint-4\.damaged-/);
      expect((await readdir(skipped.movedTo!)).sort()).toEqual(damagedFiles);
      expect(progress.text()).toContain(`skipped damaged checkpoint ${newest}`);
      expect(progress.text()).toContain(skipped.movedTo!);
      // the run saved a fresh checkpoint-4 and -6; the damaged one is not listed as a checkpoint
      expect((await listCheckpoints(out)).map((c) => c.step)).toEqual([2, 4, 6]);
      model.dispose();
    },
  );

  it('a damaged checkpoint named explicitly is a ResumeError naming the file, and it is left where it is', async () => {
    const out = await crashedRun();
    const newest = join(out, 'checkpoint-4');
    await truncate('model.safetensors', (n) => n - 10)(newest);
    const model = new TinyMlp(99);
    const before = model.snapshot();
    const run = train(resumeOptions(model, out, { resumeFrom: newest }));
    await expect(run).rejects.toBeInstanceOf(ResumeError);
    await expect(run).rejects.toThrow(join(newest, 'model.safetensors'));
    expect(model.snapshot()).toEqual(before); // nothing was loaded
    expect((await readdir(out)).filter((n) => n.startsWith('checkpoint-')).sort()).toEqual([
      'checkpoint-2',
      'checkpoint-4',
    ]);
    model.dispose();
  });

  it("when every checkpoint is damaged, resumeFrom 'latest' is a ResumeError listing each, and nothing is moved", async () => {
    const out = await crashedRun();
    await rm(join(out, 'checkpoint-4', 'trainer_state.json'));
    await truncate('model.safetensors', () => 9)(join(out, 'checkpoint-2'));
    const model = new TinyMlp(99);
    const run = train(resumeOptions(model, out, { resumeFrom: 'latest' }));
    await expect(run).rejects.toBeInstanceOf(ResumeError);
    await expect(run).rejects.toThrow(/no valid checkpoint/);
    await expect(run).rejects.toThrow(join(out, 'checkpoint-4', 'trainer_state.json'));
    await expect(run).rejects.toThrow(join(out, 'checkpoint-2', 'model.safetensors'));
    expect((await readdir(out)).filter((n) => n.startsWith('checkpoint-')).sort()).toEqual([
      'checkpoint-2',
      'checkpoint-4',
    ]);
    model.dispose();
  });

  it('the leftovers of a killed save or log rewrite (.tmp-*, .old-*, the log temp file) are cleaned at start', async () => {
    const out = await crashedRun();
    await mkdir(join(out, 'checkpoint-6.tmp-123-abc-def'));
    await writeFile(join(out, 'checkpoint-6.tmp-123-abc-def', 'model.safetensors'), 'partial');
    await cp(join(out, 'checkpoint-4'), join(out, 'checkpoint-4.old-123-abc-def'), { recursive: true });
    await writeFile(join(out, '.log.jsonl.123.0123456789ab.tmp'), '{"type":"train","st');
    const model = new TinyMlp(99);
    const r = await train(resumeOptions(model, out, { resumeFrom: 'latest' }));
    expect(r.resumedFromStep).toBe(4);
    expect(r.skippedCheckpoints).toEqual([]);
    expect((await readdir(out)).sort()).toEqual([
      'checkpoint-2',
      'checkpoint-4',
      'checkpoint-6',
      'log.jsonl',
    ]);
    expect(model.snapshot()).toEqual(reference);
    model.dispose();
  });
});
