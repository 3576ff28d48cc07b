/**
 * `npm run bench`: SE training step time ÷ vanilla MLM step time on the same model, batch and
 * masked positions, plus stage-1 scoring throughput (maskable tokens per second).
 *
 * Options (flags): --backend wasm|cpu (default wasm) --layers 4 --hidden 256 --heads 4 --ffn 1024
 * --vocab 30522 --seq 128 --batch 8 --steps 3 --warmup 1 --score-batches 4
 */
import { useBackend } from '@selfevo/backend';
import { AdamW, BertForMaskedLM, makeConfig, SeededRandom } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import {
  mlmTrainingStep,
  newScoreStats,
  randomMask,
  scoreInformativeTokens,
  seTrainingStep,
  type TokenBatch,
} from '../src/index.js';

function flag(name: string, dflt: number): number;
function flag(name: string, dflt: string): string;
function flag(name: string, dflt: number | string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = process.argv[i + 1];
  return typeof dflt === 'number' ? Number(v) : v;
}

const backend = flag('backend', 'wasm') as 'wasm' | 'cpu';
const L = flag('layers', 4);
const H = flag('hidden', 256);
const A = flag('heads', 4);
const F = flag('ffn', 1024);
const V = flag('vocab', 30522);
const T = flag('seq', 128);
const B = flag('batch', 8);
const steps = flag('steps', 3);
const warmup = flag('warmup', 1);
const scoreBatches = flag('score-batches', 4);

const SPECIAL = [0, 100, 101, 102, 103];

/** BERT-shaped rows `[CLS] w… [SEP] [PAD]…`, lengths between T/2 and T. */
function batch(seed: number): TokenBatch {
  const r = new SeededRandom(seed);
  const inputIds = new Int32Array(B * T);
  const attentionMask = new Int32Array(B * T);
  const specialTokensMask = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = Math.floor(T / 2) + r.nextInt(T - Math.floor(T / 2) + 1);
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (t >= len) {
        specialTokensMask[i] = 1;
        continue;
      }
      attentionMask[i] = 1;
      if (t === 0 || t === len - 1) {
        inputIds[i] = t === 0 ? 101 : 102;
        specialTokensMask[i] = 1;
      } else inputIds[i] = 1000 + r.nextInt(V - 1000);
    }
  }
  return { inputIds, attentionMask, specialTokensMask, seqLength: T, batchSize: B };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const choice = await useBackend(backend);
  const cfg = makeConfig({
    vocabSize: V,
    hiddenSize: H,
    numHiddenLayers: L,
    numAttentionHeads: A,
    intermediateSize: F,
    maxPositionEmbeddings: Math.max(512, T),
  });
  const model = new BertForMaskedLM(cfg, { seed: 1 });
  const opt = new AdamW(model.namedParameters(), { lr: 1e-5, eps: 1e-6, weightDecay: 0.01 });
  const masked = randomMask(batch(1), { maskTokenId: 103, vocabSize: V, specialTokenIds: SPECIAL, seed: 2 });
  console.log(
    `backend ${choice.backend}; BERT L=${L} H=${H} A=${A} F=${F} V=${V}; batch ${B}×${T}; ` +
      `${masked.maskedPositions.length} masked tokens per step`,
  );

  const time = (f: () => void): number => {
    const t0 = performance.now();
    f();
    return (performance.now() - t0) / 1000;
  };
  for (let i = 0; i < warmup; i++) {
    mlmTrainingStep(model, opt, masked);
    seTrainingStep(model, opt, masked);
  }
  const tensorsBefore = tf.memory().numTensors;
  const mlm: number[] = [];
  const se: number[] = [];
  // Interleaved so that load from other processes hits both alike.
  for (let i = 0; i < steps; i++) {
    mlm.push(time(() => mlmTrainingStep(model, opt, masked)));
    se.push(time(() => seTrainingStep(model, opt, masked)));
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  // The SE step's extra cost: the eval-mode reference pass on the original input (MLM head at the
  // masked positions only), timed alone.
  const shape = [B, T];
  const refPass: number[] = [];
  for (let i = 0; i < steps; i++)
    refPass.push(
      time(() => {
        // Return the tensor from tidy, read it outside: tidy walks a returned typed array element by element.
        const logits = tf.tidy(
          () =>
            model.forward(
              {
                inputIds: { data: masked.originalInputIds, shape },
                attentionMask: { data: masked.attentionMask!, shape },
                training: false,
              },
              masked.maskedPositions,
            ).logits,
        );
        logits.dataSync();
        logits.dispose();
      }),
    );

  const stats = newScoreStats();
  const t0 = performance.now();
  let records = 0;
  const batches = Array.from({ length: scoreBatches }, (_, i) => batch(100 + i));
  for await (const _ of scoreInformativeTokens(model, batches, { stats })) records++;
  const wall = (performance.now() - t0) / 1000;

  const result = {
    backend: choice.backend,
    config: { layers: L, hidden: H, heads: A, ffn: F, vocab: V, seq: T, batch: B },
    maskedTokensPerStep: masked.maskedPositions.length,
    mlmStepSeconds: { median: median(mlm), all: mlm },
    seStepSeconds: { median: median(se), all: se },
    seOverMlm: median(se) / median(mlm),
    referencePassSeconds: { median: median(refPass), all: refPass },
    tensorsLeakedOverTimedSteps: leaked,
    scoring: {
      examples: records,
      tokensScored: stats.tokensScored,
      selectedNllOver0_1: stats.selected,
      seconds: wall,
      tokensPerSecond: stats.tokensScored / wall,
    },
  };
  console.log(
    `MLM step ${median(mlm).toFixed(3)} s, SE step ${median(se).toFixed(3)} s (median of ${steps}) → SE/MLM = ${result.seOverMlm.toFixed(2)}×`,
  );
  console.log(
    `reference pass alone (eval forward, head at masked positions): ${median(refPass).toFixed(3)} s`,
  );
  console.log(
    `stage-1 scoring: ${stats.tokensScored} tokens in ${wall.toFixed(2)} s → ${result.scoring.tokensPerSecond.toFixed(0)} tokens/s`,
  );
  console.log(JSON.stringify(result));
  opt.dispose();
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
