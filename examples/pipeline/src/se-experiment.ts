/**
 * The SE ablation grid (methods §1.5), end to end and resumable — one command:
 *
 *   npm run build && node examples/pipeline/dist/se-experiment.js
 *
 * 1. corpus vocabulary (8k WordPiece pieces) + packed rows (train.00 for the base run, train.01
 *    for continued training, valid for the held-out set);
 * 2. base: a tiny encoder pretrained from scratch with vanilla MLM;
 * 3. SE stage 1 with the base model over the continued-training rows (budgeted top-k by NLL, the
 *    same 15% per row as random masking; plus the τ = 0.1 share on a sample, for the record);
 * 4. the grid: {random, SE} masks × {CE, rectified smooth labels}, same start, same steps, same
 *    rows, seeds 1..3; held-out MLM loss/accuracy on the same masked text for every run;
 * 5. plain fine-tuning of every checkpoint on RTE, CB, COPA, WiC (`se-finetune.ts`);
 * 6. the report: results/se-grid/README.md table (mean ± std), results.json, curves (SVG/PNG).
 *
 * Every phase skips what is already done (a `result.json` per run; checkpoints resume exactly), so
 * after a kill the same command continues. Heavy files go to `--work` (default
 * examples/pipeline/runs/se-grid, git-ignored); small results to `--results`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useBackend } from '@selfevo/backend';
import {
  buildHeldOutSet,
  evaluateHeldOut,
  type PretrainingRunResult,
  runPretraining,
  scoreSelections,
  sliceSequences,
} from '@selfevo/mlm-pretraining';
import { loadSelectionMap } from '@selfevo/self-evolution-masking/node';
import type { ProgressMode } from '@selfevo/trainer';
import { plotTrainingLog } from '@selfevo/training-plots';
import * as tf from '@tensorflow/tfjs-core';
import {
  corpusFile,
  dataDir,
  loadMlmModel,
  modelShapeFlags,
  newMlmModel,
  packedRows,
  prepareTokenizer,
} from './pretrain-lib.js';
import { writeJson } from './se-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const flags = {
  work: { type: 'string', default: resolve(here, '../runs/se-grid') },
  results: { type: 'string', default: resolve(here, '../results/se-grid') },
  phase: { type: 'string', default: 'all' },
  ...modelShapeFlags,
  'base-steps': { type: 'string', default: '300' },
  'base-lr': { type: 'string', default: '1e-3' },
  'base-warmup': { type: 'string', default: '30' },
  'base-eval-every': { type: 'string', default: '50' },
  'arm-steps': { type: 'string', default: '30' },
  'arm-lr': { type: 'string', default: '3e-4' },
  'arm-warmup': { type: 'string', default: '3' },
  'arm-eval-every': { type: 'string', default: '10' },
  seeds: { type: 'string', default: '1,2,3' },
  'held-out-sequences': { type: 'string', default: '64' },
  'held-out-seed': { type: 'string', default: '1234' },
  'finetune-tasks': { type: 'string', default: 'RTE,CB,COPA,WiC' },
  /** `plain` (se-finetune.ts), `recipes` (@selfevo/superglue-finetuning) or `both`. */
  'finetune-impl': { type: 'string', default: 'both' },
  backend: { type: 'string', default: 'auto' },
  progress: { type: 'string', default: 'auto' },
  help: { type: 'boolean', default: false },
} as const;
const { values: a } = parseArgs({ options: flags, strict: true });
if (a.help) {
  process.stdout.write(
    `usage: node dist/se-experiment.js [flags]\n${Object.entries(flags)
      .map(([k, v]) => `  --${k}${'default' in v && v.default !== '' ? ` (default ${v.default})` : ''}`)
      .join('\n')}\n`,
  );
  process.exit(0);
}
const num = (k: keyof typeof flags) => {
  const v = Number(a[k]);
  if (!Number.isFinite(v)) throw new Error(`--${k}: expected a number, got ${String(a[k])}`);
  return v;
};
const progress = a.progress as ProgressMode;
const work = resolve(a.work);
const results = resolve(a.results);
const T = num('seq-length');
const B = num('batch-size');
const baseSteps = num('base-steps');
const armSteps = num('arm-steps');
const seeds = a.seeds.split(',').map(Number);
const say = (s: string) =>
  process.stderr.write(`[se-experiment ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

export const ARMS = [
  { key: 'random-ce', label: 'random mask + CE', masking: 'random', loss: 'ce' },
  { key: 'se-ce', label: 'SE mask + CE', masking: 'se', loss: 'ce' },
  { key: 'random-rect', label: 'random mask + rectified', masking: 'random', loss: 'rectified' },
  { key: 'se-rect', label: 'SE mask + rectified', masking: 'se', loss: 'rectified' },
] as const;

await mkdir(work, { recursive: true });
await mkdir(results, { recursive: true });
const backend = await useBackend(a.backend as 'auto' | 'wasm' | 'cpu');
say(`backend ${JSON.stringify(backend)}; work ${work}; results ${results}`);

// 1. Tokenizer and rows.
const trainFiles = [corpusFile('gutenberg.train.00.txt')];
const { tokenizer, ids, built } = await prepareTokenizer({
  vocabPath: join(work, 'vocab.txt'),
  baseVocabPath: join(dataDir, 'vocab', 'bert-base-uncased', 'vocab.txt'),
  files: trainFiles,
  vocabBytes: num('vocab-bytes'),
  vocabSize: num('vocab-size'),
  progress,
});
if (built) await writeJson(join(work, 'vocab-report.json'), built);
const baseRows = await packedRows(join(work, 'base-rows.bin'), trainFiles, tokenizer, {
  seqLength: T,
  maxSequences: baseSteps * B,
  progress,
});
const armRows = await packedRows(
  join(work, 'arm-rows.bin'),
  [corpusFile('gutenberg.train.01.txt')],
  tokenizer,
  {
    seqLength: T,
    maxSequences: armSteps * B,
    progress,
  },
);
const heldRows = await packedRows(
  join(work, 'held-out-rows.bin'),
  [corpusFile('gutenberg.valid.txt')],
  tokenizer,
  {
    seqLength: T,
    maxSequences: num('held-out-sequences'),
    progress,
  },
);
const heldOut = buildHeldOutSet(heldRows.packed, { ...ids, seed: num('held-out-seed') });
say(
  `vocab ${ids.vocabSize}; base rows ${baseRows.packed.count}, arm rows ${armRows.packed.count}, held-out rows ${heldRows.packed.count} (${heldOut.numMasked} masked tokens, fingerprint ${heldOut.fingerprint})`,
);
await writeJson(join(work, 'data.json'), {
  vocab: ids.vocabSize,
  seqLength: T,
  base: baseRows.meta,
  arms: armRows.meta,
  heldOut: {
    ...heldRows.meta,
    numMasked: heldOut.numMasked,
    fingerprint: heldOut.fingerprint,
    seed: heldOut.seed,
  },
});
const modelOpts = {
  vocabSize: ids.vocabSize,
  hidden: num('hidden'),
  layers: num('layers'),
  heads: num('heads'),
  ffn: num('ffn'),
  seqLength: T,
  dropout: 0.1,
};
const phase = a.phase;
const want = (p: string) =>
  phase === 'all' || phase === p || (phase === 'pretrain' && ['base', 'stage1', 'arms'].includes(p));

// 2. Base pretraining.
const baseDir = join(work, 'base');
if (want('base') && !existsSync(join(baseDir, 'result.json'))) {
  say(`base: vanilla MLM from scratch, ${baseSteps} steps × ${B} × ${T}`);
  const model = newMlmModel(modelOpts, 0);
  const baseLr = num('base-lr');
  const r = await runPretraining({
    model,
    train: baseRows.packed,
    heldOut,
    masking: 'random',
    loss: 'ce',
    ids,
    batchSize: B,
    maxSteps: baseSteps,
    optimizer: { lr: baseLr, weightDecay: 0.01, eps: 1e-6 },
    schedule: { schedule: 'linear', peakLr: baseLr, warmupSteps: num('base-warmup') },
    evalEverySteps: num('base-eval-every'),
    saveTotalLimit: 2,
    logEverySteps: 20,
    outputDir: baseDir,
    seed: 0,
    progress,
  });
  model.dispose();
  say(`base done: held-out loss ${r.heldOut?.loss.toFixed(4)}, accuracy ${r.heldOut?.accuracy.toFixed(4)}`);
}
if (existsSync(join(baseDir, 'log.jsonl')))
  await plotTrainingLog(join(baseDir, 'log.jsonl'), results, {
    name: 'base-pretraining-curves',
    title: 'Base pretraining (vanilla MLM from scratch)',
  });
const baseFinal = join(baseDir, 'final');

// 3. SE stage 1 with the base model.
const selPath = join(work, 'se-selection.jsonl');
const stage1Path = join(work, 'stage1.json');
if ((want('arms') || want('stage1')) && existsSync(baseFinal) && !existsSync(stage1Path)) {
  const base = await loadMlmModel(baseFinal, 0);
  say('SE stage 1: top-k (15%) by NLL over the continued-training rows');
  const topk = await scoreSelections(base, armRows.packed, {
    path: selPath,
    specialTokenIds: ids.specialTokenIds,
    criterion: 'topk',
    topKRatio: 0.15,
    progress,
    meta: { model: baseFinal },
  });
  const sample = sliceSequences(armRows.packed, 0, Math.min(128, armRows.packed.count));
  const tau = await scoreSelections(base, sample, {
    path: join(work, 'se-selection-nll-tau0.1-sample.jsonl'),
    specialTokenIds: ids.specialTokenIds,
    criterion: 'nll',
    threshold: 0.1,
    progress,
  });
  base.dispose();
  await writeJson(stage1Path, { topk, nllTau01Sample: tau });
  say(
    `stage 1: ${Math.round(topk.tokensPerSecond)} tokens/s; top-k selected ${(100 * topk.selectedShare).toFixed(1)}%; with τ = 0.1 the rule would select ${(100 * tau.selectedShare).toFixed(1)}%`,
  );
}

// 4. The grid.
if (want('arms') && existsSync(baseFinal)) {
  const selections = await loadSelectionMap(selPath);
  const armLr = num('arm-lr');
  for (const seed of seeds)
    for (const arm of ARMS) {
      const dir = join(work, 'arms', arm.key, `seed-${seed}`);
      if (existsSync(join(dir, 'result.json'))) continue;
      say(`arm ${arm.label}, seed ${seed}: ${armSteps} steps (tensors alive: ${tf.memory().numTensors})`);
      const model = await loadMlmModel(baseFinal, seed);
      const r: PretrainingRunResult = await runPretraining({
        model,
        train: armRows.packed,
        heldOut,
        masking: arm.masking,
        loss: arm.loss,
        selections: arm.masking === 'se' ? selections : undefined,
        ids,
        batchSize: B,
        maxSteps: armSteps,
        optimizer: { lr: armLr, weightDecay: 0.01, eps: 1e-6 },
        schedule: { schedule: 'linear', peakLr: armLr, warmupSteps: num('arm-warmup') },
        evalEverySteps: num('arm-eval-every'),
        saveTotalLimit: 1,
        logEverySteps: 5,
        outputDir: dir,
        seed,
        progress,
      });
      model.dispose();
      say(
        `  → held-out loss ${r.heldOut?.loss.toFixed(4)}, acc ${r.heldOut?.accuracy.toFixed(4)}, masked tokens ${r.budget.maskedTokens}, median step ${r.medianStepMs?.toFixed(0)} ms`,
      );
    }
}

// Base model's held-out numbers (the common starting point), for the table.
if (existsSync(baseFinal) && !existsSync(join(work, 'base-held-out.json'))) {
  const base = await loadMlmModel(baseFinal, 0);
  await writeJson(join(work, 'base-held-out.json'), {
    ...evaluateHeldOut(base, heldOut),
    fingerprint: heldOut.fingerprint,
  });
  base.dispose();
}

// 5. Fine-tuning.
if (want('finetune') && existsSync(baseFinal)) {
  const { finetuneAll, finetuneAllWithRecipes } = await import('./se-finetune.js');
  const jobs = {
    work,
    vocabPath: join(work, 'vocab.txt'),
    tasks: a['finetune-tasks'].split(','),
    seeds,
    arms: ARMS.map((x) => x.key),
    log: say,
  };
  const impl = a['finetune-impl'];
  if (!['plain', 'recipes', 'both'].includes(impl))
    throw new Error(`--finetune-impl: expected plain | recipes | both, got ${impl}`);
  if (impl !== 'recipes') await finetuneAll(jobs);
  if (impl !== 'plain') await finetuneAllWithRecipes(jobs);
}

// 6. Report.
if (want('report')) {
  const { writeReport } = await import('./se-report.js');
  const config = JSON.parse(await readFile(join(work, 'data.json'), 'utf8'));
  await writeReport({
    work,
    results,
    arms: [...ARMS],
    seeds,
    settings: { ...Object.fromEntries(Object.entries(a)), data: config },
  });
  say(`report written to ${results}`);
}
