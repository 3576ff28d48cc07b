/**
 * The base-model pretraining run behind @selfevo/encoder-mini-gutenberg: vanilla MLM from scratch
 * on packed rows of the Gutenberg corpus, held-out MLM every --eval-every steps, checkpoints, and
 * exact resume (rerun the same command after a kill). The vocabulary and the rows are prepared
 * first when RUN lacks them: WordPiece (8,192 pieces) trained with @selfevo/tokenizer on the four
 * train shards, every row of them packed to 128 tokens, and the first 256 rows of gutenberg.valid.txt
 * as the held-out set (@selfevo/mlm-pretraining).
 *
 *   node research/base-model/dist/pretrain.js --out RUN --hidden 128 --layers 3 --heads 2 --ffn 512 \
 *     --batch-size 32 --steps 2800 --lr 1e-3 --warmup 200
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, makeConfig } from '@selfevo/encoder-model';
import {
  buildHeldOutSet,
  loadPacked,
  maskingIds,
  packCorpus,
  runPretraining,
  savePacked,
  specialIds,
} from '@selfevo/mlm-pretraining';
import { Tokenizer } from '@selfevo/tokenizer';
import { trainWordPiece } from '@selfevo/tokenizer/node';
import { writeFileAtomic } from '@selfevo/utils/node';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string' },
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '3' },
    heads: { type: 'string', default: '2' },
    ffn: { type: 'string', default: '512' },
    'batch-size': { type: 'string', default: '64' },
    steps: { type: 'string', default: '4000' },
    lr: { type: 'string', default: '1e-3' },
    warmup: { type: 'string', default: '300' },
    'weight-decay': { type: 'string', default: '0.01' },
    dropout: { type: 'string', default: '0.1' },
    'eval-every': { type: 'string', default: '400' },
    'save-every': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    'prepare-only': { type: 'boolean', default: false },
  },
  strict: true,
});
if (!a.out)
  throw new Error(
    '--out RUN is required (a folder with vocab.txt, tokenizer.json, train-rows.bin, held-out-rows.bin)',
  );
const num = (k: keyof typeof a) => {
  const v = Number(a[k]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${k}: expected a number ≥ 0, got ${String(a[k])}`);
  return v;
};
const out = resolve(a.out);
await useBackend('auto');
const dataDir = process.env.SELFEVO_DATA ?? resolve(import.meta.dirname, '../../../../shared/data');
const corpus = (f: string) => join(dataDir, 'corpus', f);
const shards = [0, 1, 2, 3].map((i) => corpus(`gutenberg.train.0${i}.txt`));
if (!existsSync(join(out, 'tokenizer.json'))) {
  await mkdir(out, { recursive: true });
  const tok = await trainWordPiece(shards, { vocabSize: 8192 });
  const pieces = Array.from({ length: tok.getVocabSize() }, (_, id) => tok.idToToken(id) ?? '');
  await writeFileAtomic(join(out, 'vocab.txt'), `${pieces.join('\n')}\n`);
  await tok.save(join(out, 'tokenizer.json'));
}
for (const [name, files, maxSequences] of [
  ['train-rows.bin', shards, undefined],
  ['held-out-rows.bin', [corpus('gutenberg.valid.txt')], 256],
] as const)
  if (!existsSync(join(out, name))) {
    const tok = await Tokenizer.fromFile(join(out, 'tokenizer.json'));
    const { packed } = await packCorpus([...files], tok, { seqLength: 128, maxSequences, progress: 'auto' });
    await savePacked(join(out, name), packed, { files: files.map((f) => f.split('/').pop()) });
  }
if (a['prepare-only']) process.exit(0);
const tokenizer = await Tokenizer.fromFile(join(out, 'tokenizer.json'));
const ids = maskingIds(tokenizer);
const train = (await loadPacked(join(out, 'train-rows.bin'))).packed;
const held = (await loadPacked(join(out, 'held-out-rows.bin'))).packed;
const heldOut = buildHeldOutSet(held, { ...ids, seed: 1234 });
const config = makeConfig({
  vocabSize: ids.vocabSize,
  hiddenSize: num('hidden'),
  numHiddenLayers: num('layers'),
  numAttentionHeads: num('heads'),
  intermediateSize: num('ffn'),
  maxPositionEmbeddings: train.seqLength,
  hiddenDropoutProb: num('dropout'),
  attentionProbsDropoutProb: num('dropout'),
  padTokenId: specialIds(tokenizer).pad,
});
const seed = num('seed');
const model = new BertForMaskedLM(config, { seed });
const lr = num('lr');
const r = await runPretraining({
  model,
  train,
  heldOut,
  masking: 'random',
  loss: 'ce',
  ids,
  batchSize: num('batch-size'),
  maxSteps: num('steps'),
  optimizer: { lr, weightDecay: num('weight-decay'), eps: 1e-6 },
  schedule: { schedule: 'linear', peakLr: lr, warmupSteps: num('warmup') },
  evalEverySteps: num('eval-every'),
  saveEverySteps: num('save-every'),
  saveTotalLimit: 2,
  outputDir: out,
  seed,
  progress: 'none',
});
process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
model.dispose();
