import {
  type Label,
  parseTaskName,
  previewValue,
  type SingleLabelTaskName,
  type TaskName,
} from '@selfevo/superglue-tasks';
import { DataFormatError } from '../errors.js';
import { parseGoldLabel } from '../labels.js';
import {
  type FieldContext,
  requireArray,
  requireIdx,
  requireInteger,
  requireObject,
  requireString,
} from './fields.js';
import type { JsonlRecord } from './jsonl.js';

/** One example of a single-label task. `key` is `String(idx)`, the key predictions are looked up by. */
export interface SingleGoldExample {
  idx: number | string;
  key: string;
  label?: Label;
}
export interface SingleGold {
  kind: 'single';
  task: SingleLabelTaskName;
  /** In file order (AX-g minimal pairs are rows 2k and 2k+1). */
  examples: SingleGoldExample[];
}

export interface MultircAnswerGold {
  idx: number;
  label?: 0 | 1;
}
export interface MultircQuestionGold {
  idx: number;
  answers: MultircAnswerGold[];
}
export interface MultircParagraphGold {
  idx: number;
  questions: MultircQuestionGold[];
}
export interface MultircGold {
  kind: 'multirc';
  task: 'MultiRC';
  paragraphs: MultircParagraphGold[];
}

export interface RecordQueryGold {
  /** Query idx (`qas[].idx`): the key of a ReCoRD prediction. */
  idx: number;
  passageIdx: number;
  /** Entity texts of the passage (`text[start..end]`, end inclusive), in file order. */
  entities: string[];
  /** Gold answer texts; absent in test files. */
  answers?: string[];
}
export interface RecordGold {
  kind: 'record';
  task: 'ReCoRD';
  queries: RecordQueryGold[];
}

export type GoldSet = SingleGold | MultircGold | RecordGold;

/** Key of a prediction for a single-label task or a ReCoRD query: the official idx as a string. */
export function idxKey(idx: number | string): string {
  return String(idx);
}

/** Key of a MultiRC prediction: paragraph, question and answer idx. */
export function multircKey(paragraphIdx: number, questionIdx: number, answerIdx: number): string {
  return `${paragraphIdx}/${questionIdx}/${answerIdx}`;
}

export interface ReadGoldOptions {
  /** Throw when a record has no label (true for scoring; false for test files). Default false. */
  requireLabels?: boolean;
  /** Refuse a larger file (`InputLimitError`) before reading it (default 1 GiB). */
  maxBytes?: number;
}

