// One variant of bench.mjs in its own process; prints one JSON line.
//   node bench/bench-variant.mjs --config mini --variant full|prompt|prefix [--steps 5] [--warmup 2]
import { useBackend } from '@selfevo/backend';
import { BertForSequenceClassification, makeConfig, SeededRandom } from '@selfevo/encoder-model';
import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import { train } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { createPromptTuning, SoftPrompt } from '../dist/index.js';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const CONFIGS = {
  tiny: { hiddenSize: 128, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 512 },
  mini: { hiddenSize: 256, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 1024 },
  small: { hiddenSize: 512, numHiddenLayers: 4, numAttentionHeads: 8, intermediateSize: 2048 },
};
const configName = arg('config', 'mini');
const variant = arg('variant', 'full');
const steps = Number(arg('steps', '5'));
const warmup = Number(arg('warmup', '2'));
const B = Number(arg('batch', '16'));
const T = Number(arg('seq', '128'));
const L = Number(arg('prompt-length', '20'));
const choice = await useBackend(arg('backend', 'wasm'));

const config = makeConfig({ vocabSize: 30522, maxPositionEmbeddings: 512, ...CONFIGS[configName] });
const model = new BertForSequenceClassification(config, { seed: 1, numLabels: 3 });
const rng = new SeededRandom(7);
// every sequence one token shorter than T so the prompt fits in the position table
const ids = Int32Array.from({ length: B * T }, (_, i) => (i % T === 0 ? 101 : 1000 + rng.nextInt(20000)));
const batch = {
  inputIds: { data: ids, shape: [B, T] },
  attentionMask: { data: new Int32Array(B * T).fill(1), shape: [B, T] },
  labels: Int32Array.from({ length: B }, () => rng.nextInt(3)),
};
const trainData = {
  batchesPerEpoch: 1,
  *epochBatches() {
    yield batch;
  },
};
let run;
if (variant === 'full') {
  run = {
    model,
    parameters: undefined,
    lossFn: (m, b, training) =>
      tf.tidy(() => crossEntropyAtPositions(m.forward({ ...b, training }).logits, b.labels)), // as the prompt's loss
    optimizer: { lr: 1e-4, weightDecay: 0.01 },
  };
} else {
  const prompt = SoftPrompt.create(model.encoder, {
    numVirtualTokens: L,
    prefix: variant === 'prefix',
    seed: 2,
  });
  const tuning = createPromptTuning({ model, prompt });
  run = { ...tuning, optimizer: tuning.model.optimizerOptions() };
}
const trained = run.parameters ?? [...model.namedParameters().keys()];
const all = run.model.namedParameters();
const trainedParams = trained.reduce((a, n) => a + all.get(n).size, 0);

const common = { trainData, maxGradNorm: 1, progress: 'none', logEverySteps: 1000 };
// warm-up (kernels compiled, first allocations), then the measured call
await train({ ...run, ...common, maxSteps: warmup });
const before = tf.memory().numBytes;
const stamps = [];
const cpu = []; // process CPU time (all threads: the GEMM threads too), less sensitive than wall time to other load
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const mark = () => {
  stamps.push(performance.now());
  cpu.push(cpuMs());
};
const info = await tf.profile(async () => {
  mark();
  await train({ ...run, ...common, maxSteps: steps, callbacks: [{ onStepEnd: mark }] });
  return tf.scalar(0);
});
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const per = stamps.slice(1).map((t, i) => t - stamps[i]);
const perCpu = cpu.slice(1).map((t, i) => t - cpu[i]);
console.log(
  JSON.stringify({
    config: configName,
    variant,
    backend: choice.backend,
    hiddenSize: config.hiddenSize,
    layers: config.numHiddenLayers,
    batch: B,
    seq: T,
    promptLength: variant === 'full' ? 0 : L,
    trainedParams,
    msPerStep: med(per),
    stepMs: per,
    cpuMsPerStep: med(perCpu),
    stepCpuMs: perCpu,
    peakBytes: info.peakBytes,
    extraBytes: info.peakBytes - before,
    bytesBefore: before,
  }),
);
