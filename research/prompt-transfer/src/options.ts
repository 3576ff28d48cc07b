// Command-line options of the prompt-transfer experiment, with the full and `--quick` presets.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PandaTeacherMode } from '@selfevo/prompt-transfer';
import { CONTROLLED_SOURCES, CONTROLLED_TARGETS } from './controlled-tasks.js';

/** The low-resource targets Vega v2 used KD prompt transfer for. */
export const TARGETS = ['CB', 'COPA', 'RTE', 'WSC'] as const;
/** Tasks that can be sources: every SuperGLUE task with a train file here (BoolQ train and ReCoRD are absent). */
export const SOURCE_POOL = ['CB', 'COPA', 'MultiRC', 'RTE', 'WiC', 'WSC'] as const;

export interface ExperimentOptions {
  model: string;
  data: string;
  out: string;
  backend: string;
  quick: boolean;
  /** The controlled experiment (corpus tasks of known relatedness) instead of SuperGLUE. */
  controlled: boolean;
  /** Controlled: the corpus file, the targets' training lines and the sources' epochs. */
  corpus: string;
  fewShot: number;
  sourceEpochs: number;
  seeds: number[];
  targets: string[];
  sources: string[];
  /** `prefix`: deep prompts (P-tuning v2, PANDA's setting); `prompt`: input-level (SPoT's). */
  promptMode: 'prefix' | 'prompt';
  promptLength: number;
  /** Prompt runs: epochs, batch size, AdamW lr of the prompt and the head. */
  epochs: number;
  batchSize: number;
  lr: number;
  maxLength: number;
  /** Cap on training inputs per task (whole groups, seeded sample); 0 = all. */
  maxTrain: number;
  /** Cap on val records per task; 0 = all. */
  maxVal: number;
  /** SPoT task embedding: the prompt after this many steps of tuning from scratch. */
  embeddingStep: number;
  /** SPoT top-k: the weighted mix and best-of-top-k. */
  topK: number;
  pandaKd: 'mse' | 'kl';
  pandaTemperature?: number;
  /** λ constant (default the released 0.01), or `c` for λ = c·similarity. */
  pandaLambda?: number;
  pandaC?: number;
  teacherMode: PandaTeacherMode;
  finetune: boolean;
  /** Full fine-tuning: epochs (default the task recipe's). */
  finetuneEpochs?: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const DATA_ROOT = process.env.SELFEVO_DATA ?? resolve(HERE, '../../../../shared/data');
const DEFAULT_DATA = resolve(DATA_ROOT, 'superglue');
const DEFAULT_CORPUS = resolve(DATA_ROOT, 'corpus', 'gutenberg.valid.txt');

export const USAGE = `npm run experiment -- --model DIR [options]

  --model DIR          HF-layout encoder (config.json, model.safetensors) + tokenizer (required)
  --data DIR           SuperGLUE folder (default $SELFEVO_DATA/superglue)
  --out DIR            runs, results.json, table.md, plots (default runs/full or runs/quick)
  --quick              tiny preset: 1 seed… see README (caps, 1–2 epochs, short prompts)
  --seeds 1,2,3        seeds (default 1,2,3)
  --targets CB,COPA,RTE,WSC   --sources CB,COPA,MultiRC,RTE,WiC,WSC
  --prompt-mode prefix|prompt  --prompt-length N   --epochs N   --batch-size N   --lr X
  --max-length N   --max-train N   --max-val N   --embedding-step N   --top-k N
  --panda-kd mse|kl   --panda-temperature T   --panda-lambda X | --panda-c C   --teacher-mode train|eval
  --no-finetune   --finetune-epochs N   --backend auto|wasm|cpu|node-gpu

  --controlled         the controlled experiment: tasks built from the corpus with known relatedness
                       (targets kw-A,kw-B; sources src-A,src-B,src-AB,src-len; see README); then
                       --max-train is the sources' training lines (default 1000), --max-val the val
                       lines per task (default 200), --epochs the targets' epochs (default 20), and
  --few-shot N         training lines of a target (default 32)
  --source-epochs N    epochs of the source prompt runs (default 4)
  --corpus FILE        the lines (default $SELFEVO_DATA/corpus/gutenberg.valid.txt, held out from the base model)`;

function list<T extends string>(
  v: string | undefined,
  allowed: readonly string[],
  name: string,
): T[] | undefined {
  if (v === undefined) return undefined;
  const xs = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const x of xs)
    if (!allowed.includes(x)) throw new Error(`--${name}: ${x} is not one of ${allowed.join(', ')}`);
  if (xs.length === 0) throw new Error(`--${name}: empty list`);
  return xs as T[];
}

function num(
  v: string | undefined,
  name: string,
  opts: { int?: boolean; min?: number } = {},
): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || (opts.int && !Number.isInteger(x)) || (opts.min !== undefined && x < opts.min))
    throw new Error(
      `--${name}: expected ${opts.int ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got ${v}`,
    );
  return x;
}

