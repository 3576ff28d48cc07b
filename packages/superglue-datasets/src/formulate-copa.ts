import { DEFAULT_MAX_LENGTH } from './formulate-pair.js';
import type { CopaExample, FormulateOptions } from './formulated-example.js';
import { inputsOf } from './token-spans.js';
import type { TokenizerLike } from './tokenizer-contract.js';
import type { CopaRecord } from './types.js';

/** "because" for a cause question, "so" for an effect question. */
export function copaConnective(question: CopaRecord['question']): string {
  return question === 'cause' ? 'because' : 'so';
}

/** First text of a COPA candidate: the premise without its final punctuation, then the connective. */
export function copaContext(record: CopaRecord): string {
  return `${record.premise.replace(/[.!?]+\s*$/, '')} ${copaConnective(record.question)}`;
}

/**
 * COPA as two scored candidates: (premise + "because"/"so", choice1) and (…, choice2), sharing
 * `group` = the record's idx. Train a score per candidate with a softmax over the group; the
 * prediction is the `choice` of the higher score. `label` is 1 on the right candidate.
 */
export function formulateCopa(
  record: CopaRecord,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): [CopaExample, CopaExample] {
  const context = copaContext(record);
  const make = (choice: 0 | 1): CopaExample => {
    const enc = tokenizer.encode(context, choice === 0 ? record.choice1 : record.choice2, {
      truncation: 'longest_first',
      maxLength: options.maxLength ?? DEFAULT_MAX_LENGTH,
    });
    return {
      kind: 'copa',
      task: 'COPA',
      idx: record.idx,
      group: record.idx,
      choice,
      ...inputsOf(enc),
      truncated: enc.overflowing.length > 0,
      ...(record.label === undefined ? {} : { label: record.label === choice ? 1 : 0, answer: record.label }),
    };
  };
  return [make(0), make(1)];
}
