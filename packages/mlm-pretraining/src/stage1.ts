import {
  type InformativeCriterion,
  type MaskedLmModel,
  newScoreStats,
  type ScoreStats,
  type ScoringBatch,
  scoreInformativeTokens,
} from '@selfevo/self-evolution-masking';
import { writeSelection } from '@selfevo/self-evolution-masking/node';
import { createProgress, type ProgressMode } from '@selfevo/utils/node';
import { PretrainingConfigError } from './errors.js';
import { attentionMaskOf, type PackedSequences } from './packing.js';

export interface ScoreSelectionsOptions {
  /** Selection file to write (JSONL, atomic); ids are row indices into `rows`. */
  path: string;
  /** Never scored or selected. */
  specialTokenIds: readonly number[];
  /** Default `'nll'` with τ = 0.1 (§1.1); `'topk'` with `topKRatio` fixes the per-row budget. */
  criterion?: InformativeCriterion;
  threshold?: number;
  topKRatio?: number;
  /** Rows per forward pass; default 16. */
  batchSize?: number;
  /** Written into the file's header line. */
  meta?: Record<string, unknown>;
  progress?: ProgressMode;
}

/**
 * SE stage 1 over packed rows: the model in eval mode scores every maskable token of every row
 * (unmasked input) and the informative positions are streamed into a selection file
 * (`writeSelection`), keyed by row index. Returns the counts and timing (tokens/s).
 */
export async function scoreSelections(
  model: MaskedLmModel & { setTraining?(t: boolean): void },
  rows: PackedSequences,
  o: ScoreSelectionsOptions,
): Promise<ScoreStats & { tokensPerSecond: number; selectedShare: number }> {
  const B = o.batchSize ?? 16;
  if (!Number.isInteger(B) || B < 1)
    throw new PretrainingConfigError('batchSize', `must be a positive integer, got ${B}`);
  const T = rows.seqLength;
  const stats = newScoreStats();
  const bar = createProgress({ label: 'SE stage 1', total: rows.count, unit: 'sequences', mode: o.progress });
  model.setTraining?.(false);
  function* batches(): Generator<ScoringBatch> {
    for (let b0 = 0; b0 < rows.count; b0 += B) {
      const idx = Array.from({ length: Math.min(B, rows.count - b0) }, (_, i) => b0 + i);
      bar.update(b0, stats.seconds > 0 ? `${Math.round(stats.tokensScored / stats.seconds)} tokens/s` : '');
      yield {
        inputIds: rows.ids.subarray(b0 * T, (b0 + idx.length) * T),
        attentionMask: attentionMaskOf(rows, idx),
        seqLength: T,
        ids: idx,
      };
    }
  }
  await writeSelection(
    o.path,
    scoreInformativeTokens(model, batches(), {
      criterion: o.criterion,
      threshold: o.threshold,
      topKRatio: o.topKRatio,
      specialTokenIds: o.specialTokenIds,
      stats,
    }),
    {
      meta: {
        criterion: o.criterion ?? 'nll',
        threshold: o.threshold,
        topKRatio: o.topKRatio,
        rows: rows.count,
        ...o.meta,
      },
    },
  );
  const tokensPerSecond = stats.seconds > 0 ? stats.tokensScored / stats.seconds : 0;
  const selectedShare = stats.tokensScored > 0 ? stats.selected / stats.tokensScored : 0;
  bar.update(rows.count);
  bar.stop(`${Math.round(tokensPerSecond)} tokens/s, ${(100 * selectedShare).toFixed(1)}% selected`);
  return { ...stats, tokensPerSecond, selectedShare };
}
