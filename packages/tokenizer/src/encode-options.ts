import * as v from 'valibot';

/** HF truncation strategies: share the budget between a pair, or cut only the first / second sequence. */
export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS], [SEP], ...). Default true. */
  addSpecialTokens?: boolean;
  /** true = 'longest_first'. Needs `maxLength`. */
  truncation?: boolean | TruncationStrategy;
  /** Total length including special tokens (truncation, and padding 'max_length'). */
  maxLength?: number;
  /** Tokens shared by consecutive overflow windows (HF semantics). */
  stride?: number;
  /** Which end truncation removes. Default 'right'. */
  truncationSide?: 'right' | 'left';
  /**
   * Stop tokenizing a sequence once it holds `maxLength` tokens (whole pre-tokenized words, from the
   * start, or from the end for left truncation), as HF `tokenizers` >= 0.23 does. Faster on huge
   * inputs, but `overflowing` then only covers those tokens, and with left truncation word ids count
   * from the first word kept. Default false: overflow windows cover the whole input (the classic HF
   * sliding-window semantics).
   */
  truncationEarlyExit?: boolean;
  /** true = 'longest' (the longest encoding of the batch). */
  padding?: boolean | 'longest' | 'max_length';
  paddingSide?: 'right' | 'left';
  padToMultipleOf?: number;
}

// ---------------------------------------------------------------- bounds (checked before any allocation)

/**
 * Longest `maxLength`, `stride`, `padToMultipleOf` (options or tokenizer.json) accepted: 2^20 tokens.
 * A larger value is a `TruncationError` / `PaddingError`, not an out-of-memory abort.
 */
export const MAX_LENGTH = 2 ** 20;

/** Most tokens the overflow windows of one encode call may hold (2^23): beyond, a `TruncationError`. */
export const MAX_WINDOW_TOKENS = 2 ** 23;

/** Most pad tokens one encode / encodeBatch call may add (2^24): beyond, a `PaddingError`. */
export const MAX_PAD_TOKENS = 2 ** 24;

/** A length option: an integer in [0, MAX_LENGTH]. */
export const LengthSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_LENGTH));
const Side = v.picklist(['right', 'left']);

/** The options truncation reads (the strategy is checked by truncation.ts). */
export const TruncationOptionsSchema = v.looseObject({
  maxLength: LengthSchema,
  stride: v.optional(LengthSchema, 0),
  truncationSide: v.optional(Side, 'right'),
  truncationEarlyExit: v.optional(v.boolean(), false),
});

/** The options padding reads (the strategy is checked by padding.ts). */
export const PaddingOptionsSchema = v.looseObject({
  maxLength: v.optional(LengthSchema),
  paddingSide: v.optional(Side, 'right'),
  padToMultipleOf: v.optional(v.pipe(LengthSchema, v.minValue(1))),
});
