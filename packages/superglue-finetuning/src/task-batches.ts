import {
  type Batch,
  collate,
  type FormulatedExample,
  mulberry32,
  planBatches,
  shuffled,
} from '@selfevo/superglue-datasets';
import type { BatchSource } from '@selfevo/trainer';
import type { SeededRandom } from '@selfevo/utils';

import { FinetuneConfigError } from './errors.js';
/**
 * Key of the group an example belongs to: the candidates of one COPA question, the answer options of
 * one MultiRC question, the candidate entities (and windows) of one ReCoRD query. Groups are kept
 * whole in batches and when examples are capped. Other tasks: one example per group.
 */
export function exampleGroup(e: FormulatedExample): string | number {
  switch (e.kind) {
    case 'copa':
    case 'multirc':
    case 'record':
      return e.group;
    default:
      return String(e.idx);
  }
}

function groupsOf<E extends FormulatedExample>(examples: readonly E[]): E[][] {
  const byKey = new Map<string | number, E[]>();
  for (const e of examples) {
    const k = exampleGroup(e);
    const list = byKey.get(k);
    if (list) list.push(e);
    else byKey.set(k, [e]);
  }
  return [...byKey.values()];
}

/**
 * At most `max` examples, taken as whole groups from a seeded shuffle of the groups (so a cap is a
 * random sample, the same for the same seed); the kept examples stay in their original order.
 */
export function capExamples<E extends FormulatedExample>(
  examples: readonly E[],
  max: number | undefined,
  seed: number,
): E[] {
  if (max === undefined || examples.length <= max) return [...examples];
  if (!(Number.isInteger(max) && max >= 1))
    throw new FinetuneConfigError(
      'maxTrainExamples',
      `maxTrainExamples must be a positive integer, got ${max}`,
    );
  const groups = shuffled(groupsOf(examples), mulberry32(seed));
  const keep = new Set<E>();
  for (const g of groups) {
    if (keep.size > 0 && keep.size + g.length > max) continue;
    for (const e of g) keep.add(e);
    if (keep.size >= max) break;
  }
  return examples.filter((e) => keep.has(e));
}

/** A padded batch plus the number of real (non-padding) tokens in it. */
export type TaskBatch<E extends FormulatedExample = FormulatedExample> = Batch<E> & { tokens: number };

function withTokens<E extends FormulatedExample>(b: Batch<E>): TaskBatch<E> {
  let tokens = 0;
  for (const m of b.attentionMask) tokens += m;
  return Object.assign(b, { tokens });
}

/** Pad multiple used for all batches (fewer distinct shapes; kernels like multiples of 8). */
const PAD_MULTIPLE = 8;

/**
 * The trainer's batch source for one task: groups kept whole, seeded shuffle per epoch (from the
 * epoch generator the trainer passes, so a resumed run sees the same batches), length bucketing
 * inside pools of 20 batches, dynamic padding. Seekable: planning is cheap, collation is lazy.
 */
export function taskBatchSource<E extends FormulatedExample>(
  examples: readonly E[],
  batchSize: number,
  padTokenId: number,
): BatchSource<TaskBatch<E>> {
  const plan = (seed: number) =>
    planBatches(examples, {
      batchSize,
      padTokenId,
      shuffle: true,
      seed,
      bucketBatches: 20,
      groupKey: exampleGroup,
    });
  const batchesPerEpoch = plan(0).length;
  return {
    batchesPerEpoch,
    seekable: true,
    *epochBatches(_epoch: number, rng: SeededRandom, startBatch = 0) {
      const batches = plan(rng.nextInt(0x7fffffff));
      for (let b = startBatch; b < batches.length; b++) {
        const idx = batches[b]!;
        yield withTokens(
          collate(
            idx.map((i) => examples[i]!),
            { padTokenId, padToMultipleOf: PAD_MULTIPLE },
            idx,
          ),
        );
      }
    },
  };
}

/** Evaluation batches: input order within length buckets (little padding), groups whole. */
export function evalBatches<E extends FormulatedExample>(
  examples: readonly E[],
  batchSize: number,
  padTokenId: number,
): TaskBatch<E>[] {
  return planBatches(examples, { batchSize, padTokenId, bucketBatches: 1, groupKey: exampleGroup }).map(
    (idx) =>
      withTokens(
        collate(
          idx.map((i) => examples[i]!),
          { padTokenId, padToMultipleOf: PAD_MULTIPLE },
          idx,
        ),
      ),
  );
}
