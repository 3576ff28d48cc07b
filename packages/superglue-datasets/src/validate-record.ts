import type { TaskName } from '@selfevo/superglue-tasks';
import { CB_LABELS, COPA_LABELS, MULTIRC_LABELS, RTE_LABELS } from '@selfevo/superglue-tasks';
import { jsonType, type RecordChecker } from './record-checker.js';
import type { TaskRecordMap } from './types.js';

/** An `idx` value of one level (e.g. MultiRC `question`) and the field path it was read from. */
export interface IdxEntry {
  level: string;
  value: string | number;
  field: string;
}

export interface ValidationResult<T extends TaskName> {
  record: TaskRecordMap[T];
  ids: IdxEntry[];
}

const BOOLS = [false, true] as const;

type Validator = (raw: unknown, c: RecordChecker, labelled: boolean) => ValidationResult<TaskName>;

function pair(premiseKey: string, hypothesisKey: string, labels: readonly string[]): Validator {
  return (raw, c, labelled) => {
    const o = c.object(raw, undefined);
    c.string(o, premiseKey);
    c.string(o, hypothesisKey);
    const idx = c.int(o, 'idx');
    c.label(o, labels, labelled);
    return { record: o as never, ids: [{ level: 'record', value: idx, field: 'idx' }] };
  };
}

const boolq: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  c.string(o, 'question');
  c.string(o, 'passage');
  const idx = c.int(o, 'idx');
  c.label(o, BOOLS, labelled);
  return { record: o as never, ids: [{ level: 'record', value: idx, field: 'idx' }] };
};

const copa: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  c.string(o, 'premise');
  c.string(o, 'choice1');
  c.string(o, 'choice2');
  c.label(o, ['cause', 'effect'] as const, true, 'question');
  const idx = c.int(o, 'idx');
  c.label(o, COPA_LABELS, labelled);
  return { record: o as never, ids: [{ level: 'record', value: idx, field: 'idx' }] };
};

const multirc: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  const idx = c.int(o, 'idx');
  c.optionalNumber(o, 'version');
  if (o.passage === undefined) c.fail('passage', 'missing field');
  const passage = c.object(o.passage, 'passage');
  c.string(passage, 'text', 'passage.text');
  const ids: IdxEntry[] = [{ level: 'paragraph', value: idx, field: 'idx' }];
  const questions = c.array(passage, 'questions', 'passage.questions');
  if (questions.length === 0) c.fail('passage.questions', 'expected at least one question');
  questions.forEach((qRaw, qi) => {
    const qPath = `passage.questions[${qi}]`;
    const q = c.object(qRaw, qPath);
    c.string(q, 'question', `${qPath}.question`);
    ids.push({ level: 'question', value: c.int(q, 'idx', `${qPath}.idx`), field: `${qPath}.idx` });
    const answers = c.array(q, 'answers', `${qPath}.answers`);
    if (answers.length === 0) c.fail(`${qPath}.answers`, 'expected at least one answer');
    answers.forEach((aRaw, ai) => {
      const aPath = `${qPath}.answers[${ai}]`;
      const a = c.object(aRaw, aPath);
      c.string(a, 'text', `${aPath}.text`);
      ids.push({ level: 'answer', value: c.int(a, 'idx', `${aPath}.idx`), field: `${aPath}.idx` });
      c.label(a, MULTIRC_LABELS, labelled, 'label', `${aPath}.label`);
    });
  });
  return { record: o as never, ids };
};

function inclusiveSpan(c: RecordChecker, span: Record<string, unknown>, path: string, textLength: number) {
  const start = c.int(span, 'start', `${path}.start`, 0);
  const end = c.int(span, 'end', `${path}.end`, 0);
  if (end < start) c.fail(`${path}.end`, `inclusive end ${end} is before start ${start}`);
  if (end >= textLength) {
    c.fail(`${path}.end`, `inclusive end ${end} is outside the passage (length ${textLength})`);
  }
  return { start, end };
}

