import * as tf from '@tensorflow/tfjs-core';
import { MaskingConfigError, ShapeMismatchError } from './errors.js';
import type { MaskedLmModel } from './masked-lm-model.js';
import type { SelectionRecord, SelectionRule } from './selection-format.js';
import { candidateMask, checkBatch, type TokenBatch } from './token-batch.js';

/** SE stage 1's default τ (§1.1): a token is informative iff −log p(gold) > 0.1, i.e. p(gold) < 0.905. */
export const DEFAULT_NLL_THRESHOLD = 0.1;

/**
 * How stage 1 decides that a token is informative (§1.1):
 * - `nll` (default, the released code): `−log p(x_t | x) > threshold` (τ = 0.1);
 * - `argmax`: the model's top prediction at the (unmasked) position is not the gold token;
 * - `entropy`: the predictive entropy (nats) exceeds `threshold` (no default: pass one);
 * - `topk`: per sequence the `round(topKRatio · n)` highest-scoring of its `n` maskable tokens
 *   (score `topKScore`: `nll` or `entropy`), a fixed budget to compare with 15% random masking.
 */
export type InformativeCriterion = 'nll' | 'argmax' | 'entropy' | 'topk';

export interface ScoreOptions {
  criterion?: InformativeCriterion;
  /** τ for `nll` (default 0.1) and `entropy` (required). */
  threshold?: number;
  /** Share of maskable tokens kept per sequence by `topk`; default 0.15. */
  topKRatio?: number;
  /** Score ranked by `topk`; default `nll`. */
  topKScore?: 'nll' | 'entropy';
  /** Ids never scored or selected (special tokens), in addition to `specialTokensMask`. */
  specialTokenIds?: Iterable<number>;
  /** MLM logits are computed for at most this many positions at a time (memory: this × V floats); default 512. */
  positionsPerChunk?: number;
  /** Also store each selected position's score (`nll`, or the entropy for `entropy`/`topk` by entropy). */
  includeScores?: boolean;
  /** Filled in while scoring: counts and time, for throughput reports. */
  stats?: ScoreStats;
}

export interface ScoreStats {
  batches: number;
  examples: number;
  /** Maskable tokens scored. */
  tokensScored: number;
  /** Tokens selected as informative. */
  selected: number;
  /** Wall-clock seconds spent in the model and the selection (excluding the consumer). */
  seconds: number;
}

/** A batch to score: a `TokenBatch` plus each row's example id (default: a running index). */
export type ScoringBatch = TokenBatch & { ids?: ReadonlyArray<string | number> };

/**
 * The records of stage 1, with `selection`: the rule they are selected by, defaults filled in
 * (reading it throws `MaskingConfigError` for invalid options, as iterating does).
 */
export type ScoredSelection = AsyncGenerator<SelectionRecord> & { readonly selection: SelectionRule };

/**
 * SE stage 1 (self-questioning): run the model in eval mode (no dropout, no gradient) over
 * **unmasked** batches, score every maskable token (not padding, not special) by the gold token's
 * probability at its own position, and yield, per example, the informative positions (indices
 * into the row, ascending). The count varies per sequence except for `topk`. Stream the result
 * into `writeSelection(path, scoreInformativeTokens(model, batches, opts))`: the file's header
 * then records the rule and the τ applied (`.selection`).
 */
export function scoreInformativeTokens(
  model: MaskedLmModel,
  batches: Iterable<ScoringBatch> | AsyncIterable<ScoringBatch>,
  options: ScoreOptions = {},
): ScoredSelection {
  return Object.defineProperty(scoreRecords(model, batches, options), 'selection', {
    get: () => selectionRule(planCriterion(options.criterion ?? 'nll', options)),
    enumerable: true,
  }) as ScoredSelection;
}

