// SPoT (Vu et al., ACL 2022): prompt-space task similarity, source ranking and the
// similarity-weighted init from the top-k source prompts. Plain float64 JS on small matrices.
import * as tf from '@tensorflow/tfjs-core';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import { type PromptTensorData, SoftPrompt } from './soft-prompt.js';

/** A prompt as values: `PromptTensorData`, a `SoftPrompt`, or a tensor. */
export type PromptLike = PromptTensorData | SoftPrompt | tf.Tensor;

/**
 * `cosine-of-average`: SPoT (a), `cos(mean_i e¹_i, mean_j e²_j)`.
 * `average-cosine`: SPoT (b), `(1 / (L₁L₂)) Σ_i Σ_j cos(e¹_i, e²_j)` (L₁ = L₂ = L in the paper).
 */
export type SpotMetric = 'cosine-of-average' | 'average-cosine';

/** A prompt viewed as L token vectors of width D (prefix `[N, 2, L, H]` → D = 2·N·H per position). */
export interface PromptTokens {
  rows: number;
  cols: number;
  data: Float64Array;
}

function toData(p: PromptLike, what: string): PromptTensorData {
  if (p instanceof SoftPrompt) return p.toData();
  if (p instanceof tf.Tensor) return { shape: [...p.shape], data: Float32Array.from(p.dataSync()) };
  if (!p || !Array.isArray(p.shape) || !(p.data instanceof Float32Array))
    throw new PromptConfigError(what, 'expected a SoftPrompt, a tensor or { shape, data: Float32Array }');
  return p;
}

/** Token vectors of a prompt: `[L, H]` as is; prefixes `[N, 2, L, H]` concatenated per position. */
export function promptTokens(p: PromptLike, what = 'prompt'): PromptTokens {
  const { shape, data } = toData(p, what);
  if (shape.length === 2) return { rows: shape[0], cols: shape[1], data: Float64Array.from(data) };
  if (shape.length === 4 && shape[1] === 2) {
    const [N, , L, H] = shape;
    const out = new Float64Array(L * N * 2 * H);
    for (let n = 0; n < N; n++)
      for (let k = 0; k < 2; k++)
        for (let l = 0; l < L; l++)
          for (let h = 0; h < H; h++)
            out[l * N * 2 * H + (n * 2 + k) * H + h] = data[((n * 2 + k) * L + l) * H + h];
    return { rows: L, cols: N * 2 * H, data: out };
  }
  throw new PromptMismatchError(what, `expected shape [L, H] or [N, 2, L, H], got [${shape}]`);
}

/** Cosine of two equal-length vectors; 0 when either is the zero vector. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new PromptMismatchError('b', `length ${b.length} differs from ${a.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function meanRow(t: PromptTokens): Float64Array {
  const m = new Float64Array(t.cols);
  for (let r = 0; r < t.rows; r++) for (let c = 0; c < t.cols; c++) m[c] += t.data[r * t.cols + c];
  for (let c = 0; c < t.cols; c++) m[c] /= t.rows;
  return m;
}

/** SPoT prompt similarity of two prompts (same token width; lengths may differ). */
export function promptSimilarity(
  a: PromptLike,
  b: PromptLike,
  metric: SpotMetric = 'cosine-of-average',
): number {
  const ta = promptTokens(a, 'a');
  const tb = promptTokens(b, 'b');
  if (ta.cols !== tb.cols)
    throw new PromptMismatchError(
      'b',
      `token width ${tb.cols} differs from ${ta.cols} (prompts from different backbones or modes)`,
    );
  if (metric === 'cosine-of-average') return cosine(meanRow(ta), meanRow(tb));
  if (metric !== 'average-cosine')
    throw new PromptConfigError('metric', `must be cosine-of-average or average-cosine, got ${metric}`);
  const D = ta.cols;
  const unit = (t: PromptTokens) => {
    const u = new Float64Array(t.data.length);
    for (let r = 0; r < t.rows; r++) {
      let n = 0;
      for (let c = 0; c < D; c++) n += t.data[r * D + c] ** 2;
      const inv = n === 0 ? 0 : 1 / Math.sqrt(n);
      for (let c = 0; c < D; c++) u[r * D + c] = t.data[r * D + c] * inv;
    }
    return u;
  };
  const ua = unit(ta);
  const ub = unit(tb);
  let sum = 0;
  for (let i = 0; i < ta.rows; i++)
    for (let j = 0; j < tb.rows; j++) {
      let dot = 0;
      for (let c = 0; c < D; c++) dot += ua[i * D + c] * ub[j * D + c];
      sum += dot;
    }
  return sum / (ta.rows * tb.rows);
}

