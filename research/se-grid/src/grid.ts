/**
 * The SE ablation grid, rerun from the project's pretrained base model (@selfevo/encoder-mini-gutenberg):
 * continued pretraining with random vs SE masking × CE vs rectified smooth labels (methods §1.5),
 * SE stage 1 by the paper's rule (NLL > τ = 0.1, the default arms) and by a top-15% budget (ablation),
 * seeds 1–3; held-out MLM loss overall, at [MASK] positions and on the tokens SE selects; SuperGLUE
 * dev scores (CB, COPA, RTE, WiC, WSC) of the base and of the τ-rule arms; paired differences.
 *
 *   node research/se-grid/dist/grid.js                  # everything; rerun to resume
 *   node research/se-grid/dist/grid.js --phase report   # the table and plots from what is done
 *
 * Heavy files go to --work (default research/se-grid/runs, git-ignored); results to --results.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useBackend } from '@selfevo/backend';
import { modelDir } from '@selfevo/encoder-mini-gutenberg/node';
import { BertForMaskedLM } from '@selfevo/encoder-model';
import {
  buildHeldOutSet,
  evaluateHeldOut,
  loadPacked,
  maskingIds,
  packCorpus,
  runPretraining,
  savePacked,
  scoreSelections,
} from '@selfevo/mlm-pretraining';
import { loadSelectionMap } from '@selfevo/self-evolution-masking/node';
import { Tokenizer } from '@selfevo/tokenizer';
import { writeFileAtomic } from '@selfevo/utils/node';
import { ARMS, TASKS } from './arms.js';
import { finetuneModels } from './finetune.js';
import { writeGridReport } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.SELFEVO_DATA ?? resolve(here, '../../../../shared/data');
const flags = {
  base: { type: 'string', default: modelDir, description: 'the base model folder (HF layout + tokenizer)' },
  work: { type: 'string', default: resolve(here, '../runs'), description: 'heavy files (checkpoints, rows)' },
  results: {
    type: 'string',
    default: resolve(here, '../results'),
    description: 'table, plots, results.json',
  },
  phase: { type: 'string', default: 'all', description: 'all | arms | finetune | report' },
  seeds: { type: 'string', default: '1,2,3', description: 'comma-separated seeds' },
  arms: { type: 'string', default: ARMS.map((a) => a.key).join(','), description: 'arms to train' },
  'finetune-arms': {
    type: 'string',
    default: 'base,random-ce,se-ce,random-rect,se-rect',
    description: 'models fine-tuned',
  },
  tasks: { type: 'string', default: TASKS.join(','), description: 'SuperGLUE dev tasks' },
  steps: { type: 'string', default: '80', description: 'continued-training steps per arm' },
  'batch-size': { type: 'string', default: '16', description: 'rows of 128 tokens per step' },
  lr: { type: 'string', default: '3e-4', description: 'peak learning rate (linear warmup and decay)' },
  warmup: { type: 'string', default: '8', description: 'warmup steps' },
  tau: { type: 'string', default: '0.1', description: 'SE stage-1 τ of the default arms' },
  'rows-file': {
    type: 'string',
    default: 'gutenberg.train.03.txt',
    description: 'corpus file of the continued training',
  },
  'held-out-sequences': {
    type: 'string',
    default: '256',
    description: 'held-out rows (gutenberg.valid.txt)',
  },
  help: { type: 'boolean', default: false, description: 'this help' },
} as const;

const { values: a } = parseArgs({ options: flags, strict: true });
if (a.help) {
  const lines = Object.entries(flags).map(
    ([k, v]) =>
      `  --${k.padEnd(20)} ${v.description}${'default' in v && v.type === 'string' ? ` (default ${v.default})` : ''}`,
  );
  process.stdout.write(`usage: node research/se-grid/dist/grid.js [flags]\n${lines.join('\n')}\n`);
  process.exit(0);
}
const positive = (k: keyof typeof flags, integer = true) => {
  const v = Number(a[k]);
  if (!(v > 0) || (integer && !Number.isInteger(v)))
    throw new Error(`--${k}: expected a positive ${integer ? 'integer' : 'number'}, got ${String(a[k])}`);
  return v;
};
const steps = positive('steps');
const B = positive('batch-size');
const lr = positive('lr', false);
const warmup = Number(a.warmup);
const tau = positive('tau', false);
const seeds = a.seeds.split(',').map((s) => {
  if (!/^\d+$/.test(s)) throw new Error(`--seeds: expected integers, got ${s}`);
  return Number(s);
});
const arms = a.arms.split(',').map((k) => {
  const arm = ARMS.find((x) => x.key === k);
  if (!arm) throw new Error(`--arms: unknown arm ${k} (${ARMS.map((x) => x.key).join(', ')})`);
  return arm;
});
const tasks = a.tasks.split(',').map((t) => {
  if (!(TASKS as readonly string[]).includes(t))
    throw new Error(`--tasks: unknown task ${t} (${TASKS.join(', ')})`);
  return t as (typeof TASKS)[number];
});
if (!['all', 'arms', 'finetune', 'report'].includes(a.phase))
  throw new Error(`--phase: expected all | arms | finetune | report, got ${a.phase}`);
const work = resolve(a.work);
const results = resolve(a.results);
const base = resolve(a.base);
const want = (p: string) => a.phase === 'all' || a.phase === p;
const say = (s: string) => process.stderr.write(`[se-grid ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const json = (path: string, v: unknown) => writeFileAtomic(path, `${JSON.stringify(v, null, 2)}\n`);

await mkdir(work, { recursive: true });
const backend = await useBackend('auto');
say(`backend ${backend.backend}; base ${base}; work ${work}`);
const tokenizer = await Tokenizer.fromPretrained(base);
const ids = maskingIds(tokenizer);

async function rows(name: string, file: string, maxSequences: number) {
  const path = join(work, name);
  if (existsSync(path)) return (await loadPacked(path)).packed;
  const { packed } = await packCorpus([join(dataDir, 'corpus', file)], tokenizer, {
    seqLength: 128,
    maxSequences,
  });
  await savePacked(path, packed, { file, maxSequences });
  return packed;
}
const armRows = await rows('arm-rows.bin', a['rows-file'], steps * B);
const heldRows = await rows('held-out-rows.bin', 'gutenberg.valid.txt', positive('held-out-sequences'));
/** Rows per held-out batch: the masks depend on it, and isSelected maps batch positions back to rows. */
const HELD_OUT_BATCH = 16;
const heldOut = buildHeldOutSet(heldRows, { ...ids, seed: 1234, batchSize: HELD_OUT_BATCH });
say(
  `arm rows ${armRows.count}; held-out rows ${heldRows.count}, ${heldOut.numMasked} masked (fingerprint ${heldOut.fingerprint})`,
);

