import type { EncodeOptions, TruncationStrategy } from './encode-options.js';
import type { RawEncoding } from './encoding.js';
import { TruncationError } from './errors.js';

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

/** The `truncation` block of a tokenizer.json (HF names), applied when the call does not say otherwise. */
export function truncationFromJSON(j: any, earlyExit: boolean): TruncationConfig {
  return {
    maxLength: j.max_length,
    earlyExit,
    stride: j.stride ?? 0,
    strategy: STRATEGY_FROM_HF[j.strategy] ?? 'longest_first',
    direction: j.direction === 'Left' ? 'left' : 'right',
  };
}

/**
 * The truncation of one call: the call's options, else the tokenizer.json block (`fromJson`), else
 * none. Throws a `TruncationError` naming the bad option.
 */
export function truncationConfig(o: EncodeOptions, fromJson: unknown): TruncationConfig | null {
  const earlyExit = o.truncationEarlyExit ?? false;
  if (o.truncation === undefined && fromJson) return truncationFromJSON(fromJson, earlyExit);
  if (!o.truncation) return null;
  const strategy: TruncationStrategy = o.truncation === true ? 'longest_first' : o.truncation;
  if (!STRATEGIES.includes(strategy))
    throw new TruncationError(`unknown truncation strategy ${JSON.stringify(strategy)}`);
  if (o.maxLength === undefined || !Number.isInteger(o.maxLength) || o.maxLength < 0)
    throw new TruncationError('truncation needs a non-negative integer `maxLength`');
  const stride = o.stride ?? 0;
  if (!Number.isInteger(stride) || stride < 0)
    throw new TruncationError('`stride` must be a non-negative integer');
  return { maxLength: o.maxLength, earlyExit, stride, strategy, direction: o.truncationSide ?? 'right' };
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
  if (t.strategy === 'longest_first') {
    if (pair === null) {
      enc.truncate(maxLength, stride, direction);
      return;
    }
    const [n1, n2] = longestFirstLengths(enc.length, pair.length, maxLength);
    enc.truncate(n1, stride, direction);
    pair.truncate(n2, stride, direction);
    return;
  }
  const target = t.strategy === 'only_first' ? enc : pair;
  if (target === null) throw new TruncationError("truncation 'only_second' needs a pair of sequences");
  if (target.length <= toRemove)
    throw new TruncationError(
      `cannot truncate with '${t.strategy}': the sequence has ${target.length} tokens but ${toRemove} must be removed ` +
        `to reach maxLength ${t.maxLength}`,
    );
  target.truncate(target.length - toRemove, stride, direction);
}
