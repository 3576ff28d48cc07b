import { SeededRandom } from '@selfevo/encoder-model';
import { validateArrayBatchSource } from './options-schema.js';

/**
 * Where training batches come from, designed so a run can be resumed exactly.
 *
 * The trainer asks for one epoch at a time. `epochBatches(epoch, rng)` must be a pure function
 * of `epoch` and the state of `rng`: called twice with the same epoch and an `rng` in the same
 * state, it yields the same batches in the same order. The trainer passes a fresh generator
 * derived from `(seed, epoch)` (see {@link epochRng}), so a source that shuffles should shuffle
 * with that `rng` only, never with `Math.random`.
 *
 * The data position saved in a checkpoint is therefore just `(epoch, batchIndex)`: on resume the
 * trainer recreates the epoch's generator, calls `epochBatches` again and skips the first
 * `batchIndex` batches. Sources for which producing a batch is expensive can implement
 * `skipTo`-style seeking by honouring the optional `startBatch` argument: if they do, they must
 * set `seekable: true`, and the trainer then passes `startBatch` instead of skipping itself.
 */
export interface BatchSource<B> {
  /** The batches of epoch `epoch` (0-based), in order; deterministic in `(epoch, rng state)`. */
  epochBatches(epoch: number, rng: SeededRandom, startBatch?: number): Iterable<B>;
  /** Batches per epoch, if known without iterating (used for `epochs`, progress and schedules). */
  readonly batchesPerEpoch?: number;
  /** `true` if `epochBatches(epoch, rng, startBatch)` starts at `startBatch` itself. */
  readonly seekable?: boolean;
}

/** The generator the trainer hands to `epochBatches` for `epoch`: a pure function of `(seed, epoch)`. */
export function epochRng(seed: number, epoch: number): SeededRandom {
  return new SeededRandom(seed).fork(0x5eed + epoch);
}

export interface ArrayBatchSourceOptions<E, B> {
  batchSize: number;
  /** Shuffle the examples every epoch with the epoch's generator. Default true. */
  shuffle?: boolean;
  /** Drop a last batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Turn a list of examples into a batch (e.g. tensors). Called lazily, one batch at a time. */
  collate: (examples: E[]) => B;
}

/**
 * A {@link BatchSource} over an in-memory array: per-epoch seeded shuffle, fixed batch size,
 * lazy collation, and seeking (it only needs the permutation to start mid-epoch).
 */
export function arrayBatchSource<E, B>(
  examples: readonly E[],
  opts: ArrayBatchSourceOptions<E, B>,
): BatchSource<B> {
  validateArrayBatchSource(examples, opts);
  const { batchSize, shuffle = true, dropLast = false, collate } = opts;
  const n = examples.length;
  const batchesPerEpoch = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  return {
    batchesPerEpoch,
    seekable: true,
    *epochBatches(_epoch: number, rng: SeededRandom, startBatch = 0): Iterable<B> {
      const order = Array.from({ length: n }, (_, i) => i);
      if (shuffle) rng.shuffle(order);
      for (let b = startBatch; b < batchesPerEpoch; b++) {
        const idx = order.slice(b * batchSize, Math.min(n, (b + 1) * batchSize));
        yield collate(idx.map((i) => examples[i]));
      }
    },
  };
}
