// Source–target similarities of one seed: SPoT's prompt-space cosines of the task embeddings and
// PANDA's activation similarity (mean FFN activations at [CLS] with each trained prompt, on target inputs).
import {
  activationSimilarity,
  FFN_DEFAULT_POSITION,
  loadPrompt,
  type PromptBatch,
  type PromptTensorData,
  promptSimilarity,
  rankSources,
  SoftPrompt,
} from '@selfevo/prompt-transfer';
import { createTaskModel, evalBatches } from '@selfevo/superglue-finetuning';
import { backbone, type RunContext, taskOf } from './task-runs.js';

export interface SourceSimilarity {
  source: string;
  /** SPoT (a) on the task embeddings: cosine of the average prompt token (the ranking metric). */
  cosineOfAverage: number;
  /** SPoT (b): average per-token cosine of the task embeddings. */
  averageCosine: number;
  /** PANDA: cosine of mean FFN activations (position: first input token) with each trained prompt. */
  activation: number;
}

export interface TaskPrompts {
  embedding: PromptTensorData;
  prompt: PromptTensorData;
}

/** Loads a scratch run's task embedding and trained prompt. */
export async function loadTaskPrompts(
  ctx: RunContext,
  r: { promptDir?: string; embeddingDir?: string },
): Promise<TaskPrompts> {
  if (!r.promptDir || !r.embeddingDir)
    throw new Error('a scratch run without its prompt or embedding folder');
  const fp = await backbone(ctx);
  const [p, e] = await Promise.all([
    loadPrompt(r.promptDir, { backbone: fp }),
    loadPrompt(r.embeddingDir, { backbone: fp }),
  ]);
  return { prompt: p.prompt, embedding: e.prompt };
}

/** Every source ranked for `target` (SPoT ranking: cosine of average on the task embeddings), with all three similarities. */
export async function similarities(
  ctx: RunContext,
  target: string,
  seed: number,
  prompts: Map<string, TaskPrompts>,
  sources: readonly string[],
): Promise<SourceSimilarity[]> {
  const t = prompts.get(target)!;
  const ranking = rankSources(
    t.embedding,
    sources.map((s) => ({ name: s, prompt: prompts.get(s)!.prompt, embedding: prompts.get(s)!.embedding })),
    'cosine-of-average',
  );
  // probe: up to 32 of the target's training inputs (one batch, no padding issue: masks are given)
  const probeExamples = (await taskOf(ctx, target).train(seed)).slice(0, 32);
  const probe = evalBatches(probeExamples, 32, ctx.tokenizer.padTokenId ?? 0).map(
    (b): PromptBatch => ({
      inputIds: { data: b.inputIds, shape: b.shape },
      attentionMask: { data: b.attentionMask, shape: b.shape },
      tokenTypeIds: { data: b.tokenTypeIds, shape: b.shape },
    }),
  );
  const { model } = createTaskModel(taskOf(ctx, target).formulation, ctx.encoder, 0);
  const mk = (d: PromptTensorData) =>
    SoftPrompt.create(model.encoder, {
      numVirtualTokens: d.shape.length === 2 ? d.shape[0]! : d.shape[2]!,
      prefix: d.shape.length === 4,
      promptTuningInit: 'SOURCE',
      sourcePrompt: d,
    });
  const tp = mk(t.prompt);
  try {
    const out: SourceSimilarity[] = [];
    for (const r of ranking) {
      const s = prompts.get(r.name)!;
      const sp = mk(s.prompt);
      const act = activationSimilarity(model.encoder, sp, tp, probe, { position: FFN_DEFAULT_POSITION });
      sp.dispose();
      out.push({
        source: r.name,
        cosineOfAverage: r.similarity,
        averageCosine: promptSimilarity(t.embedding, s.embedding, 'average-cosine'),
        activation: act.similarity,
      });
    }
    return out;
  } finally {
    tp.dispose();
    model.dispose();
  }
}
