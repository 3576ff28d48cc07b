// Inference speed of the model the bench trains: BertForMaskedLM.forward in eval mode (training:
// false, so no dropout; no gradient tape) on the default backend (wasm + the native GEMM, one GEMM
// thread per core), inside tf.tidy, for each batch size asked at sequence length T. `--head masked`
// (default) runs the MLM head at ~15% of the positions (as bench_torch.py's inference forward and the
// training step do; ours also runs the last encoder layer only there, lastLayer: 'masked'), `none` stops at the encoder's last hidden state, `all` runs it on every token.
// Prints one JSON line on stdout; torch_infer.py is the PyTorch side (same positions). Run by bench.mjs:
//   node bench/infer.mjs [--config mini] [--batches 32,1] [--reps 5,30] [--warmup 2] [--head masked]
import { useBackend } from '@selfevo/backend';
import { wasmGemmInfo } from '@selfevo/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { configOf, inferPositions, makeModel } from './mlm-step.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const configName = arg('config', 'mini');
const batchSizes = arg('batches', '32,1').split(',').map(Number);
const repsList = arg('reps', '5,30').split(',').map(Number);
const warmup = Number(arg('warmup', '2'));
const head = arg('head', 'masked');
if (!['masked', 'none', 'all'].includes(head))
  throw new RangeError(`--head must be masked, none or all, got ${head}`);
for (const x of [...batchSizes, ...repsList])
  if (!Number.isInteger(x) || x <= 0)
    throw new RangeError(`--batches and --reps take positive integers, got ${x}`);
if (!Number.isInteger(warmup) || warmup < 0)
  throw new RangeError(`--warmup must be an integer ≥ 0, got ${warmup}`);
const c = configOf(configName);

await useBackend('wasm');
const gemm = wasmGemmInfo();
const model = makeModel(c, 1);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = [];
for (const [i, B] of batchSizes.entries()) {
  const reps = repsList[Math.min(i, repsList.length - 1)];
  const data = Int32Array.from({ length: B * c.T }, (_, j) => 5 + ((j * 7919) % (c.V - 5)));
  const inputs = { inputIds: { data, shape: [B, c.T] }, training: false };
  const pos = head === 'masked' ? inferPositions(B, c.T) : undefined;
  const once = () => {
    const out = tf.tidy(() =>
      head === 'none'
        ? model.encoder.forward(inputs).lastHiddenState
        : model.forward(inputs, pos, { lastLayer: head === 'masked' ? 'masked' : 'all' }).logits,
    );
    // The wasm backend runs each kernel when it is called; reading one element is a cheap check
    // that the output exists (reading all of B·19 × V logits would time a copy PyTorch does not make).
    tf.tidy(() => {
      tf.slice(tf.reshape(out, [-1]), 0, 1).dataSync();
    });
    const shape = out.shape;
    out.dispose();
    return shape;
  };
  let shape;
  for (let w = 0; w < warmup; w++) shape = once();
  const tensorsBefore = tf.memory().numTensors;
  const ms = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    shape = once();
    ms.push(performance.now() - t0);
  }
  const tensorsLeaked = tf.memory().numTensors - tensorsBefore;
  if (tensorsLeaked !== 0) throw new Error(`inference leaked ${tensorsLeaked} tensors over ${reps} forwards`);
  const med = median(ms);
  results.push({
    batch: B,
    seq: c.T,
    reps,
    outputShape: shape,
    positions: pos?.length ?? null,
    msMedian: med,
    msBest: Math.min(...ms),
    tokensPerSecMedian: (B * c.T * 1e3) / med,
    tensorsLeaked,
  });
}
model.dispose();
process.stdout.write(
  `${JSON.stringify({
    config: configName,
    head,
    gemm: gemm.native ? `native ${gemm.isa} ×${gemm.threads}` : `XNNPACK (${gemm.reason})`,
    results,
  })}\n`,
);