// SE stage 1 with the base model: the τ rule and the top-15% budget over the arm rows, and the τ
// rule over the (unmasked) held-out rows, to score every model on the tokens SE selects.
const stage1Path = join(work, 'stage1.json');
if (!existsSync(stage1Path)) {
  const { model } = await BertForMaskedLM.fromPretrained(base, { onProgress: false });
  const common = { specialTokenIds: ids.specialTokenIds, progress: 'none' as const };
  const tauStats = await scoreSelections(model, armRows, {
    ...common,
    path: join(work, 'sel-tau.jsonl'),
    criterion: 'nll',
    threshold: tau,
  });
  const topkStats = await scoreSelections(model, armRows, {
    ...common,
    path: join(work, 'sel-topk.jsonl'),
    criterion: 'topk',
    topKRatio: 0.15,
  });
  const heldStats = await scoreSelections(model, heldRows, {
    ...common,
    path: join(work, 'sel-held-out.jsonl'),
    criterion: 'nll',
    threshold: tau,
  });
  model.dispose();
  await json(stage1Path, { tau, tauStats, topkStats, heldStats });
  say(
    `stage 1: τ = ${tau} selects ${(100 * tauStats.selectedShare).toFixed(1)}% of the arm rows' tokens (${(100 * heldStats.selectedShare).toFixed(1)}% held out); top-k 15%`,
  );
}
const heldSel = await loadSelectionMap(join(work, 'sel-held-out.jsonl'));
// held-out batch bi holds rows HELD_OUT_BATCH·bi … ; a masked flat position p = b·T + t of that batch is "SE-selected"
// when the base model's stage 1 selected token t of row 16·bi + b.
const selected = new Set<string>();
for (const [row, positions] of heldSel) for (const t of positions) selected.add(`${row}:${t}`);
const isSelected = (bi: number, p: number) =>
  selected.has(`${bi * HELD_OUT_BATCH + Math.floor(p / 128)}:${p % 128}`);

