import type { TaskName } from '@selfevo/superglue-tasks';
import type { EncodedInput } from './batching.js';

/** Fields of every formulated example: plain-array token inputs plus the task. */
export interface FormulatedBase extends EncodedInput {
  task: TaskName;
  /** True when the tokenizer cut tokens to fit `maxLength` (not the stride windows of ReCoRD). */
  truncated: boolean;
}

/** BoolQ (question, passage), CB/RTE/AX-g (premise, hypothesis), AX-b (sentence1, sentence2). */
export interface PairExample extends FormulatedBase {
  kind: 'pair';
  task: 'BoolQ' | 'CB' | 'RTE' | 'AX-b' | 'AX-g';
  /** Official idx (a string for AX-b). */
  idx: number | string;
  /** AX-g only: rows 2k and 2k+1 form a minimal pair; this is k = floor(idx / 2). */
  minimalPair?: number;
}

/** One COPA candidate: (premise + "because"/"so", choice). Score both, softmax per `group`. */
export interface CopaExample extends FormulatedBase {
  kind: 'copa';
  task: 'COPA';
  idx: number;
  /** The record's idx: the two candidates of one question share it. */
  group: number;
  /** 0 = choice1, 1 = choice2. */
  choice: 0 | 1;
  /** 1 when this choice is the right one (labelled splits). */
  label?: 0 | 1;
  /** The official label of the record (index of the right choice). */
  answer?: 0 | 1;
}

/** One MultiRC answer option: (paragraph, question + " " + answer) → 0/1. */
export interface MultiRcExample extends FormulatedBase {
  kind: 'multirc';
  task: 'MultiRC';
  idx: { paragraph: number; question: number; answer: number };
  /** Question idx: all answer options of a question (for EM). */
  group: number;
  label?: 0 | 1;
}

/** One ReCoRD candidate entity in one passage window: (passage window, query with @placeholder filled). */
export interface RecordExample extends FormulatedBase {
  kind: 'record';
  task: 'ReCoRD';
  idx: { passage: number; query: number };
  /** Query idx: argmax over all candidates (and windows) of one query. */
  group: number;
  /** The entity text (the official prediction value). */
  candidate: string;
  /** Index of the candidate among the query's distinct entity texts. */
  candidateIndex: number;
  /** Window of the passage (0-based) and how many windows the passage needed with this query. */
  window: number;
  windowCount: number;
  /** 1 when the candidate text equals one of the gold answer texts (labelled splits). */
  label?: 0 | 1;
}

/** WiC: (sentence1, sentence2) with the target word's token range in each. */
export interface WicExample extends FormulatedBase {
  kind: 'wic';
  task: 'WiC';
  idx: number;
  /** `[[start, end) in sentence1, [start, end) in sentence2]` as token indices of `inputIds`. */
  spans: [[number, number], [number, number]];
  label?: 0 | 1;
}

/** How a WSC span text was found in `text.split(" ")` (see `wscCharSpan`). */
export type WscAlignment = 'exact' | 'normalized' | 'relocated' | 'unmatched';

/** WSC: the text, with the noun phrase (span1) and pronoun (span2) token ranges. */
export interface WscExample extends FormulatedBase {
  kind: 'wsc';
  task: 'WSC';
  idx: number;
  /** `[span1, span2]` as `[start, end)` token indices of `inputIds`. */
  spans: [[number, number], [number, number]];
  /** Character ranges `[start, end)` of the spans in `text`. */
  charSpans: [[number, number], [number, number]];
  alignment: [WscAlignment, WscAlignment];
  label?: 0 | 1;
}

export type FormulatedExample =
  | PairExample
  | CopaExample
  | MultiRcExample
  | RecordExample
  | WicExample
  | WscExample;

export interface TaskExampleMap {
  BoolQ: PairExample;
  CB: PairExample;
  RTE: PairExample;
  'AX-b': PairExample;
  'AX-g': PairExample;
  COPA: CopaExample;
  MultiRC: MultiRcExample;
  ReCoRD: RecordExample;
  WiC: WicExample;
  WSC: WscExample;
}

export interface FormulateOptions {
  /** Longest input in tokens, special tokens included (default 512). */
  maxLength?: number;
  /** ReCoRD: tokens shared by consecutive passage windows (default 128). */
  stride?: number;
}
