import { SpanAlignmentError } from './errors.js';
import { DEFAULT_MAX_LENGTH } from './formulate-pair.js';
import type { FormulateOptions, WicExample } from './formulated-example.js';
import { charSpanToTokens, inputsOf } from './token-spans.js';
import type { TokenizerLike } from './tokenizer-contract.js';
import type { WicRecord } from './types.js';

/**
 * WiC: (sentence1, sentence2), with the target word's character spans (`startK`/`endK`, end
 * exclusive) mapped through the token offsets to token ranges `[start, end)` in `inputIds`. A word
 * piece that straddles the span edge is included (e.g. "does" inside "doesn't" → the "doesn" token).
 * Throws `SpanAlignmentError` if a span has no token (e.g. truncated away).
 */
export function formulateWic(
  record: WicRecord,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): WicExample {
  const enc = tokenizer.encode(record.sentence1, record.sentence2, {
    truncation: 'longest_first',
    maxLength: options.maxLength ?? DEFAULT_MAX_LENGTH,
  });
  const span = (k: 0 | 1): [number, number] => {
    const [start, end] = k === 0 ? [record.start1, record.end1] : [record.start2, record.end2];
    const range = charSpanToTokens(enc, k, start, end);
    if (!range) {
      throw new SpanAlignmentError(
        `WiC idx ${record.idx}: no token covers sentence${k + 1}[${start}, ${end}) (truncated? maxLength ${options.maxLength ?? DEFAULT_MAX_LENGTH})`,
      );
    }
    return range;
  };
  return {
    kind: 'wic',
    task: 'WiC',
    idx: record.idx,
    ...inputsOf(enc),
    truncated: enc.overflowing.length > 0,
    spans: [span(0), span(1)],
    ...(record.label === undefined ? {} : { label: record.label ? 1 : 0 }),
  };
}
