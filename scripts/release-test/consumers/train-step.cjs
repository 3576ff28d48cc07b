// One AdamW training step of a tiny masked-LM encoder on the backend given; the loss must drop.
// Shared by encoder.mjs (modules from import) and encoder.cjs (modules from require).
exports.trainStep = async function trainStep({
  tf,
  useBackend,
  AdamW,
  BertForMaskedLM,
  makeConfig,
  valueAndGrads,
}) {
  const choice = await useBackend('wasm');
  const config = makeConfig({
    vocabSize: 12,
    hiddenSize: 8,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 16,
    maxPositionEmbeddings: 8,
  });
  const model = new BertForMaskedLM(config, { seed: 1 });
  const params = model.namedParameters();
  const opt = new AdamW(params, { lr: 0.05 });
  const ids = [2, 5, 6, 7, 3, 2, 8, 9, 4, 3];
  const inputIds = { data: Int32Array.from(ids), shape: [2, 5] };
  const labels = tf.oneHot(tf.tensor1d(ids, 'int32'), 12);
  const lossOf = () => tf.losses.softmaxCrossEntropy(labels, model.forward({ inputIds }).logits);
  const { loss, grads } = valueAndGrads(params, lossOf);
  const before = loss;
  opt.step(grads);
  tf.dispose(Object.values(grads));
  const after = tf.tidy(() => lossOf().dataSync()[0]);
  labels.dispose();
  if (!(after < before)) throw new Error(`loss did not drop: ${before} -> ${after}`);
  return { backend: tf.getBackend(), reason: choice.reason, before, after };
};
