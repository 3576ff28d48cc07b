import { type BatchSource, epochRng } from './batch-source.js';
import { TrainerConfigError } from './errors.js';

/** One micro-batch and where it sits in the data: epoch and index inside the epoch. */
export interface MicroBatch<B> {
  batch: B;
  epoch: number;
  index: number;
}

/**
 * The run's micro-batches from `(fromEpoch, fromIndex)` on, epoch after epoch (`epochs`: stop
 * after that many; undefined: forever). Every epoch's order comes from `epochRng(seed, epoch)`, so
 * a resumed run sees the same batches; a source that cannot seek is skipped through.
 */
export function* microBatchStream<B>(
  source: BatchSource<B>,
  seed: number,
  epochs: number | undefined,
  fromEpoch: number,
  fromIndex: number,
): Generator<MicroBatch<B>> {
  for (let epoch = fromEpoch; epochs === undefined || epoch < epochs; epoch++) {
    const start = epoch === fromEpoch ? fromIndex : 0;
    const rng = epochRng(seed, epoch);
    let index = 0;
    let yielded = 0;
    if (source.seekable) {
      index = start;
      for (const batch of source.epochBatches(epoch, rng, start)) {
        yielded++;
        yield { batch, epoch, index: index++ };
      }
    } else {
      for (const batch of source.epochBatches(epoch, rng)) {
        if (index >= start) {
          yielded++;
          yield { batch, epoch, index };
        }
        index++;
      }
    }
    if (yielded === 0 && start === 0)
      throw new TrainerConfigError(`trainData yielded no batches in epoch ${epoch}`);
  }
}

/** Batches per epoch: `batchesPerEpoch` if the source knows it, else epoch 0 counted. */
export function countBatches<B>(source: BatchSource<B>, seed: number): number {
  if (source.batchesPerEpoch !== undefined) return source.batchesPerEpoch;
  let n = 0;
  for (const _ of source.epochBatches(0, epochRng(seed, 0))) n++;
  return n;
}
