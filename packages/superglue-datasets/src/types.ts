import type { CbLabel, NliLabel, TaskName } from '@selfevo/superglue-tasks';

export interface BoolQRecord {
  question: string;
  /** Starts with the Wikipedia title: `"<title> -- <passage>"`. */
  passage: string;
  idx: number;
  label?: boolean;
}

export interface CbRecord {
  premise: string;
  hypothesis: string;
  idx: number;
  label?: CbLabel;
}

export interface CopaRecord {
  premise: string;
  choice1: string;
  choice2: string;
  question: 'cause' | 'effect';
  idx: number;
  /** 0 = choice1, 1 = choice2. */
  label?: 0 | 1;
}

export interface MultiRcAnswer {
  text: string;
  idx: number;
  label?: 0 | 1;
}

export interface MultiRcQuestion {
  question: string;
  idx: number;
  answers: MultiRcAnswer[];
}

/** One paragraph (one JSONL line) with its questions and their answer options. */
export interface MultiRcRecord {
  idx: number;
  version?: number;
  passage: { text: string; questions: MultiRcQuestion[] };
}

/** Character span into the passage text; `end` is **inclusive** (`text.slice(start, end + 1)`). */
export interface RecordEntitySpan {
  start: number;
  end: number;
}

export interface RecordAnswer extends RecordEntitySpan {
  text: string;
}

export interface RecordQuery {
  query: string;
  /** Absent in the test split. */
  answers?: RecordAnswer[];
  idx: number;
}

/** One passage (one JSONL line) with its cloze queries. */
export interface RecordRecord {
  source: string;
  passage: { text: string; entities: RecordEntitySpan[] };
  qas: RecordQuery[];
  idx: number;
}

export interface RteRecord {
  premise: string;
  hypothesis: string;
  idx: number;
  label?: NliLabel;
}

export interface WicRecord {
  word: string;
  sentence1: string;
  sentence2: string;
  /** Character offsets of the target word; `end` is exclusive. */
  start1: number;
  end1: number;
  start2: number;
  end2: number;
  idx: number;
  label?: boolean;
  version?: number;
}

export interface WscRecord {
  text: string;
  /** Word indices into `text.split(" ")`. */
  target: { span1_index: number; span1_text: string; span2_index: number; span2_text: string };
  idx: number;
  label?: boolean;
}

/** Broad-coverage diagnostic. `idx` is a JSON **string** in the official file. */
export interface AxBRecord {
  idx: string;
  sentence1: string;
  sentence2: string;
  label?: NliLabel;
  'lexical-semantics'?: string;
  'predicate-argument-structure'?: string;
  logic?: string;
  knowledge?: string;
}

/** Winogender diagnostic. Rows `2k` and `2k+1` form a minimal pair; `pair_id` is unique per row. */
export interface AxGRecord {
  premise: string;
  hypothesis: string;
  idx: number;
  pair_id: number;
  label?: NliLabel;
}

export interface TaskRecordMap {
  BoolQ: BoolQRecord;
  CB: CbRecord;
  COPA: CopaRecord;
  MultiRC: MultiRcRecord;
  ReCoRD: RecordRecord;
  RTE: RteRecord;
  WiC: WicRecord;
  WSC: WscRecord;
  'AX-b': AxBRecord;
  'AX-g': AxGRecord;
}

export type TaskRecord<T extends TaskName = TaskName> = TaskRecordMap[T];
