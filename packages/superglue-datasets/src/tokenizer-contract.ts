/**
 * The part of `@selfevo/tokenizer`'s `Tokenizer` the formulations use, written structurally so a
 * `Tokenizer` instance can be passed as is (and so this package compiles against its contract).
 */
export type Truncation = boolean | 'longest_first' | 'only_first' | 'only_second';

export interface EncodeOptionsLike {
  addSpecialTokens?: boolean;
  truncation?: Truncation;
  maxLength?: number;
  stride?: number;
}

export interface EncodingLike {
  ids: ArrayLike<number>;
  typeIds: ArrayLike<number>;
  attentionMask: ArrayLike<number>;
  /** `[start, end)` in UTF-16 units of the original string of the token's sequence. */
  offsets: ArrayLike<readonly [number, number] | readonly number[]>;
  /** 0 or 1 for tokens of the first or second sequence, null for special tokens. */
  sequenceIds: ArrayLike<number | null | undefined>;
  specialTokensMask: ArrayLike<number>;
  overflowing: EncodingLike[];
}

export interface TokenizerLike {
  encode(text: string, pair?: string | null, options?: EncodeOptionsLike): EncodingLike;
  decode(ids: number[], ...rest: never[]): string;
  readonly padTokenId: number | null | undefined;
}
