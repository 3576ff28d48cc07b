import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitFile, TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { writeFileAtomic } from '@selfevo/utils/node';
import { majorityBaseline, randomBaseline } from './baselines.js';
import {
  baselineKind,
  dataDir,
  existingPath,
  optionalFile,
  outputFile,
  outputFolder,
  parseFlags,
  seed as seedOf,
  split as splitOf,
} from './cli-flags.js';
import type { GoldSet } from './data/gold.js';
import { readGoldFile, referenceFilePath } from './data/gold-file.js';
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

  --version prints the version; --help this text.

--data is the SuperGLUE folder (BoolQ/, CB/, …, AX-g/); default $SELFEVO_DATA/superglue.
Every flag is checked before any work. Exit codes: 0 done (validate: valid), 1 invalid submission
or unreadable data, 2 bad usage (unknown flag, missing or wrong path, bad value) — one line on stderr.
`;

type Out = (s: string) => void;

/** The version of this package (its package.json is shipped one folder above dist/ and src/). */
export function cliVersion(): string {
  const file = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function score(args: string[], out: Out): Promise<number> {
  const v = parseFlags(args, {
    pred: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'string' },
    'record-reference': { type: 'string' },
  });
  // Every flag first: nothing is read or written until all of them are valid.
  const pred = existingPath(v, 'pred');
  const data = dataDir(v);
  const split = splitOf(v, 'val');
  if (split === 'test')
    throw new UsageError('--split test has no labels to score against: use val (or train)');
  const recordReference = optionalFile(v, 'record-reference');
  const mdPath = outputFile(v, 'out');
  const jsonPath = outputFile(v, 'json');
  const report = await scoreFolder(pred, data, split, { recordReference });
  const md = formatScoreReportMarkdown(report);
  if (mdPath) await writeFileAtomic(mdPath, md);
  if (jsonPath) await writeFileAtomic(jsonPath, `${JSON.stringify(scoreReportToJson(report), null, 2)}\n`);
  out(md);
  return 0;
}

async function validate(args: string[], out: Out): Promise<number> {
  const v = parseFlags(args, {
    submission: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string' },
    json: { type: 'string' },
    'record-reference': { type: 'string' },
  });
  const submission = existingPath(v, 'submission');
  const data = dataDir(v);
  const split = splitOf(v, 'test');
  const recordReference = optionalFile(v, 'record-reference');
  const jsonPath = outputFile(v, 'json');
  const report = await validateSubmission(submission, data, { split, recordReference });
  if (jsonPath) await writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
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
  const v = parseFlags(args, {
    kind: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    zip: { type: 'string' },
    'record-reference': { type: 'string' },
  });
  const kind = baselineKind(v);
  const seed = seedOf(v);
  const data = dataDir(v);
  const split = splitOf(v, 'val');
  const dir = outputFolder(v, 'out');
  const zipPath = outputFile(v, 'zip');
  const recordReference = optionalFile(v, 'record-reference');
  const preds: PredictionsByTask = {};
  const reference: Partial<Record<TaskName, GoldSet>> = {};
  for (const task of TASKS) {
    const ref = task === 'ReCoRD' && recordReference ? recordReference : referenceFilePath(data, task, split);
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
      const src = await labelSource(data, task, gold);
      preds[task] = majorityBaseline(task, gold, src.gold);
      out(`${task}: majority class of ${src.from} for ${ref}\n`);
    }
  }
  const written = await writeSubmission(dir, preds, { reference, zipPath });
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
    if (command === '--version' || command === '-v' || command === 'version') {
      out(`${cliVersion()}\n`);
      return 0;
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
    // One line each: a usage error (exit 2) or a failure naming the file at fault (exit 1).
    const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');
    if (err instanceof UsageError) {
      errOut(`error: ${oneLine(err.message)} (see selfevo-superglue --help)\n`);
      return 2;
    }
    errOut(`error: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  }
}
