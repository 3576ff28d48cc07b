import { DEFAULT_MAX_LENGTH } from './formulate-pair.js';
import type { FormulateOptions, MultiRcExample } from './formulated-example.js';
import { inputsOf } from './token-spans.js';
import type { TokenizerLike } from './tokenizer-contract.js';
import type { MultiRcRecord } from './types.js';

/**
 * MultiRC as one binary input per answer option: (paragraph, question + " " + answer), with the
 * three official idx levels and `group` = question idx (EM is computed per question).
 */
export function formulateMultiRc(
  record: MultiRcRecord,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): MultiRcExample[] {
  const out: MultiRcExample[] = [];
  for (const q of record.passage.questions) {
    for (const a of q.answers) {
      const enc = tokenizer.encode(record.passage.text, `${q.question} ${a.text}`, {
        truncation: 'longest_first',
        maxLength: options.maxLength ?? DEFAULT_MAX_LENGTH,
      });
      out.push({
        kind: 'multirc',
        task: 'MultiRC',
        idx: { paragraph: record.idx, question: q.idx, answer: a.idx },
        group: q.idx,
        ...inputsOf(enc),
        truncated: enc.overflowing.length > 0,
        ...(a.label === undefined ? {} : { label: a.label }),
      });
    }
  }
  return out;
}
