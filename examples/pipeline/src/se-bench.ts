/**
 * `npm run bench -w @selfevo/examples` (or `node dist/se-bench.js`): on the SE grid's own setting
 * (tiny encoder, real corpus rows from gutenberg.valid.txt, corpus vocabulary), time
 * - a vanilla MLM step (CE) and an SE step (SE masks + rectified smooth labels: one extra eval
 *   forward for the reference), **interleaved** on the same batches so load changes hit both alike,
 *   and report medians and SE ÷ MLM;
 * - SE stage-1 scoring throughput (maskable tokens per second, eval mode, no gradient).
 *
 * Flags: --vocab PATH (default: runs/se-grid/vocab.txt, else built) --init DIR (an HF-layout
 * model; default: a fresh one) --steps 6 --batch-size 16 --seq-length 128 --score-rows 128
 * --backend auto --out FILE (JSON result).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useBackend } from '@selfevo/backend';
import { AdamW, SeededRandom } from '@selfevo/encoder-model';
import {
  pretrainingBatchSource,
  pretrainingLoss,
  scoreSelections,
  sliceSequences,
} from '@selfevo/mlm-pretraining';
import { loadSelectionMap } from '@selfevo/self-evolution-masking/node';
import { computeGradients } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import {
  corpusFile,
  dataDir,
  loadMlmModel,
  newMlmModel,
  packedRows,
  prepareTokenizer,
} from './pretrain-lib.js';
import { writeJson } from './se-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: a } = parseArgs({
  options: {
    vocab: { type: 'string', default: resolve(here, '../runs/se-grid/vocab.txt') },
    init: { type: 'string', default: '' },
    steps: { type: 'string', default: '6' },
    'batch-size': { type: 'string', default: '16' },
    'seq-length': { type: 'string', default: '128' },
    'score-rows': { type: 'string', default: '128' },
    backend: { type: 'string', default: 'auto' },
    out: { type: 'string', default: '' },
  },
  strict: true,
});
const steps = Number(a.steps);
const B = Number(a['batch-size']);
const T = Number(a['seq-length']);
const backend = await useBackend(a.backend as 'auto' | 'wasm' | 'cpu');
const tmp = await mkdtemp(join(tmpdir(), 'selfevo-se-bench-'));
try {
  const { tokenizer, ids } = await prepareTokenizer({
    vocabPath: existsSync(a.vocab) ? a.vocab : join(tmp, 'vocab.txt'),
    baseVocabPath: join(dataDir, 'vocab', 'bert-base-uncased', 'vocab.txt'),
    files: [corpusFile('gutenberg.train.00.txt')],
    vocabBytes: 4_000_000,
    vocabSize: 8000,
    progress: 'none',
  });
  const rows = (
    await packedRows(join(tmp, 'rows.bin'), [corpusFile('gutenberg.valid.txt')], tokenizer, {
      seqLength: T,
      maxSequences: Math.max(Number(a['score-rows']), B * (steps + 1)),
      progress: 'none',
    })
  ).packed;
  const model = a.init
    ? await loadMlmModel(resolve(a.init), 1)
    : newMlmModel(
        { vocabSize: ids.vocabSize, hidden: 128, layers: 2, heads: 2, ffn: 512, seqLength: T, dropout: 0.1 },
        1,
      );
  // Stage 1: top-k 15% by NLL over `score-rows` rows.
  const scoreRows = sliceSequences(rows, 0, Number(a['score-rows']));
  const selPath = join(tmp, 'sel.jsonl');
  const stage1 = await scoreSelections(model, scoreRows, {
    path: selPath,
    specialTokenIds: ids.specialTokenIds,
    criterion: 'topk',
    topKRatio: 0.15,
    progress: 'none',
  });
  const selections = await loadSelectionMap(selPath);
  const src = (masking: 'random' | 'se') =>
    pretrainingBatchSource(scoreRows, { batchSize: B, masking, selections, seed: 1, shuffle: false, ...ids });
  const rngOf = () => new SeededRandom(0);
  const mlmBatches = [...src('random').epochBatches(0, rngOf())];
  const seBatches = [...src('se').epochBatches(0, rngOf())];
  const opt = new AdamW(model.namedParameters(), { lr: 1e-5 });
  const time = (kind: 'ce' | 'rectified', i: number) => {
    const batch = (kind === 'ce' ? mlmBatches : seBatches)[i % mlmBatches.length];
    model.setTraining(true);
    const t0 = performance.now();
    const { grads, loss } = computeGradients(
      model,
      (m, b, training) => pretrainingLoss(m, b, training, kind, 0.1),
      batch,
      { rng: model.rng, step: i + 1 },
    );
    opt.step(grads);
    tf.dispose(Object.values(grads));
    if (!Number.isFinite(loss)) throw new Error(`non-finite ${kind} loss`);
    return performance.now() - t0;
  };
  time('ce', 0); // warm-up (kernel compilation, first allocations)
  time('rectified', 0);
  const mlm: number[] = [];
  const se: number[] = [];
  for (let i = 0; i < steps; i++) {
    mlm.push(time('ce', i + 1));
    se.push(time('rectified', i + 1));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const result = {
    backend: backend.backend,
    setting: {
      hidden: model.config.hiddenSize,
      layers: model.config.numHiddenLayers,
      vocab: ids.vocabSize,
      batch: B,
      seqLength: T,
      init: a.init || 'fresh',
    },
    mlmStepMs: { median: med(mlm), all: mlm },
    seStepMs: { median: med(se), all: se },
    seOverMlm: med(se) / med(mlm),
    // Under load, the per-pair ratio (the two steps of a pair run back to back) and the ratio of
    // the fastest steps are steadier than the ratio of medians.
    seOverMlmPairMedian: med(se.map((x, i) => x / mlm[i])),
    seOverMlmFastest: Math.min(...se) / Math.min(...mlm),
    stage1: {
      tokensPerSecond: stage1.tokensPerSecond,
      tokensScored: stage1.tokensScored,
      seconds: stage1.seconds,
    },
    loadAverage: (await import('node:os')).loadavg(),
  };
  process.stdout.write(
    `MLM step (CE, random masks)           median ${med(mlm).toFixed(0)} ms\n` +
      `SE step (SE masks + rectified labels) median ${med(se).toFixed(0)} ms\n` +
      `SE step ÷ MLM step                    ${(med(se) / med(mlm)).toFixed(2)} (medians), ${result.seOverMlmPairMedian.toFixed(2)} (median of back-to-back pairs), ${result.seOverMlmFastest.toFixed(2)} (fastest steps)\n` +
      `SE stage 1 (scoring, eval mode)       ${Math.round(stage1.tokensPerSecond)} tokens/s\n` +
      `(backend ${backend.backend}, B=${B}, T=${T}, load average ${result.loadAverage.map((x) => x.toFixed(1)).join(' ')})\n`,
  );
  if (a.out) await writeJson(resolve(a.out), result);
  model.dispose();
} finally {
  await rm(tmp, { recursive: true, force: true });
}