/** Builds a {@link GoldSet} from already-parsed JSONL records (`readGoldFile` in the Node entry reads a file into the same). */
export function goldFromRecords(
  name: TaskName,
  records: JsonlRecord[],
  file: string,
  options: ReadGoldOptions = {},
): GoldSet {
  const task = parseTaskName(name);
  const requireLabels = options.requireLabels ?? false;
  const seen = new Map<string, number>();
  const checkUnique = (key: string, ctx: FieldContext, field: string) => {
    const prev = seen.get(key);
    if (prev !== undefined)
      throw new DataFormatError(file, ctx.line, field, `duplicate idx ${key} (first on line ${prev})`);
    seen.set(key, ctx.line);
  };
  if (task === 'MultiRC') {
    const paragraphs: MultircParagraphGold[] = [];
    for (const rec of records) {
      const ctx = { file, line: rec.line };
      const obj = requireObject(rec.value, ctx, '(record)');
      const pIdx = requireInteger(obj.idx, ctx, 'idx');
      checkUnique(`p${pIdx}`, ctx, 'idx');
      const passage = requireObject(obj.passage, ctx, 'passage');
      const questions = requireArray(passage.questions, ctx, 'passage.questions').map((q, qi) => {
        const qf = `passage.questions[${qi}]`;
        const qo = requireObject(q, ctx, qf);
        const qIdx = requireInteger(qo.idx, ctx, `${qf}.idx`);
        checkUnique(`q${qIdx}`, ctx, `${qf}.idx`);
        const answers = requireArray(qo.answers, ctx, `${qf}.answers`).map((a, ai) => {
          const af = `${qf}.answers[${ai}]`;
          const ao = requireObject(a, ctx, af);
          const aIdx = requireInteger(ao.idx, ctx, `${af}.idx`);
          checkUnique(`a${aIdx}`, ctx, `${af}.idx`);
          if (ao.label === undefined) {
            if (requireLabels) throw new DataFormatError(file, rec.line, `${af}.label`, 'missing label');
            return { idx: aIdx };
          }
          if (ao.label !== 0 && ao.label !== 1) {
            throw new DataFormatError(
              file,
              rec.line,
              `${af}.label`,
              `expected 0 or 1, got ${previewValue(ao.label)}`,
            );
          }
          return { idx: aIdx, label: ao.label as 0 | 1 };
        });
        if (answers.length === 0)
          throw new DataFormatError(file, rec.line, `${qf}.answers`, 'no answer options');
        return { idx: qIdx, answers };
      });
      paragraphs.push({ idx: pIdx, questions });
    }
    return { kind: 'multirc', task, paragraphs };
  }
  if (task === 'ReCoRD') {
    const queries: RecordQueryGold[] = [];
    for (const rec of records) {
      const ctx = { file, line: rec.line };
      const obj = requireObject(rec.value, ctx, '(record)');
      const pIdx = requireInteger(obj.idx, ctx, 'idx');
      const passage = requireObject(obj.passage, ctx, 'passage');
      const text = requireString(passage.text, ctx, 'passage.text');
      const entities = requireArray(passage.entities, ctx, 'passage.entities').map((e, ei) => {
        const ef = `passage.entities[${ei}]`;
        const eo = requireObject(e, ctx, ef);
        const start = requireInteger(eo.start, ctx, `${ef}.start`);
        const end = requireInteger(eo.end, ctx, `${ef}.end`);
        if (start < 0 || end < start || end >= text.length) {
          throw new DataFormatError(
            file,
            rec.line,
            ef,
            `span [${start}, ${end}] (end inclusive) outside the passage`,
          );
        }
        return text.slice(start, end + 1);
      });
      requireArray(obj.qas, ctx, 'qas').forEach((q, qi) => {
        const qf = `qas[${qi}]`;
        const qo = requireObject(q, ctx, qf);
        const qIdx = requireInteger(qo.idx, ctx, `${qf}.idx`);
        checkUnique(`${qIdx}`, ctx, `${qf}.idx`);
        requireString(qo.query, ctx, `${qf}.query`);
        const query: RecordQueryGold = { idx: qIdx, passageIdx: pIdx, entities };
        if (qo.answers === undefined) {
          if (requireLabels) throw new DataFormatError(file, rec.line, `${qf}.answers`, 'missing answers');
        } else {
          query.answers = requireArray(qo.answers, ctx, `${qf}.answers`).map((a, ai) =>
            requireString(
              requireObject(a, ctx, `${qf}.answers[${ai}]`).text,
              ctx,
              `${qf}.answers[${ai}].text`,
            ),
          );
          if (requireLabels && query.answers.length === 0) {
            throw new DataFormatError(file, rec.line, `${qf}.answers`, 'no gold answers');
          }
        }
        queries.push(query);
      });
    }
    return { kind: 'record', task, queries };
  }
  const examples: SingleGoldExample[] = [];
  for (const rec of records) {
    const ctx = { file, line: rec.line };
    const obj = requireObject(rec.value, ctx, '(record)');
    const idx = requireIdx(obj.idx, ctx, 'idx', task === 'AX-b');
    const key = idxKey(idx);
    checkUnique(key, ctx, 'idx');
    if (obj.label === undefined) {
      if (requireLabels) throw new DataFormatError(file, rec.line, 'label', 'missing label');
      examples.push({ idx, key });
      continue;
    }
    const parsed = parseGoldLabel(task, obj.label);
    if (!parsed.ok) throw new DataFormatError(file, rec.line, 'label', parsed.reason);
    examples.push({ idx, key, label: parsed.value });
  }
  if (task === 'AX-g' && examples.length % 2 !== 0) {
    throw new DataFormatError(
      file,
      undefined,
      undefined,
      `AX-g must hold minimal pairs (rows 2k, 2k+1); got ${examples.length} rows`,
    );
  }
  return { kind: 'single', task, examples };
}
