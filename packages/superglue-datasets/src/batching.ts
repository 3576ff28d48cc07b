import { SeededRandom } from '@selfevo/utils';
import { DatasetOptionError } from './errors.js';
import { BatchOptionsSchema, CollateOptionsSchema, parseOptions } from './input-schemas.js';
import { shuffled } from './seeded-shuffle.js';

/** The token arrays every formulated example has (plain JS arrays, one sequence). */
export interface EncodedInput {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  /** Class index (or 0/1 for a candidate); absent for unlabelled test data. */
  label?: number;
  /** Token ranges `[start, end)` (WiC, WSC): pooled span representations. */
  spans?: [number, number][];
}

/** A padded batch: row-major `[size, seqLength]` Int32Arrays, ready to become tensors. */
export interface Batch<E extends EncodedInput = EncodedInput> {
  size: number;
  seqLength: number;
  shape: [number, number];
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  /** `[size]`; present only when every example has a label. */
  labels?: Int32Array;
  /** `[size, spanCount, 2]` start/end token indices; present when every example has `spanCount` spans. */
  spans?: Int32Array;
  spanCount?: number;
  /** The examples, in batch row order (they carry the official idx to map predictions back). */
  examples: E[];
  /** Positions of the examples in the input array. */
  indices: number[];
}

export interface CollateOptions {
  /** Id written into padded positions (the tokenizer's `padTokenId`). */
  padTokenId: number;
  /** Round the padded length up to a multiple of this (e.g. 8). */
  padToMultipleOf?: number;
  /** Pad at least (or exactly, when all fit) to this length instead of the longest example. */
  minLength?: number;
}

/** The largest of `values` and `floor`, without spreading (a big array would overflow the stack). */
function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** Appends `items` to `target` in place, without spreading. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function lengths(examples: readonly EncodedInput[], indices?: readonly number[]): Iterable<number> {
  return indices ? indices.map((i) => examples[i]!.inputIds.length) : examples.map((e) => e.inputIds.length);
}

/**
 * Pads examples to the longest one (dynamic padding) and packs them into Int32Arrays. Options are
 * checked first (`DatasetOptionError` naming the option: a non-integer or negative pad id, multiple
 * or minimum length).
 */
export function collate<E extends EncodedInput>(
  examples: E[],
  options: CollateOptions,
  indices?: number[],
): Batch<E> {
  parseOptions(CollateOptionsSchema, options);
  if (examples.length === 0) throw new DatasetOptionError('examples', 'cannot collate an empty batch');
  let seqLength = maxOf(lengths(examples), options.minLength ?? 0);
  const multiple = options.padToMultipleOf;
  if (multiple && multiple > 1) seqLength = Math.ceil(seqLength / multiple) * multiple;
  const size = examples.length;
  const inputIds = new Int32Array(size * seqLength).fill(options.padTokenId);
  const tokenTypeIds = new Int32Array(size * seqLength);
  const attentionMask = new Int32Array(size * seqLength);
  const allLabelled = examples.every((e) => e.label !== undefined);
  const labels = allLabelled ? new Int32Array(size) : undefined;
  const spanCount = examples[0]!.spans?.length;
  const withSpans = spanCount !== undefined && examples.every((e) => e.spans?.length === spanCount);
  const spans = withSpans ? new Int32Array(size * spanCount * 2) : undefined;
  examples.forEach((e, row) => {
    const n = e.inputIds.length;
    if (e.tokenTypeIds.length !== n || e.attentionMask.length !== n) {
      throw new DatasetOptionError(
        `examples[${row}]`,
        `inputIds (${n}), tokenTypeIds (${e.tokenTypeIds.length}) and attentionMask (${e.attentionMask.length}) differ in length`,
      );
    }
    const off = row * seqLength;
    inputIds.set(e.inputIds, off);
    tokenTypeIds.set(e.tokenTypeIds, off);
    attentionMask.set(e.attentionMask, off);
    if (labels) labels[row] = e.label!;
    if (spans) {
      e.spans!.forEach(([s, t], k) => {
        spans[(row * spanCount! + k) * 2] = s;
        spans[(row * spanCount! + k) * 2 + 1] = t;
      });
    }
  });
  return {
    size,
    seqLength,
    shape: [size, seqLength],
    inputIds,
    tokenTypeIds,
    attentionMask,
    ...(labels ? { labels } : {}),
    ...(spans ? { spans, spanCount } : {}),
    examples,
    indices: indices ?? examples.map((_, i) => i),
  };
}