export interface SourcePrompt {
  /** Source task name (e.g. `mnli`). */
  name: string;
  /** Its trained prompt: what `spotInit` copies or mixes. */
  prompt: PromptLike;
  /**
   * Its task embedding: the prompt after a fixed early number of steps (`taskEmbeddingRecorder`).
   * Similarities are taken on it; without it, on `prompt`.
   */
  embedding?: PromptLike;
}

export interface RankedSource {
  name: string;
  similarity: number;
}

/**
 * Sources sorted by the similarity of their task embedding (`embedding`, else `prompt`) to the
 * target's task embedding, most similar first (ties keep input order).
 */
export function rankSources(
  target: PromptLike,
  sources: readonly SourcePrompt[],
  metric: SpotMetric = 'cosine-of-average',
): RankedSource[] {
  if (sources.length === 0) throw new PromptConfigError('sources', 'is empty');
  const names = new Set<string>();
  for (const s of sources) {
    if (names.has(s.name)) throw new PromptConfigError('sources', `duplicate source name ${s.name}`);
    names.add(s.name);
  }
  return sources
    .map((s, i) => ({
      name: s.name,
      similarity: promptSimilarity(target, s.embedding ?? s.prompt, metric),
      i,
    }))
    .sort((x, y) => y.similarity - x.similarity || x.i - y.i)
    .map(({ name, similarity }) => ({ name, similarity }));
}

export interface SpotInitOptions {
  /** How many of the best-ranked sources to mix (default 1: the best source alone). */
  topK?: number;
  metric?: SpotMetric;
}

export interface SpotInit {
  /** The mixed prompt, same shape as the sources (use as `sourcePrompt` with `SOURCE` init). */
  prompt: PromptTensorData;
  /** The ranking of every source. */
  ranking: RankedSource[];
  /** The top-k sources and their weights `sim_r / Σ sim`. */
  weights: { name: string; similarity: number; weight: number }[];
}

/**
 * SPoT init: rank the sources by similarity to the target's task embedding, then average the
 * top-k source prompts weighted by `sim_r / Σ_{top-k} sim`. The weights need positive
 * similarities: a non-positive one among the top k is an error (choose a smaller `topK`).
 */
export function spotInit(
  target: PromptLike,
  sources: readonly SourcePrompt[],
  options: SpotInitOptions = {},
): SpotInit {
  const topK = options.topK ?? 1;
  if (!Number.isInteger(topK) || topK < 1 || topK > sources.length)
    throw new PromptConfigError('topK', `must be an integer in [1, ${sources.length}], got ${topK}`);
  const ranking = rankSources(target, sources, options.metric);
  const top = ranking.slice(0, topK);
  const bad = top.find((r) => !(r.similarity > 0));
  if (bad)
    throw new PromptConfigError(
      'topK',
      `source ${bad.name} in the top ${topK} has similarity ${bad.similarity} ≤ 0, so the weights ` +
        'sim_r / Σ sim are not a weighted average; use a smaller topK',
    );
  const total = top.reduce((s, r) => s + r.similarity, 0);
  const byName = new Map(sources.map((s) => [s.name, s.prompt]));
  const weights = top.map((r) => ({ ...r, weight: r.similarity / total }));
  const first = toData(byName.get(top[0].name)!, top[0].name);
  const acc = new Float64Array(first.data.length);
  for (const w of weights) {
    const d = toData(byName.get(w.name)!, w.name);
    if (d.shape.join(',') !== first.shape.join(','))
      throw new PromptMismatchError(
        w.name,
        `prompt shape [${d.shape}] differs from ${top[0].name}'s [${first.shape}]; only equal shapes can be averaged`,
      );
    for (let i = 0; i < acc.length; i++) acc[i] += w.weight * d.data[i];
  }
  return { prompt: { shape: [...first.shape], data: Float32Array.from(acc) }, ranking, weights };
}
