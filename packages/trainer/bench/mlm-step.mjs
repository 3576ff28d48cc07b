// The benchmarked work, shared by the main process and the data-parallel workers: a BertForMaskedLM
// (bench_torch.py's configs), a fixed MLM batch with ~15% masked positions, and the MLM loss on the
// masked positions only (and the last encoder layer there only). The config comes from SELFEVO_BENCH_CONFIG so that `createReplica` (called
// by the trainer's gradient workers, which inherit the environment) builds the same model.
import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, makeConfig, SeededRandom, sampleMaskedPositions } from '@selfevo/encoder-model';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import { configOf } from './configs.mjs';

export { CONFIGS, configOf, inferPositions, matmulFlops } from './configs.mjs';

export function makeModel(c, seed = 1) {
  const config = makeConfig({
    vocabSize: c.V,
    hiddenSize: c.H,
    numHiddenLayers: c.L,
    numAttentionHeads: c.A,
    intermediateSize: c.F,
    maxPositionEmbeddings: 512,
    hiddenDropoutProb: 0.1,
    attentionProbsDropoutProb: 0.1,
  });
  return new BertForMaskedLM(config, { seed });
}

/**
 * The full batch (B sequences of T tokens, 15% masked with id 4) split row-wise into `parts`
 * micro-batches of B/parts sequences. Plain typed arrays: structured-cloneable for the workers.
 */
export function makeBatches(c, parts) {
  if (c.B % parts !== 0) throw new Error(`batch ${c.B} does not split into ${parts} parts`);
  const rng = new SeededRandom(2);
  const ids = Int32Array.from({ length: c.B * c.T }, () => 5 + rng.nextInt(c.V - 5));
  const pos = sampleMaskedPositions(c.B, c.T, 0.15, rng);
  const labels = Int32Array.from(pos, (p) => ids[p]);
  for (const p of pos) ids[p] = 4;
  const rows = c.B / parts;
  const span = rows * c.T;
  return Array.from({ length: parts }, (_, i) => {
    const keep = [];
    for (let j = 0; j < pos.length; j++) if (pos[j] >= i * span && pos[j] < (i + 1) * span) keep.push(j);
    return {
      ids: ids.slice(i * span, (i + 1) * span),
      shape: [rows, c.T],
      pos: Int32Array.from(keep, (j) => pos[j] - i * span),
      labels: Array.from(keep, (j) => labels[j]),
    };
  });
}

// As @selfevo/self-evolution-masking's mlmLoss: the last encoder layer runs only at the masked
// positions too (lastLayer: 'masked'; the same loss, fewer FLOPs than bench_torch.py's full layer).
export function mlmLoss(model, batch, training) {
  const inputs = { inputIds: { data: batch.ids, shape: batch.shape }, training };
  const out = model.forward(inputs, batch.pos, { lastLayer: 'masked' });
  return crossEntropyAtPositions(out.logits, batch.labels);
}

// The data-parallel worker module: each worker thread has its own tfjs and wasm backend (with the
// kernel fixes, which useBackend('wasm') registers). Its weights are overwritten from shared memory.
export async function createReplica({ workerIndex }) {
  await useBackend('wasm');
  const model = makeModel(configOf(), 100 + workerIndex);
  return { model, lossFn: mlmLoss }; // (the worker re-seeds model.rng per micro-batch)
}