const record: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  c.string(o, 'source');
  const idx = c.int(o, 'idx');
  if (o.passage === undefined) c.fail('passage', 'missing field');
  const passage = c.object(o.passage, 'passage');
  const text = c.string(passage, 'text', 'passage.text');
  const entities = c.array(passage, 'entities', 'passage.entities');
  entities.forEach((e, i) => {
    inclusiveSpan(c, c.object(e, `passage.entities[${i}]`), `passage.entities[${i}]`, text.length);
  });
  const ids: IdxEntry[] = [{ level: 'passage', value: idx, field: 'idx' }];
  const qas = c.array(o, 'qas');
  if (qas.length === 0) c.fail('qas', 'expected at least one query');
  qas.forEach((qRaw, qi) => {
    const qPath = `qas[${qi}]`;
    const q = c.object(qRaw, qPath);
    const query = c.string(q, 'query', `${qPath}.query`);
    if (!query.includes('@placeholder')) c.fail(`${qPath}.query`, 'query has no "@placeholder"');
    ids.push({ level: 'query', value: c.int(q, 'idx', `${qPath}.idx`), field: `${qPath}.idx` });
    if (q.answers === undefined) {
      if (labelled) c.fail(`${qPath}.answers`, 'missing field (labelled split)');
      return;
    }
    const answers = c.array(q, 'answers', `${qPath}.answers`);
    answers.forEach((aRaw, ai) => {
      const aPath = `${qPath}.answers[${ai}]`;
      const a = c.object(aRaw, aPath);
      inclusiveSpan(c, a, aPath, text.length);
      c.string(a, 'text', `${aPath}.text`);
    });
  });
  return { record: o as never, ids };
};

const wic: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  c.string(o, 'word');
  for (const k of ['1', '2'] as const) {
    const sentence = c.string(o, `sentence${k}`);
    const start = c.int(o, `start${k}`, `start${k}`, 0);
    const end = c.int(o, `end${k}`, `end${k}`, 0);
    if (end <= start) c.fail(`end${k}`, `exclusive end ${end} must be after start ${start}`);
    if (end > sentence.length) {
      c.fail(`end${k}`, `exclusive end ${end} is outside sentence${k} (length ${sentence.length})`);
    }
  }
  const idx = c.int(o, 'idx');
  c.label(o, BOOLS, labelled);
  c.optionalNumber(o, 'version');
  return { record: o as never, ids: [{ level: 'record', value: idx, field: 'idx' }] };
};

const wsc: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  const text = c.string(o, 'text');
  if (o.target === undefined) c.fail('target', 'missing field');
  const target = c.object(o.target, 'target');
  const words = text.split(' ').length;
  for (const k of ['1', '2'] as const) {
    const index = c.int(target, `span${k}_index`, `target.span${k}_index`, 0);
    if (index >= words) {
      c.fail(`target.span${k}_index`, `word index ${index} is outside text.split(" ") (${words} words)`);
    }
    const spanText = c.string(target, `span${k}_text`, `target.span${k}_text`);
    if (spanText.trim() === '') c.fail(`target.span${k}_text`, 'empty span text');
  }
  const idx = c.int(o, 'idx');
  c.label(o, BOOLS, labelled);
  return { record: o as never, ids: [{ level: 'record', value: idx, field: 'idx' }] };
};

const axb: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  c.string(o, 'sentence1');
  c.string(o, 'sentence2');
  if (o.idx === undefined) c.fail('idx', 'missing field');
  if (typeof o.idx !== 'string') {
    c.fail('idx', `expected a string (AX-b idx values are JSON strings), got ${jsonType(o.idx)}`);
  }
  const idx = o.idx as string;
  c.label(o, RTE_LABELS, labelled);
  for (const k of ['lexical-semantics', 'predicate-argument-structure', 'logic', 'knowledge']) {
    c.optionalString(o, k);
  }
  return { record: o as never, ids: [{ level: 'record', value: idx, field: 'idx' }] };
};

const axg: Validator = (raw, c, labelled) => {
  const o = c.object(raw, undefined);
  c.string(o, 'premise');
  c.string(o, 'hypothesis');
  const idx = c.int(o, 'idx');
  c.int(o, 'pair_id');
  c.label(o, RTE_LABELS, labelled);
  return { record: o as never, ids: [{ level: 'record', value: idx, field: 'idx' }] };
};

const VALIDATORS: Record<TaskName, Validator> = {
  BoolQ: boolq,
  CB: pair('premise', 'hypothesis', CB_LABELS),
  COPA: copa,
  MultiRC: multirc,
  ReCoRD: record,
  RTE: pair('premise', 'hypothesis', RTE_LABELS),
  WiC: wic,
  WSC: wsc,
  'AX-b': axb,
  'AX-g': axg,
};

/**
 * Checks one parsed JSONL value against the official schema of `task`. Returns the value itself
 * (all official fields kept, extra fields untouched) and the `idx` values it carries, so the
 * caller can check uniqueness across the file. `labelled` makes labels mandatory.
 */
export function validateRecord<T extends TaskName>(
  task: T,
  raw: unknown,
  checker: RecordChecker,
  labelled: boolean,
): ValidationResult<T> {
  return VALIDATORS[task](raw, checker, labelled) as ValidationResult<T>;
}
