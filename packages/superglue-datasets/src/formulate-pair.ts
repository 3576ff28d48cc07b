import { labelIndex } from '@selfevo/superglue-tasks';
import type { FormulateOptions, PairExample } from './formulated-example.js';
import { inputsOf } from './token-spans.js';
import type { TokenizerLike } from './tokenizer-contract.js';
import type { AxBRecord, AxGRecord, BoolQRecord, CbRecord, RteRecord } from './types.js';

export const DEFAULT_MAX_LENGTH = 512;

type PairTask = PairExample['task'];
type PairRecord<T extends PairTask> = T extends 'BoolQ'
  ? BoolQRecord
  : T extends 'CB'
    ? CbRecord
    : T extends 'RTE'
      ? RteRecord
      : T extends 'AX-b'
        ? AxBRecord
        : AxGRecord;

/** The two texts of a sentence-pair task, in the order of methods §3.3. */
export function pairTexts(task: PairTask, record: PairRecord<PairTask>): [string, string] {
  switch (task) {
    case 'BoolQ': {
      const r = record as BoolQRecord;
      return [r.question, r.passage];
    }
    case 'AX-b': {
      const r = record as AxBRecord;
      return [r.sentence1, r.sentence2];
    }
    default: {
      const r = record as CbRecord | RteRecord | AxGRecord;
      return [r.premise, r.hypothesis];
    }
  }
}

/**
 * BoolQ (question, passage) and CB / RTE / AX-b / AX-g (premise, hypothesis) as one sentence-pair
 * input each; labels become class indices of `BOOLQ_LABELS`, `CB_LABELS`, `RTE_LABELS`. Inputs
 * longer than `maxLength` are cut `longest_first` (the passage, for BoolQ).
 */
export function formulatePair<T extends PairTask>(
  task: T,
  record: PairRecord<T>,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): PairExample {
  const [a, b] = pairTexts(task, record);
  const enc = tokenizer.encode(a, b, {
    truncation: 'longest_first',
    maxLength: options.maxLength ?? DEFAULT_MAX_LENGTH,
  });
  const label = record.label === undefined ? undefined : labelIndex(task, record.label);
  return {
    kind: 'pair',
    task,
    idx: record.idx,
    ...inputsOf(enc),
    truncated: enc.overflowing.length > 0,
    ...(label === undefined ? {} : { label }),
    ...(task === 'AX-g' ? { minimalPair: Math.floor((record as AxGRecord).idx / 2) } : {}),
  };
}