async function* scoreRecords(
  model: MaskedLmModel,
  batches: Iterable<ScoringBatch> | AsyncIterable<ScoringBatch>,
  options: ScoreOptions,
): AsyncGenerator<SelectionRecord> {
  const criterion = options.criterion ?? 'nll';
  const plan = planCriterion(criterion, options);
  const chunk = options.positionsPerChunk ?? 512;
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new MaskingConfigError('positionsPerChunk', `must be a positive integer, got ${chunk}`);
  const special = new Set(options.specialTokenIds ?? []);
  const stats = options.stats;
  let running = 0;
  for await (const batch of batches as AsyncIterable<ScoringBatch>) {
    const t0 = performance.now();
    const { batchSize, seqLength } = checkBatch(batch);
    if (batch.ids && batch.ids.length !== batchSize)
      throw new ShapeMismatchError('ids', `expected one id per row (${batchSize}), got ${batch.ids.length}`);
    const cand = candidateMask(batch, special);
    const positions: number[] = [];
    for (let i = 0; i < cand.length; i++) if (cand[i]) positions.push(i);
    const pos = Int32Array.from(positions);
    const { nll, entropy, argmaxWrong } = scorePositions(model, batch, pos, chunk, plan);
    // Per row selection.
    const records: SelectionRecord[] = [];
    let k = 0;
    let selected = 0;
    for (let b = 0; b < batchSize; b++) {
      const rowStart = k;
      while (k < pos.length && pos[k] < (b + 1) * seqLength) k++;
      const chosen = selectRow(plan, rowStart, k, nll, entropy, argmaxWrong);
      const rec: SelectionRecord = {
        id: batch.ids ? batch.ids[b] : running + b,
        positions: chosen.map((j) => pos[j] - b * seqLength),
      };
      if (options.includeScores) {
        const s = plan.scoreKind === 'entropy' ? entropy! : nll!;
        rec.scores = chosen.map((j) => s[j]);
      }
      selected += chosen.length;
      records.push(rec);
    }
    running += batchSize;
    if (stats) {
      stats.batches++;
      stats.examples += batchSize;
      stats.tokensScored += pos.length;
      stats.selected += selected;
      stats.seconds += (performance.now() - t0) / 1000;
    }
    for (const r of records) yield r;
  }
}

/** A fresh `ScoreStats` to pass as `options.stats`. */
export function newScoreStats(): ScoreStats {
  return { batches: 0, examples: 0, tokensScored: 0, selected: 0, seconds: 0 };
}

interface Plan {
  criterion: InformativeCriterion;
  threshold: number;
  topKRatio: number;
  needNll: boolean;
  needEntropy: boolean;
  needArgmax: boolean;
  scoreKind: 'nll' | 'entropy';
}

/** The plan as written into a selection file's header. */
function selectionRule(plan: Plan): SelectionRule {
  const { criterion, threshold } = plan;
  switch (criterion) {
    case 'nll':
      return { criterion, rule: 'nll > threshold', threshold };
    case 'entropy':
      return { criterion, rule: 'entropy > threshold', threshold };
    case 'argmax':
      return { criterion, rule: 'argmax ≠ gold' };
    case 'topk':
      return {
        criterion,
        rule: `the round(topKRatio · n) highest ${plan.scoreKind} of each sequence's n maskable tokens`,
        topKRatio: plan.topKRatio,
        topKScore: plan.scoreKind,
      };
  }
}

function planCriterion(criterion: InformativeCriterion, o: ScoreOptions): Plan {
  const topKScore = o.topKScore ?? 'nll';
  if (topKScore !== 'nll' && topKScore !== 'entropy')
    throw new MaskingConfigError('topKScore', `expected 'nll' | 'entropy', got ${String(topKScore)}`);
  let threshold = o.threshold ?? DEFAULT_NLL_THRESHOLD;
  const topKRatio = o.topKRatio ?? 0.15;
  switch (criterion) {
    case 'nll':
      break;
    case 'argmax':
      break;
    case 'entropy':
      if (o.threshold === undefined)
        throw new MaskingConfigError('threshold', `criterion 'entropy' needs an explicit threshold (nats)`);
      threshold = o.threshold;
      break;
    case 'topk':
      if (!(topKRatio >= 0 && topKRatio <= 1))
        throw new MaskingConfigError('topKRatio', `must be in [0, 1], got ${topKRatio}`);
      break;
    default:
      throw new MaskingConfigError(
        'criterion',
        `expected 'nll' | 'argmax' | 'entropy' | 'topk', got ${String(criterion)}`,
      );
  }
  if (!Number.isFinite(threshold))
    throw new MaskingConfigError('threshold', `must be finite, got ${threshold}`);
  const scoreKind =
    criterion === 'entropy' || (criterion === 'topk' && topKScore === 'entropy') ? 'entropy' : 'nll';
  return {
    criterion,
    threshold,
    topKRatio,
    needNll: scoreKind === 'nll' || criterion === 'nll' || !!o.includeScores,
    needEntropy: scoreKind === 'entropy',
    needArgmax: criterion === 'argmax',
    scoreKind,
  };
}

