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
