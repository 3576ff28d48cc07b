import * as v from 'valibot';
import { parseWith } from './config-schema.js';
import {
  type EncodeOptions,
  LengthSchema,
  MAX_WINDOW_TOKENS,
  TruncationOptionsSchema,
  type TruncationStrategy,
} from './encode-options.js';
import type { RawEncoding } from './encoding.js';
import { preview, TruncationError } from './errors.js';

/** Truncation settings of one encode call, resolved from the options or from tokenizer.json. */
export interface TruncationConfig {
  /** Total length including special tokens. */
  maxLength: number;
  earlyExit: boolean;
  stride: number;
  strategy: TruncationStrategy;
  direction: 'right' | 'left';
}

const STRATEGY_FROM_HF: Record<string, TruncationStrategy> = {
  LongestFirst: 'longest_first',
  OnlyFirst: 'only_first',
  OnlySecond: 'only_second',
};

const STRATEGIES: readonly TruncationStrategy[] = ['longest_first', 'only_first', 'only_second'];

/** The `truncation` block of a tokenizer.json (HF field names; lengths bounded by `MAX_LENGTH`). */
export const TruncationJsonSchema = v.looseObject({
  max_length: LengthSchema,
  stride: v.nullish(LengthSchema, 0),
  strategy: v.nullish(v.picklist(['LongestFirst', 'OnlyFirst', 'OnlySecond']), 'LongestFirst'),
  direction: v.nullish(v.picklist(['Left', 'Right']), 'Right'),
});

/**
 * The `truncation` block of a tokenizer.json (HF names), applied when the call does not say otherwise;
 * a bad block is a `TruncationError` naming the field.
 */
export function truncationFromJSON(j: unknown, earlyExit: boolean): TruncationConfig {
  const c = parseWith(TruncationJsonSchema, j, 'tokenizer.json: truncation', TruncationError);
  return {
    maxLength: c.max_length,
    earlyExit,
    stride: c.stride,
    strategy: STRATEGY_FROM_HF[c.strategy],
    direction: c.direction === 'Left' ? 'left' : 'right',
  };
}

/**
 * The truncation of one call: the call's options, else the tokenizer.json block (`fromJson`), else
 * none. Throws a `TruncationError` naming the bad option.
 */
export function truncationConfig(o: EncodeOptions, fromJson: unknown): TruncationConfig | null {
  const earlyExit = o.truncationEarlyExit ?? false;
  if (typeof earlyExit !== 'boolean')
    throw new TruncationError(
      `encode options.truncationEarlyExit: expected a boolean, got ${preview(earlyExit)}`,
    );
  if (o.truncation === undefined && fromJson) return truncationFromJSON(fromJson, earlyExit);
  if (!o.truncation) return null;
  const strategy: TruncationStrategy = o.truncation === true ? 'longest_first' : o.truncation;
  if (!STRATEGIES.includes(strategy))
    throw new TruncationError(`unknown truncation strategy ${preview(strategy)}`);
  if (o.maxLength === undefined)
    throw new TruncationError('truncation needs a non-negative integer `maxLength`');
  const c = parseWith(TruncationOptionsSchema, o, 'encode options', TruncationError);
  return { maxLength: c.maxLength, earlyExit, stride: c.stride, strategy, direction: c.truncationSide };
}

/**
 * Tokens left to the sequences once the post-processor's `nAdded` special tokens are counted: the
 * length `truncateEncodings` cuts to. Checks that the strategy, length and stride can work.
 */
export function truncationBudget(t: TruncationConfig, nAdded: number, isPair: boolean): number {
  if (t.strategy === 'only_second' && !isPair)
    throw new TruncationError("truncation 'only_second' needs a pair of sequences");
  if (t.maxLength < nAdded)
    throw new TruncationError(
      `maxLength ${t.maxLength} is shorter than the ${nAdded} special tokens added to ${isPair ? 'a pair' : 'a sequence'}`,
    );
  const budget = t.maxLength - nAdded;
  if (t.stride > 0 && t.stride >= budget)
    throw new TruncationError(
      `stride ${t.stride} must be smaller than the window (${budget} = maxLength ${t.maxLength} - ${nAdded} special tokens)`,
    );
  return budget;
}

/**
 * HF `longest_first` lengths for a pair of `n1` and `n2` tokens cut to `maxLength` in all: the longer
 * one gives up tokens first; if both are still too long they share `maxLength` (the longer one, the
 * second on a tie, gets the odd token).
 */
export function longestFirstLengths(n1: number, n2: number, maxLength: number): [number, number] {
  const swap = n1 > n2;
  let short = swap ? n2 : n1;
  let long = short > maxLength ? short : Math.max(short, maxLength - short);
  if (short + long > maxLength) {
    short = Math.floor(maxLength / 2);
    long = short + (maxLength % 2);
  }
  return swap ? [long, short] : [short, long];
}

/** HF `truncate_encodings`: cut `enc` (and `pair`) to `maxLength` tokens in all, overflow windows kept. */
export function truncateEncodings(
  enc: RawEncoding,
  pair: RawEncoding | null,
  t: TruncationConfig,
  maxLength: number,
): void {
  const { stride, direction } = t;
  if (maxLength === 0) {
    enc.truncate(0, stride, direction);
    pair?.truncate(0, stride, direction);
    return;
  }
  const total = enc.length + (pair?.length ?? 0);
  if (total <= maxLength) return;
  const toRemove = total - maxLength;
  let n1 = enc.length;
  let n2 = pair?.length ?? 0;
  if (t.strategy === 'longest_first') {
    if (pair === null) n1 = maxLength;
    else [n1, n2] = longestFirstLengths(enc.length, pair.length, maxLength);
  } else {
    const target = t.strategy === 'only_first' ? enc : pair;
    if (target === null) throw new TruncationError("truncation 'only_second' needs a pair of sequences");
    if (target.length <= toRemove)
      throw new TruncationError(
        `cannot truncate with '${t.strategy}': the sequence has ${target.length} tokens but ${toRemove} must be removed ` +
          `to reach maxLength ${t.maxLength}`,
      );
    if (target === enc) n1 -= toRemove;
    else n2 -= toRemove;
  }
  checkWindowTokens(enc.length, n1, pair?.length ?? 0, n2, t);
  enc.truncate(n1, stride, direction);
  pair?.truncate(n2, stride, direction);
}

/** Windows `RawEncoding.truncate` cuts a sequence of `n` tokens into (`len` each, `stride` overlap). */
export function windowCount(n: number, len: number, stride: number): number {
  if (len >= n) return 1;
  if (len === 0 || stride >= len) return 2; // all in one overflow window / truncate refuses the stride
  return 1 + Math.ceil((n - len) / (len - stride));
}

/**
 * Refuse (a `TruncationError`) a truncation whose overflow windows would hold more than
 * `MAX_WINDOW_TOKENS` tokens: for a pair every window of one sequence is combined with every window
 * of the other (HF `merge_with`), so a small stride on two long sequences multiplies.
 */
function checkWindowTokens(l1: number, n1: number, l2: number, n2: number, t: TruncationConfig): void {
  const windows = windowCount(l1, n1, t.stride) * windowCount(l2, n2, t.stride);
  const tokens = windows * (Math.min(l1, n1) + Math.min(l2, n2));
  if (tokens > MAX_WINDOW_TOKENS)
    throw new TruncationError(
      `truncation to maxLength ${t.maxLength} with stride ${t.stride} would make ${windows} overflow windows ` +
        `(about ${tokens} tokens; at most ${MAX_WINDOW_TOKENS}): raise maxLength or lower stride`,
    );
}