function scorePositions(
  model: MaskedLmModel,
  batch: ScoringBatch,
  pos: Int32Array,
  chunk: number,
  plan: Plan,
): { nll?: Float32Array; entropy?: Float32Array; argmaxWrong?: Uint8Array } {
  const n = pos.length;
  const nll = plan.needNll ? new Float32Array(n) : undefined;
  const entropy = plan.needEntropy ? new Float32Array(n) : undefined;
  const argmaxWrong = plan.needArgmax ? new Uint8Array(n) : undefined;
  if (n === 0) return { nll, entropy, argmaxWrong };
  const shape = [batch.inputIds.length / batch.seqLength, batch.seqLength];
  tf.tidy(() => {
    const first = pos.subarray(0, Math.min(chunk, n));
    const out = model.forward(
      {
        inputIds: { data: batch.inputIds, shape },
        attentionMask: batch.attentionMask ? { data: batch.attentionMask, shape } : undefined,
        tokenTypeIds: batch.tokenTypeIds ? { data: batch.tokenTypeIds, shape } : undefined,
        training: false,
      },
      first,
    );
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      tf.tidy(() => {
        const logits =
          start === 0 ? out.logits : model.mlmLogits(out.lastHiddenState, pos.subarray(start, end));
        const v = logits.shape[1];
        const logp = tf.logSoftmax(logits);
        if (nll) {
          const flat = new Int32Array(end - start);
          for (let j = start; j < end; j++) flat[j - start] = (j - start) * v + batch.inputIds[pos[j]];
          const g = tf.gather(tf.reshape(logp, [-1]), tf.tensor1d(flat, 'int32'));
          const d = g.dataSync();
          for (let j = start; j < end; j++) nll[j] = -d[j - start];
        }
        if (entropy) {
          const h = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)).dataSync();
          entropy.set(h, start);
        }
        if (argmaxWrong) {
          const a = tf.argMax(logits, 1).dataSync();
          for (let j = start; j < end; j++) argmaxWrong[j] = a[j - start] !== batch.inputIds[pos[j]] ? 1 : 0;
        }
      });
    }
  });
  return { nll, entropy, argmaxWrong };
}

function selectRow(
  plan: Plan,
  from: number,
  to: number,
  nll?: Float32Array,
  entropy?: Float32Array,
  argmaxWrong?: Uint8Array,
): number[] {
  const out: number[] = [];
  switch (plan.criterion) {
    case 'nll':
      for (let j = from; j < to; j++) if (nll![j] > plan.threshold) out.push(j);
      return out;
    case 'entropy':
      for (let j = from; j < to; j++) if (entropy![j] > plan.threshold) out.push(j);
      return out;
    case 'argmax':
      for (let j = from; j < to; j++) if (argmaxWrong![j]) out.push(j);
      return out;
    case 'topk': {
      const s = plan.scoreKind === 'entropy' ? entropy! : nll!;
      const k = Math.round(plan.topKRatio * (to - from));
      const idx = Array.from({ length: to - from }, (_, i) => from + i);
      // Highest score first; ties by position (stable, deterministic).
      idx.sort((a, b) => s[b] - s[a] || a - b);
      return idx.slice(0, k).sort((a, b) => a - b);
    }
  }
}
