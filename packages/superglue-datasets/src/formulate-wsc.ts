import { SpanAlignmentError } from './errors.js';
import { DEFAULT_MAX_LENGTH } from './formulate-pair.js';
import type { FormulateOptions, WscExample } from './formulated-example.js';
import { charSpanToTokens, inputsOf } from './token-spans.js';
import type { TokenizerLike } from './tokenizer-contract.js';
import type { WscRecord } from './types.js';
import { wscCharSpan } from './wsc-spans.js';

/**
 * WSC: the text as one sequence, with span1 (noun phrase) and span2 (pronoun) mapped from word
 * indices into `text.split(" ")` to character spans (`wscCharSpan`, which also reports how each
 * was aligned) and then through the token offsets to token ranges `[start, end)`.
 */
export function formulateWsc(
  record: WscRecord,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): WscExample {
  const enc = tokenizer.encode(record.text, null, {
    truncation: true,
    maxLength: options.maxLength ?? DEFAULT_MAX_LENGTH,
  });
  const s1 = wscCharSpan(record, 1);
  const s2 = wscCharSpan(record, 2);
  const tokens = (s: { start: number; end: number }, k: number): [number, number] => {
    const range = charSpanToTokens(enc, 0, s.start, s.end);
    if (!range) {
      throw new SpanAlignmentError(
        `WSC idx ${record.idx}: no token covers span${k} text[${s.start}, ${s.end})`,
      );
    }
    return range;
  };
  return {
    kind: 'wsc',
    task: 'WSC',
    idx: record.idx,
    ...inputsOf(enc),
    truncated: enc.overflowing.length > 0,
    spans: [tokens(s1, 1), tokens(s2, 2)],
    charSpans: [
      [s1.start, s1.end],
      [s2.start, s2.end],
    ],
    alignment: [s1.alignment, s2.alignment],
    ...(record.label === undefined ? {} : { label: record.label ? 1 : 0 }),
  };
}
