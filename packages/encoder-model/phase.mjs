import { useBackend } from '@selfevo/backend';
import * as tf from '@tensorflow/tfjs-core';
import * as M from './dist/index.js';
await useBackend('wasm');
const c = { H: 256, L: 4, A: 4, F: 1024, V: 16384, T: 128, B: 16 };
const cfg = M.makeConfig({ vocabSize: c.V, hiddenSize: c.H, numHiddenLayers: c.L, numAttentionHeads: c.A, intermediateSize: c.F, maxPositionEmbeddings: 512 });
const model = new M.BertForMaskedLM(cfg, { seed: 1 }); model.setTraining(true);
const params = model.namedParameters(); const opt = new M.AdamW(params);
const rng = new M.SeededRandom(2);
const ids = Int32Array.from({ length: c.B * c.T }, () => 5 + rng.nextInt(c.V - 5));
const pos = M.sampleMaskedPositions(c.B, c.T, 0.15, rng); const labels = Array.from(pos, (p) => ids[p]);
const t = () => performance.now();
for (let it = 0; it < 3; it++) {
  let t0 = t();
  const r = new M.SeededRandom(3); let s = 0; for (let i = 0; i < 10.5e6; i++) s += r.nextUint32() > 429496729 ? 1 : 0;
  const tRng = t() - t0;
  t0 = t();
  tf.tidy(() => { M.crossEntropy(model.forward({ inputIds: { data: ids, shape: [c.B, c.T] } }, pos).logits, labels).dataSync(); });
  const tFwd = t() - t0;
  t0 = t();
  const { grads } = M.valueAndGrads(params, () => M.crossEntropy(model.forward({ inputIds: { data: ids, shape: [c.B, c.T] } }, pos).logits, labels));
  const tVG = t() - t0; t0 = t();
  const cl = M.clipByGlobalNorm(grads, 1); const tClip = t() - t0; t0 = t();
  opt.step(cl.grads); const tOpt = t() - t0;
  tf.dispose([...Object.values(grads), ...Object.values(cl.grads)]);
  console.log(JSON.stringify({ tRng, tFwd, tVG, tClip, tOpt }));
}