async function scoreModel(dir: string) {
  const { model } = await BertForMaskedLM.fromPretrained(dir, { onProgress: false });
  const all = evaluateHeldOut(model, heldOut);
  const atMask = evaluateHeldOut(model, heldOut, { positions: 'mask', maskTokenId: ids.maskTokenId });
  const onSelected = evaluateHeldOut(model, heldOut, { positions: isSelected });
  model.dispose();
  return { all, atMask, onSelected, fingerprint: heldOut.fingerprint };
}

if (!existsSync(join(work, 'base-eval.json')))
  await json(join(work, 'base-eval.json'), await scoreModel(base));

if (want('arms')) {
  const sels = {
    tau: await loadSelectionMap(join(work, 'sel-tau.jsonl')),
    topk: await loadSelectionMap(join(work, 'sel-topk.jsonl')),
  };
  for (const seed of seeds)
    for (const arm of arms) {
      const dir = join(work, 'arms', arm.key, `seed-${seed}`);
      if (existsSync(join(dir, 'eval.json'))) continue;
      say(`arm ${arm.label}, seed ${seed}: ${steps} steps × ${B} rows`);
      const { model } = await BertForMaskedLM.fromPretrained(base, { onProgress: false, seed });
      const r = await runPretraining({
        model,
        train: armRows,
        heldOut,
        masking: arm.masking,
        loss: arm.loss,
        selections: arm.selection ? sels[arm.selection] : undefined,
        ids,
        batchSize: B,
        maxSteps: steps,
        optimizer: { lr, weightDecay: 0.01, eps: 1e-6 },
        schedule: { schedule: 'linear', peakLr: lr, warmupSteps: warmup },
        evalEverySteps: Math.max(1, Math.round(steps / 2)),
        saveEverySteps: Math.max(1, Math.round(steps / 2)),
        saveTotalLimit: 1,
        logEverySteps: 5,
        outputDir: dir,
        seed,
        progress: 'none',
      });
      model.dispose();
      const e = await scoreModel(join(dir, 'final'));
      await json(join(dir, 'eval.json'), {
        ...e,
        budget: r.budget,
        medianStepMs: r.medianStepMs,
        arm: arm.key,
        seed,
      });
      say(
        `  → held-out loss ${e.all.loss.toFixed(4)} ([MASK] ${e.atMask.loss.toFixed(4)}, SE-selected ${e.onSelected.loss.toFixed(4)}), ${r.budget.maskedTokens} masked tokens, ${r.medianStepMs?.toFixed(0)} ms/step`,
      );
    }
}

if (want('finetune')) {
  const models = a['finetune-arms'].split(',');
  await finetuneModels({ work, base, dataDir, tokenizer, models, seeds, tasks, log: say });
}

if (want('report') || a.phase === 'all') {
  await writeGridReport({
    work,
    results,
    seeds,
    tasks,
    settings: { ...a, base, work: undefined, results: undefined },
  });
  say(`report written to ${results}`);
}