export interface BatchOptions<E extends EncodedInput> extends CollateOptions {
  /** Examples per batch (a group larger than this forms its own batch). */
  batchSize: number;
  /**
   * Shuffle deterministically with `seed` (a `SeededRandom` stream; default false: input order,
   * or length order with bucketing).
   */
  shuffle?: boolean;
  seed?: number;
  /**
   * Length bucketing: sort by length inside pools of `bucketBatches × batchSize` examples (the whole
   * set when not shuffling), so each batch holds similar lengths and pads little. 0 turns it off.
   */
  bucketBatches?: number;
  /**
   * Keep examples with the same key in the same batch (COPA candidates, MultiRC answers of one
   * question, ReCoRD candidates of one query). Groups are the unit of shuffling and bucketing.
   */
  groupKey?: (example: E) => string | number;
  /** Drop a final batch smaller than `batchSize` (training). */
  dropLast?: boolean;
}

interface Unit {
  indices: number[];
  length: number;
}

/**
 * Plans batches (lists of example positions) without building them. Deterministic for a given seed.
 * Options are checked first: `DatasetOptionError` naming the option (e.g. a batch size that is not
 * an integer >= 1, a negative `bucketBatches`, a `groupKey` that is not a function).
 */
export function planBatches<E extends EncodedInput>(
  examples: readonly E[],
  options: BatchOptions<E>,
): number[][] {
  parseOptions(BatchOptionsSchema, options);
  let units: Unit[];
  if (options.groupKey) {
    const byKey = new Map<string | number, number[]>();
    examples.forEach((e, i) => {
      const k = options.groupKey!(e);
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    });
    units = [...byKey.values()].map((indices) => ({
      indices,
      length: maxOf(lengths(examples, indices), 0),
    }));
  } else {
    units = examples.map((e, i) => ({ indices: [i], length: e.inputIds.length }));
  }
  const rng = new SeededRandom(options.seed ?? 0);
  if (options.shuffle) units = shuffled(units, rng);
  const bucket = options.bucketBatches ?? 0;
  if (bucket > 0) {
    const pool = options.shuffle ? bucket * options.batchSize : Number.POSITIVE_INFINITY;
    const sorted: Unit[] = [];
    let current: Unit[] = [];
    let count = 0;
    const flush = () => {
      append(
        sorted,
        current.sort((a, b) => a.length - b.length),
      );
      current = [];
      count = 0;
    };
    for (const u of units) {
      current.push(u);
      count += u.indices.length;
      if (count >= pool) flush();
    }
    flush();
    units = sorted;
  }
  const batches: number[][] = [];
  let batch: number[] = [];
  for (const u of units) {
    if (batch.length > 0 && batch.length + u.indices.length > options.batchSize) {
      batches.push(batch);
      batch = [];
    }
    append(batch, u.indices);
  }
  if (batch.length > 0 && !(options.dropLast && batch.length < options.batchSize)) batches.push(batch);
  // With bucketing the batches come out sorted by length; shuffle their order too.
  return options.shuffle && bucket > 0 ? shuffled(batches, rng) : batches;
}

/** Dynamic padding + optional length bucketing + deterministic seeded shuffling. */
export function* batchIterator<E extends EncodedInput>(
  examples: readonly E[],
  options: BatchOptions<E>,
): Generator<Batch<E>> {
  for (const plan of planBatches(examples, options)) {
    yield collate(
      plan.map((i) => examples[i]!),
      options,
      plan,
    );
  }
}

/** All batches as an array (see `batchIterator`). */
export function makeBatches<E extends EncodedInput>(
  examples: readonly E[],
  options: BatchOptions<E>,
): Batch<E>[] {
  return [...batchIterator(examples, options)];
}
