import { existsSync } from 'node:fs';
import type { Split, TaskName } from '@selfevo/superglue-tasks';
import { submissionFileName, TASKS } from '@selfevo/superglue-tasks';
import type { GoldSet } from '../data/gold.js';
import { readGoldFile, referenceFilePath } from '../data/gold-file.js';
import { parseOptions, ValidateOptionsSchema } from '../input-schemas.js';
import { type InputLimits, resolveLimits } from '../limits.js';
import { goldKeys } from './format.js';
import { parseSubmissionFile } from './parse.js';
import { formatProblem, ProblemList, problemCount, type SubmissionProblem } from './problems.js';
import { readSubmissionSource } from './source.js';

export type TaskValidationStatus = 'ok' | 'invalid' | 'missing file' | 'no reference test file';

export interface TaskValidation {
  task: TaskName;
  file: string;
  status: TaskValidationStatus;
  /** Predictions read (MultiRC: answer options). */
  predictions: number;
  /** Expected predictions from the reference file, when there is one. */
  expected: number | null;
  errors: number;
  warnings: number;
}

export interface ValidationReport {
  /** True when no task has an error (a task without reference file is reported, not an error). */
  ok: boolean;
  source: string;
  split: Split;
  tasks: TaskValidation[];
  problems: SubmissionProblem[];
}

export interface ValidateOptions {
  /** Reference split to check against; default `test`. */
  split?: Split;
  /** ReCoRD reference file (official schema); default `<dataDir>/ReCoRD/<split>.jsonl` when it exists. */
  recordReference?: string;
  /** Limits on the prediction files and the zip (default `DEFAULT_LIMITS`). */
  limits?: Partial<InputLimits>;
}

/** Index of the reference: key → "where it belongs", for precise MultiRC nesting messages. */
function multircIndex(gold: GoldSet): { question: Map<number, number>; answer: Map<number, number> } {
  const question = new Map<number, number>();
  const answer = new Map<number, number>();
  if (gold.kind === 'multirc') {
    for (const p of gold.paragraphs) {
      for (const q of p.questions) {
        question.set(q.idx, p.idx);
        for (const a of q.answers) answer.set(a.idx, q.idx);
      }
    }
  }
  return { question, answer };
}

/**
 * Checks a submission folder or zip against the reference files of `dataDir` (test split by
 * default): all ten files present and no others, every reference idx exactly once, no unknown idx,
 * labels legal in value and type for each task (§3.2), MultiRC nesting paragraph → question → answer
 * as in the reference. Tasks whose reference file is absent (ReCoRD here) are checked for format
 * only and reported as "no reference test file".
 */
export async function validateSubmission(
  pathOrZip: string,
  dataDir: string,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  parseOptions(ValidateOptionsSchema, options);
  const limits = resolveLimits(options.limits);
  const split = options.split ?? 'test';
  const source = await readSubmissionSource(pathOrZip, limits);
  const problems: SubmissionProblem[] = [];
  const tasks: TaskValidation[] = [];
  const expectedNames = new Set(TASKS.map(submissionFileName));
  for (const name of [...source.files.keys(), ...source.nested].sort()) {
    if (expectedNames.has(name)) continue;
    const near = TASKS.map(submissionFileName).find((n) => n.toLowerCase() === name.toLowerCase());
    problems.push({
      severity: 'error',
      file: name,
      message: `extra file: not one of the ten submission files${near ? ` (did you mean ${near}?)` : ''}`,
    });
  }
  for (const task of TASKS) {
    const file = submissionFileName(task);
    const refPath =
      task === 'ReCoRD' && options.recordReference
        ? options.recordReference
        : referenceFilePath(dataDir, task, split);
    const gold = existsSync(refPath)
      ? await readGoldFile(task, refPath, { maxBytes: limits.maxReferenceFileBytes })
      : undefined;
    const expected = gold ? goldKeys(gold) : null;
    const before = problems.length;
    const text = source.files.get(file);
    let predictions = 0;
    if (text === undefined) {
      problems.push({ severity: 'error', file, task, message: `missing file ${file}` });
    } else {
      const parsed = parseSubmissionFile(task, text, file, limits);
      for (const p of parsed.problems) problems.push(p);
      predictions = parsed.entries.length;
      if (gold && expected) {
        const ref = new Set(expected);
        const { question, answer } = multircIndex(gold);
        const seen = new Set<string>();
        const unknown = new ProblemList(limits.maxListedProblems, file, task);
        for (const e of parsed.entries) {
          seen.add(e.key);
          if (ref.has(e.key)) continue;
          let message = `idx ${e.key} is not in the reference ${split} file`;
          if (e.path) {
            const { paragraph, question: q, answer: a } = e.path;
            if (!answer.has(a)) message = `answer idx ${a} is not in the reference ${split} file`;
            else if (answer.get(a) !== q)
              message = `answer ${a} belongs to question ${answer.get(a)}, not question ${q}`;
            else if (question.get(q) !== paragraph) {
              message = `question ${q} belongs to paragraph ${question.get(q)}, not paragraph ${paragraph}`;
            }
          }
          unknown.add({ severity: 'error', file, task, line: e.line, field: 'idx', message });
        }
        for (const p of unknown.finish()) problems.push(p);
        const missing = expected.filter((k) => !seen.has(k));
        if (missing.length > 0) {
          problems.push({
            severity: 'error',
            file,
            task,
            message: `${missing.length} of ${expected.length} reference ${task === 'MultiRC' ? 'answer options' : 'idx'} missing`,
            keys: missing,
          });
        }
      }
    }
    if (!gold) {
      problems.push({
        severity: 'warning',
        file,
        task,
        message: `no reference ${split} file (${refPath}): checked format, labels and duplicates only`,
      });
    }
    const mine = problems.slice(before);
    const errors = problemCount(mine, 'error');
    const status: TaskValidationStatus =
      text === undefined ? 'missing file' : errors > 0 ? 'invalid' : gold ? 'ok' : 'no reference test file';
    tasks.push({
      task,
      file,
      status,
      predictions,
      expected: expected ? expected.length : null,
      errors,
      warnings: problemCount(mine, 'warning'),
    });
  }
  return {
    ok: !problems.some((p) => p.severity === 'error'),
    source: pathOrZip,
    split,
    tasks,
    problems,
  };
}

/** Plain-text report: one line per task, then every problem. */
export function formatValidationReport(report: ValidationReport): string {
  const out: string[] = [];
  out.push(
    `Submission ${report.source} checked against the ${report.split} files: ${report.ok ? 'VALID' : 'INVALID'}`,
  );
  out.push('');
  out.push('| task | file | status | predictions | expected | errors | warnings |');
  out.push('|---|---|---|---|---|---|---|');
  for (const t of report.tasks) {
    out.push(
      `| ${t.task} | ${t.file} | ${t.status} | ${t.predictions} | ${t.expected ?? '—'} | ${t.errors} | ${t.warnings} |`,
    );
  }
  const general = report.problems.filter((p) => p.task === undefined);
  if (report.problems.length > 0) {
    out.push('');
    out.push(`Problems (${report.problems.length}):`);
    for (const p of general) out.push(`- ${formatProblem(p)}`);
    for (const p of report.problems) if (p.task !== undefined) out.push(`- ${formatProblem(p)}`);
  }
  return `${out.join('\n')}\n`;
}
