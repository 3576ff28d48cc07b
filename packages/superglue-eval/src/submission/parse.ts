import { type Label, parseTaskName, previewValue, type TaskName } from '@selfevo/superglue-tasks';
import { describeType, isPlainObject } from '../data/fields.js';
import { countLines, parseJsonlLenient } from '../data/jsonl.js';
import { InputLimitError } from '../errors.js';
import { ParseOptionsSchema, parseOptions } from '../input-schemas.js';
import { type ParseResult, parseSubmissionLabel } from '../labels.js';
import { DEFAULT_LIMITS, type InputLimits } from '../limits.js';
import { ProblemList, type SubmissionProblem } from './problems.js';

/** Limits of one prediction file (see `InputLimits`). */
export type ParseSubmissionOptions = Partial<
  Pick<InputLimits, 'maxLineLength' | 'maxPredictionLines' | 'maxListedProblems'>
>;

/** One prediction line (MultiRC: one answer option) of a submission file. */
export interface SubmissionEntry {
  /** `String(idx)`; MultiRC `paragraph/question/answer`. */
  key: string;
  line: number;
  label: ParseResult<Label>;
  /** MultiRC only: the three idx levels. */
  path?: { paragraph: number; question: number; answer: number };
}

export interface ParsedSubmissionFile {
  /** First occurrence of each key. */
  entries: SubmissionEntry[];
  /** Keys that occur more than once (ambiguous: scored as unparseable). */
  duplicates: Set<string>;
  /** Problems naming line, field and value (the first `maxListedProblems` listed, the rest counted). */
  problems: SubmissionProblem[];
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function labelHint(task: TaskName, raw: unknown): string {
  if (task === 'WSC' && (raw === 'true' || raw === 'false')) return ' (WSC wants capitalised "True"/"False")';
  if ((task === 'BoolQ' || task === 'WiC') && (raw === 'True' || raw === 'False')) {
    return ` (${task} wants lowercase "true"/"false")`;
  }
  if (typeof raw === 'boolean') return ' (write the label as a string, not a JSON boolean)';
  if ((task === 'COPA' || task === 'MultiRC') && (raw === '0' || raw === '1'))
    return ' (write an integer, not a string)';
  return '';
}

/**
 * Parses one submission-format file (§3.2) of `task`, line by line: malformed JSON, over-long
 * lines, wrong idx types, illegal labels, bad MultiRC nesting, duplicates and unexpected fields all
 * become problems naming the file, line, field and (previewed) value. The task name goes through
 * the allow-list (`UnknownTaskError`); a file of more than `maxPredictionLines` lines is refused
 * (`InputLimitError`) before it is parsed.
 */
export function parseSubmissionFile(
  name: TaskName,
  text: string,
  file: string,
  options: ParseSubmissionOptions = {},
): ParsedSubmissionFile {
  const task = parseTaskName(name);
  parseOptions(ParseOptionsSchema, options);
  const maxLines = options.maxPredictionLines ?? DEFAULT_LIMITS.maxPredictionLines;
  const lineCount = countLines(text);
  if (lineCount > maxLines)
    throw new InputLimitError(file, 'maxPredictionLines', lineCount, maxLines, 'lines');
  const list = new ProblemList(options.maxListedProblems ?? DEFAULT_LIMITS.maxListedProblems, file, task);
  const entries: SubmissionEntry[] = [];
  const duplicates = new Set<string>();
  const firstLine = new Map<string, number>();
  const at = (field: string | undefined, raw: unknown) =>
    field === undefined ? {} : raw === undefined ? { field } : { field, value: previewValue(raw) };
  const err = (line: number, message: string, field?: string, raw?: unknown) =>
    list.add({ severity: 'error', file, task, line, ...at(field, raw), message });
  const warn = (line: number, message: string, field?: string) =>
    list.add({ severity: 'warning', file, task, line, ...at(field, undefined), message });
  const extraFields = (line: number, obj: Record<string, unknown>, allowed: string[], where: string) => {
    const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
    if (extra.length > 0)
      warn(
        line,
        `unexpected field(s) ${extra
          .slice(0, 10)
          .map((k) => previewValue(k, 40))
          .join(', ')}${extra.length > 10 ? ', …' : ''} in ${where} (ignored)`,
        where,
      );
  };
  const add = (entry: SubmissionEntry, what: string, field: string) => {
    const prev = firstLine.get(entry.key);
    if (prev !== undefined) {
      duplicates.add(entry.key);
      err(entry.line, `duplicate ${what} ${entry.key} (first on line ${prev})`, field);
      return;
    }
    firstLine.set(entry.key, entry.line);
    entries.push(entry);
  };
  const checkLabel = (line: number, raw: unknown, where: string, field: string): ParseResult<Label> => {
    if (raw === undefined) {
      err(line, `missing "label"${where}`, field);
      return { ok: false, reason: 'missing label' };
    }
    const parsed = parseSubmissionLabel(task, raw);
    if (!parsed.ok) err(line, `${parsed.reason}${labelHint(task, raw)}${where}`, field, raw);
    return parsed;
  };

  const maxLineLength = options.maxLineLength ?? DEFAULT_LIMITS.maxLineLength;
  const { records, errors } = parseJsonlLenient(text, maxLineLength);
  for (const e of errors) err(e.line, e.message);
  if (records.length === 0 && errors.length === 0)
    list.add({ severity: 'error', file, task, message: 'file is empty' });

  for (const { line, value } of records) {
    if (!isPlainObject(value)) {
      err(line, `expected a JSON object, got ${describeType(value)}`, '(line)', value);
      continue;
    }
    if (task === 'MultiRC') {
      extraFields(line, value, ['idx', 'passage'], 'the paragraph');
      if (!isInt(value.idx)) {
        err(
          line,
          `paragraph "idx" must be an integer, got ${describeType(value.idx)} ${previewValue(value.idx)}`,
          'idx',
          value.idx,
        );
        continue;
      }
      const p = value.idx;
      if (!isPlainObject(value.passage)) {
        err(
          line,
          `"passage" must be an object holding "questions", got ${describeType(value.passage)}`,
          'passage',
          value.passage,
        );
        continue;
      }
      extraFields(line, value.passage, ['questions'], 'passage');
      const questions = value.passage.questions;
      if (!Array.isArray(questions)) {
        err(
          line,
          `"passage.questions" must be an array, got ${describeType(questions)}`,
          'passage.questions',
          questions,
        );
        continue;
      }
      for (const [qi, q] of questions.entries()) {
        const qf = `passage.questions[${qi}]`;
        if (!isPlainObject(q)) {
          err(line, `${qf} must be an object, got ${describeType(q)}`, qf, q);
          continue;
        }
        extraFields(line, q, ['idx', 'answers'], qf);
        if (!isInt(q.idx)) {
          err(
            line,
            `${qf}.idx must be an integer, got ${describeType(q.idx)} ${previewValue(q.idx)}`,
            `${qf}.idx`,
            q.idx,
          );
          continue;
        }
        if (!Array.isArray(q.answers)) {
          err(
            line,
            `${qf}.answers must be an array, got ${describeType(q.answers)}`,
            `${qf}.answers`,
            q.answers,
          );
          continue;
        }
        if (q.answers.length === 0) err(line, `${qf}.answers is empty`, `${qf}.answers`);
        const question = q.idx;
        for (const [ai, a] of q.answers.entries()) {
          const af = `${qf}.answers[${ai}]`;
          if (!isPlainObject(a)) {
            err(line, `${af} must be an object, got ${describeType(a)}`, af, a);
            continue;
          }
          extraFields(line, a, ['idx', 'label'], af);
          if (!isInt(a.idx)) {
            err(
              line,
              `${af}.idx must be an integer, got ${describeType(a.idx)} ${previewValue(a.idx)}`,
              `${af}.idx`,
              a.idx,
            );
            continue;
          }
          const label = checkLabel(line, a.label, ` at ${af}`, `${af}.label`);
          add(
            {
              key: `${p}/${question}/${a.idx}`,
              line,
              label,
              path: { paragraph: p, question, answer: a.idx },
            },
            'answer',
            `${af}.idx`,
          );
        }
      }
      continue;
    }
    extraFields(line, value, ['idx', 'label'], 'the line');
    const idx = value.idx;
    let key: string;
    if (isInt(idx)) key = String(idx);
    else if (task === 'AX-b' && typeof idx === 'string' && /^\d+$/.test(idx)) key = idx;
    else {
      err(
        line,
        `"idx" must be an integer${task === 'AX-b' ? ' (or a string of digits)' : ''}, got ${describeType(idx)} ${previewValue(idx)}`,
        'idx',
        idx,
      );
      continue;
    }
    add({ key, line, label: checkLabel(line, value.label, '', 'label') }, 'idx', 'idx');
  }
  return { entries, duplicates, problems: list.finish() };
}
