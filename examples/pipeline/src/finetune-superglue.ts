#!/usr/bin/env node
// Fine-tune an encoder checkpoint (or a seeded random init) on the SuperGLUE tasks, score val
// against the majority class, predict test, write a validated submission zip and report.md/json.
//
//   node examples/pipeline/dist/finetune-superglue.js --model runs/tiny-encoder --tasks CB,RTE --quick
//   node examples/pipeline/dist/finetune-superglue.js --help
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useBackend } from '@selfevo/backend';
import { makeConfig } from '@selfevo/encoder-model';
import { SCORED_TASKS, type ScoredTaskName } from '@selfevo/superglue-datasets';
import {
  type EncoderSource,
  loadEncoderSource,
  resolveRecipe,
  runSuperGlue,
  TASK_RECIPES,
  type TaskRecipe,
} from '@selfevo/superglue-finetuning';
import { Tokenizer } from '@selfevo/tokenizer';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SHARED_DATA = process.env.SELFEVO_DATA ?? resolve(REPO_ROOT, '../shared/data');

const USAGE = `Usage: finetune-superglue [options]

Fine-tunes an encoder on the SuperGLUE tasks (formulations of @selfevo/superglue-datasets, metrics of
@selfevo/superglue-eval), scores val next to the majority-class baseline, predicts every test file
(AX-b and AX-g with the RTE model), writes <out>/submission.zip, validates it, and writes
<out>/report.md and <out>/report.json. Tasks without a train file are skipped (majority class).

Model and data
  --model DIR            checkpoint folder in HF layout (config.json + model.safetensors, as written
                         by savePretrained); default: a seeded random init (see --hidden-size ...)
  --tokenizer PATH       folder, tokenizer.json or vocab.txt; default: the --model folder's
                         tokenizer files, else ${join('<data>', 'vocab', 'bert-base-uncased', 'tokenizer.json')}
  --data DIR             SuperGLUE folder with <TASK>/{train,val,test}.jsonl
                         (default: $SUPERGLUE_DIR, else $SELFEVO_DATA/superglue = ${join(SHARED_DATA, 'superglue')})
  --out DIR              output folder (default runs/superglue)
  --tasks LIST           comma-separated tasks to fine-tune (default all: ${SCORED_TASKS.join(',')})

Recipe (defaults per task: see the table below; these override every selected task)
  --epochs N  --lr X  --batch-size N  --max-length N  --warmup-ratio X  --weight-decay X
  --patience N           early stopping after N evaluations without improvement (0 = off)
  --max-train-examples N cap on training inputs per task (seeded sample of whole groups)
  --max-eval-records N   cap on val records per task (model and majority scored on the same ones)
  --quick                1 epoch, inputs <= 128 tokens, and unless given --max-train-examples 256
                         and --max-eval-records 200: a demo run of a few minutes

Random init (when --model is not given)
  --hidden-size N (64)  --layers N (2)  --heads N (2)  --intermediate-size N (4 x hidden)

Run
  --seed N               seed of heads, dropout, data order and caps (default 42)
  --backend NAME         auto | wasm | cpu (default auto: wasm in Node without a GPU)
  --progress MODE        auto | bar | lines | none (default auto: a bar on a TTY)
  -h, --help

Per-task defaults:
${formatRecipeTable()}
`;

function formatRecipeTable(): string {
  const rows = SCORED_TASKS.map((t) => {
    const r = TASK_RECIPES[t];
    return `  ${t.padEnd(8)} epochs ${String(r.epochs).padStart(2)}  lr ${r.learningRate.toExponential(0)}  batch ${String(r.batchSize).padStart(2)}  max length ${r.maxLength}  warmup ${r.warmupRatio}  weight decay ${r.weightDecay}`;
  });
  return rows.join('\n');
}

class UsageError extends Error {}

