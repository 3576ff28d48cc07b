import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SPLITS, type Split, splitFile, TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { writeFileAtomic } from '@selfevo/utils/node';
import { majorityBaseline, randomBaseline } from './baselines.js';
import { type GoldSet, readGoldFile, referenceFilePath } from './data/gold.js';
import { UsageError } from './errors.js';
import { formatScoreReportMarkdown, scoreReportToJson } from './report.js';
import { scoreFolder } from './score-folder.js';
import { formatValidationReport, validateSubmission } from './submission/validate.js';
import { type PredictionsByTask, writeSubmission } from './submission/write.js';

export const USAGE = `Usage: selfevo-superglue <command> [options]

Commands:
  score     --pred DIR|ZIP [--data DIR] [--split val] [--out report.md] [--json report.json]
            [--record-reference FILE]
            Score prediction files in submission format against labelled data.
  validate  --submission DIR|ZIP [--data DIR] [--split test] [--record-reference FILE] [--json FILE]
            Check a submission against the reference files; exit code 1 when invalid.
  baseline  --kind majority|random --out DIR [--data DIR] [--split val] [--seed 1] [--zip FILE]
            Write majority-class or seeded random predictions as submission files.

--data is the SuperGLUE folder (BoolQ/, CB/, …, AX-g/); default $SELFEVO_DATA/superglue.
`;

function dataDirOf(v: string | undefined): string {
  if (v) return resolve(v);
  if (process.env.SELFEVO_DATA) return resolve(process.env.SELFEVO_DATA, 'superglue');
  throw new UsageError('--data DIR is required (or set SELFEVO_DATA)');
}

function splitOf(v: string | undefined, fallback: Split): Split {
  if (v === undefined) return fallback;
  if (!(SPLITS as readonly string[]).includes(v))
    throw new UsageError(`--split must be one of ${SPLITS.join(', ')}; got ${v}`);
  return v as Split;
}

function required(v: string | undefined, flag: string): string {
  if (!v) throw new UsageError(`${flag} is required`);
  return v;
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

type Out = (s: string) => void;

async function score(args: string[], out: Out): Promise<number> {
  const v = parse(args, {
    pred: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'string' },
    'record-reference': { type: 'string' },
  });
  const pred = resolve(required(v.pred as string | undefined, '--pred'));
  const split = splitOf(v.split as string | undefined, 'val');
  const report = await scoreFolder(pred, dataDirOf(v.data as string | undefined), split, {
    recordReference: v['record-reference'] as string | undefined,
  });
  const md = formatScoreReportMarkdown(report);
  if (v.out) await writeFileAtomic(resolve(v.out as string), md);
  if (v.json)
    await writeFileAtomic(
      resolve(v.json as string),
      `${JSON.stringify(scoreReportToJson(report), null, 2)}\n`,
    );
  out(md);
  return 0;
}

async function validate(args: string[], out: Out): Promise<number> {
  const v = parse(args, {
    submission: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string' },
    json: { type: 'string' },
    'record-reference': { type: 'string' },
  });
  const report = await validateSubmission(
    resolve(required(v.submission as string | undefined, '--submission')),
    dataDirOf(v.data as string | undefined),
    {
      split: splitOf(v.split as string | undefined, 'test'),
      recordReference: v['record-reference'] as string | undefined,
    },
  );
  if (v.json) await writeFileAtomic(resolve(v.json as string), `${JSON.stringify(report, null, 2)}\n`);
  out(formatValidationReport(report));
  return report.ok ? 0 : 1;
}

/** Labelled data the majority class is taken from: train, else val, else the split itself. */
async function labelSource(
  dataDir: string,
  task: TaskName,
  gold: GoldSet,
): Promise<{ gold: GoldSet; from: string }> {
  const base = task === 'AX-b' || task === 'AX-g' ? 'RTE' : task;
  for (const split of ['train', 'val'] as const) {
    const p = join(dataDir, base, splitFile(base, split));
    if (existsSync(p))
      return { gold: await readGoldFile(task, p, { requireLabels: true }), from: `${base}/${split}` };
  }
  return { gold, from: 'the scored split' };
}

async function baseline(args: string[], out: Out): Promise<number> {
  const v = parse(args, {
    kind: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    zip: { type: 'string' },
    'record-reference': { type: 'string' },
  });
  const kind = required(v.kind as string | undefined, '--kind');
  if (kind !== 'majority' && kind !== 'random')
    throw new UsageError(`--kind must be majority or random; got ${kind}`);
  const seed = Number(v.seed ?? '1');
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer; got ${v.seed}`);
  const dataDir = dataDirOf(v.data as string | undefined);
  const split = splitOf(v.split as string | undefined, 'val');
  const dir = resolve(required(v.out as string | undefined, '--out'));
  const preds: PredictionsByTask = {};
  const reference: Partial<Record<TaskName, GoldSet>> = {};
  for (const task of TASKS) {
    const ref =
      task === 'ReCoRD' && v['record-reference']
        ? (v['record-reference'] as string)
        : referenceFilePath(dataDir, task, split);
    if (!existsSync(ref)) {
      out(`${task}: no reference file ${ref}; skipped\n`);
      continue;
    }
    const gold = await readGoldFile(task, ref);
    reference[task] = gold;
    if (kind === 'random') {
      preds[task] = randomBaseline(task, gold, seed);
      out(`${task}: random (seed ${seed}) for ${ref}\n`);
    } else if (task === 'ReCoRD') {
      preds[task] = majorityBaseline(task, gold);
      out(`${task}: most frequent passage entity for ${ref}\n`);
    } else {
      const src = await labelSource(dataDir, task, gold);
      preds[task] = majorityBaseline(task, gold, src.gold);
      out(`${task}: majority class of ${src.from} for ${ref}\n`);
    }
  }
  const written = await writeSubmission(dir, preds, {
    reference,
    zipPath: v.zip ? resolve(v.zip as string) : undefined,
  });
  out(`wrote ${written.files.length} files to ${dir}${written.zipPath ? ` and ${written.zipPath}` : ''}\n`);
  return 0;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(
  argv: string[],
  out: Out = (s) => process.stdout.write(s),
  errOut: Out = (s) => process.stderr.write(s),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (rest.includes('--help')) {
      out(USAGE);
      return 0;
    }
    if (command === 'score') return await score(rest, out);
    if (command === 'validate') return await validate(rest, out);
    if (command === 'baseline') return await baseline(rest, out);
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  } catch (err) {
    if (err instanceof UsageError) {
      errOut(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    errOut(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