export function parseOptions(argv: string[]): ExperimentOptions | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      model: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      quick: { type: 'boolean' },
      seeds: { type: 'string' },
      targets: { type: 'string' },
      sources: { type: 'string' },
      'prompt-mode': { type: 'string' },
      'prompt-length': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'max-length': { type: 'string' },
      'max-train': { type: 'string' },
      'max-val': { type: 'string' },
      'embedding-step': { type: 'string' },
      'top-k': { type: 'string' },
      'panda-kd': { type: 'string' },
      'panda-temperature': { type: 'string' },
      'panda-lambda': { type: 'string' },
      'panda-c': { type: 'string' },
      'teacher-mode': { type: 'string' },
      'no-finetune': { type: 'boolean' },
      'finetune-epochs': { type: 'string' },
      controlled: { type: 'boolean' },
      'few-shot': { type: 'string' },
      'source-epochs': { type: 'string' },
      corpus: { type: 'string' },
    },
    strict: true,
  });
  if (v.help) return 'help';
  if (!v.model) throw new Error('--model DIR is required (an HF-layout encoder with its tokenizer)');
  const quick = v.quick ?? false;
  const mode = v['prompt-mode'] ?? 'prefix';
  if (mode !== 'prefix' && mode !== 'prompt') throw new Error(`--prompt-mode: prefix or prompt, got ${mode}`);
  const kd = v['panda-kd'] ?? 'mse';
  if (kd !== 'mse' && kd !== 'kl') throw new Error(`--panda-kd: mse or kl, got ${kd}`);
  const teacherMode = v['teacher-mode'] ?? 'train';
  if (teacherMode !== 'train' && teacherMode !== 'eval')
    throw new Error(`--teacher-mode: train or eval, got ${teacherMode}`);
  if (v['panda-lambda'] !== undefined && v['panda-c'] !== undefined)
    throw new Error('--panda-lambda and --panda-c exclude each other');
  if (kd === 'mse' && v['panda-temperature'] !== undefined)
    throw new Error('--panda-temperature needs --panda-kd kl');
  const seeds =
    v.seeds?.split(',').map((s) => num(s, 'seeds', { int: true, min: 0 })!) ??
    (quick ? [1, 2, 3] : [1, 2, 3]);
  const controlled = v.controlled ?? false;
  if (!controlled)
    for (const k of ['few-shot', 'source-epochs', 'corpus'] as const)
      if (v[k] !== undefined) throw new Error(`--${k} needs --controlled`);
  if (controlled && (v['no-finetune'] || v['finetune-epochs'] !== undefined))
    throw new Error('--controlled has no fine-tuning reference: drop --no-finetune / --finetune-epochs');
  const [targetPool, sourcePool] = controlled
    ? [CONTROLLED_TARGETS, CONTROLLED_SOURCES]
    : [TARGETS, SOURCE_POOL];
  const targets = list<string>(v.targets, targetPool, 'targets') ?? [...targetPool];
  const sources = list<string>(v.sources, sourcePool, 'sources') ?? [...sourcePool];
  const o: ExperimentOptions = {
    model: resolve(v.model),
    data: resolve(v.data ?? DEFAULT_DATA),
    out: resolve(v.out ?? (controlled ? 'runs/controlled' : quick ? 'runs/quick' : 'runs/full')),
    backend: v.backend ?? 'auto',
    quick,
    controlled,
    corpus: resolve(v.corpus ?? DEFAULT_CORPUS),
    fewShot: num(v['few-shot'], 'few-shot', { int: true, min: 2 }) ?? (quick ? 8 : 32),
    sourceEpochs: num(v['source-epochs'], 'source-epochs', { min: 0.01 }) ?? (quick ? 1 : 4),
    seeds,
    targets,
    sources,
    promptMode: mode,
    promptLength: num(v['prompt-length'], 'prompt-length', { int: true, min: 1 }) ?? (quick ? 4 : 20),
    epochs: num(v.epochs, 'epochs', { min: 0.01 }) ?? (quick ? 2 : 20),
    batchSize: num(v['batch-size'], 'batch-size', { int: true, min: 2 }) ?? (quick ? 8 : 16),
    lr: num(v.lr, 'lr', { min: 0 }) ?? 1e-2,
    maxLength: num(v['max-length'], 'max-length', { int: true, min: 16 }) ?? (quick ? 64 : 256),
    maxTrain:
      num(v['max-train'], 'max-train', { int: true, min: 0 }) ?? (quick ? 48 : controlled ? 1000 : 4000),
    maxVal: num(v['max-val'], 'max-val', { int: true, min: 0 }) ?? (quick ? 24 : controlled ? 200 : 0),
    embeddingStep: num(v['embedding-step'], 'embedding-step', { int: true, min: 1 }) ?? (quick ? 2 : 100),
    topK: num(v['top-k'], 'top-k', { int: true, min: 1 }) ?? (quick ? 2 : 3),
    pandaKd: kd,
    pandaTemperature: num(v['panda-temperature'], 'panda-temperature', { min: 0.01 }),
    pandaLambda: num(v['panda-lambda'], 'panda-lambda', { min: 0 }),
    pandaC: num(v['panda-c'], 'panda-c', { min: 0 }),
    teacherMode,
    finetune: !(controlled || (v['no-finetune'] ?? false)),
    finetuneEpochs: num(v['finetune-epochs'], 'finetune-epochs', { min: 0.01 }) ?? (quick ? 1 : undefined),
  };
  if (o.topK > o.sources.length - 1 && o.sources.length > 1) o.topK = o.sources.length - 1;
  return o;
}

/** The settings a finished run depends on: a run is reused only when these match. */
export function runSettings(o: ExperimentOptions): Record<string, unknown> {
  const { out: _out, backend: _backend, seeds: _seeds, targets: _t, sources: _s, finetune: _f, ...rest } = o;
  if (!o.controlled) {
    const { corpus: _c, fewShot: _fs, sourceEpochs: _se, controlled: _ctl, ...superglue } = rest;
    return superglue;
  }
  return rest;
}