function num(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x)))
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`,
    );
  return x;
}

async function loadTokenizer(path: string): Promise<Tokenizer> {
  if (!existsSync(path)) throw new UsageError(`--tokenizer ${path}: no such file or folder`);
  if (statSync(path).isDirectory()) return Tokenizer.fromPretrained(path);
  if (path.endsWith('.json')) return Tokenizer.fromFile(path);
  if (path.endsWith('.txt')) return Tokenizer.fromBertVocab(path);
  throw new UsageError(`--tokenizer ${path}: expected a folder, a tokenizer.json or a vocab.txt`);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string', default: 'runs/superglue' },
      tasks: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      'batch-size': { type: 'string' },
      'max-length': { type: 'string' },
      'warmup-ratio': { type: 'string' },
      'weight-decay': { type: 'string' },
      patience: { type: 'string' },
      'max-train-examples': { type: 'string' },
      'max-eval-records': { type: 'string' },
      quick: { type: 'boolean', default: false },
      'hidden-size': { type: 'string' },
      layers: { type: 'string' },
      heads: { type: 'string' },
      'intermediate-size': { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      progress: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const backend = values.backend!;
  if (!['auto', 'wasm', 'cpu'].includes(backend))
    throw new UsageError(`--backend must be auto, wasm or cpu, got ${backend}`);
  const progress = values.progress!;
  if (!['auto', 'bar', 'lines', 'none'].includes(progress))
    throw new UsageError(`--progress must be auto, bar, lines or none, got ${progress}`);
  let tasks: ScoredTaskName[] | undefined;
  if (values.tasks) {
    tasks = values.tasks
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean) as ScoredTaskName[];
    for (const t of tasks)
      if (!(SCORED_TASKS as readonly string[]).includes(t))
        throw new UsageError(
          `--tasks: unknown task ${JSON.stringify(t)} (choose from ${SCORED_TASKS.join(', ')})`,
        );
  }
  const overrides: Partial<TaskRecipe> = {
    epochs: num('epochs', values.epochs, false),
    learningRate: num('lr', values.lr, false),
    batchSize: num('batch-size', values['batch-size'], true),
    maxLength: num('max-length', values['max-length'], true),
    warmupRatio: num('warmup-ratio', values['warmup-ratio'], false),
    weightDecay: num('weight-decay', values['weight-decay'], false),
    earlyStoppingPatience: num('patience', values.patience, true),
  };
  for (const t of SCORED_TASKS) resolveRecipe(t, overrides, values.quick); // range errors before any work
  const quick = values.quick!;
  const maxTrainExamples =
    num('max-train-examples', values['max-train-examples'], true) ?? (quick ? 256 : undefined);
  const maxEvalRecords =
    num('max-eval-records', values['max-eval-records'], true) ?? (quick ? 200 : undefined);
  const seed = num('seed', values.seed, true) ?? 42;
  const dataDir = resolve(values.data ?? process.env.SUPERGLUE_DIR ?? join(SHARED_DATA, 'superglue'));
  if (!existsSync(dataDir)) throw new UsageError(`--data ${dataDir}: no such folder`);

  const choice = await useBackend(backend as 'auto');
  process.stderr.write(`backend: ${choice.backend} (${choice.reason})\n`);

  const modelDir = values.model ? resolve(values.model) : undefined;
  if (modelDir && !existsSync(join(modelDir, 'config.json')))
    throw new UsageError(
      `--model ${modelDir}: no config.json there (expected an HF-layout folder from savePretrained)`,
    );
  const tokenizerPath =
    values.tokenizer ??
    (modelDir && ['tokenizer.json', 'vocab.txt'].some((f) => existsSync(join(modelDir, f)))
      ? modelDir
      : join(SHARED_DATA, 'vocab', 'bert-base-uncased', 'tokenizer.json'));
  const tokenizer = await loadTokenizer(tokenizerPath);

  let encoder: EncoderSource;
  if (modelDir) {
    encoder = await loadEncoderSource(modelDir);
  } else {
    const hiddenSize = num('hidden-size', values['hidden-size'], true) ?? 64;
    const cfg = {
      vocabSize: tokenizer.getVocabSize(),
      hiddenSize,
      numHiddenLayers: num('layers', values.layers, true) ?? 2,
      numAttentionHeads: num('heads', values.heads, true) ?? 2,
      intermediateSize: num('intermediate-size', values['intermediate-size'], true) ?? 4 * hiddenSize,
      maxPositionEmbeddings: 512,
    };
    if (cfg.hiddenSize % cfg.numAttentionHeads !== 0)
      throw new UsageError(
        `--hidden-size ${cfg.hiddenSize} must be divisible by --heads ${cfg.numAttentionHeads}`,
      );
    encoder = {
      config: makeConfig(cfg),
      origin: `H${cfg.hiddenSize}/L${cfg.numHiddenLayers}/A${cfg.numAttentionHeads}/F${cfg.intermediateSize}, seed ${seed}`,
    };
  }
  const c = encoder.config;
  process.stderr.write(
    `encoder: ${modelDir ?? 'random init'} (H${c.hiddenSize} L${c.numHiddenLayers} A${c.numAttentionHeads}, vocab ${c.vocabSize}); tokenizer: ${tokenizerPath}\n`,
  );
  const out = resolve(values.out!);
  const report = await runSuperGlue({
    dataDir,
    outDir: out,
    encoder,
    tokenizer,
    tasks,
    overrides,
    quick,
    seed,
    maxTrainExamples,
    maxEvalRecords,
    progress: progress as 'auto',
    runInfo: {
      backend: choice.backend,
      tokenizer: tokenizerPath,
      command: `finetune-superglue ${argv.join(' ')}`,
      node: process.version,
    },
  });
  process.stderr.write(`\nreport: ${join(out, 'report.md')}\n`);
  for (const t of report.tasks) {
    const v = t.val?.score;
    const m = t.valMajority?.score;
    process.stdout.write(
      `${t.task.padEnd(8)} ${t.status.padEnd(12)} val ${v == null ? '   —' : (100 * v).toFixed(1).padStart(5)}  majority ${m == null ? '   —' : (100 * m).toFixed(1).padStart(5)}` +
        `${t.timing ? `  ${(t.timing.totalMs / 1000).toFixed(1)} s` : ''}${t.speed ? `  ${Math.round(t.speed.trainTokensPerSecond)} train tokens/s` : ''}\n`,
    );
  }
  process.stdout.write(
    `submission: ${report.submission.zip} — ${report.submission.valid ? 'valid' : report.submission.validExceptMissingTestFiles ? `valid except missing ${report.submission.missingTestFiles.join(', ')} (no test file)` : 'INVALID (see report.md)'}\n`,
  );
  const failed = report.tasks.filter((t) => t.status === 'failed');
  for (const t of failed) process.stderr.write(`${t.task}: ${t.notes[0]}\n`);
  return report.submission.validExceptMissingTestFiles && failed.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(
        `finetune-superglue: ${(err as Error).message}\nRun with --help for the options.\n`,
      );
      process.exitCode = 2;
    } else {
      process.stderr.write(`finetune-superglue: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
