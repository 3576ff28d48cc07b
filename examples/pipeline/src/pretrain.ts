/**
 * One pretraining run: text files → tokenizer (load a vocab.txt, or build a corpus vocabulary
 * from a base WordPiece vocab) → packed sequences → encoder → vanilla MLM or SE continued training,
 * with held-out MLM loss/accuracy, progress, periodic checkpoints and exact resume (rerun the same
 * command after a kill: it continues from the newest checkpoint).
 *
 *   node examples/pipeline/dist/pretrain.js --out runs/mlm --files gutenberg.train.00.txt --steps 1000
 *   node examples/pipeline/dist/pretrain.js --out runs/se --init runs/mlm/final --vocab runs/mlm/vocab.txt \
 *     --files gutenberg.train.01.txt --masking se --loss rectified --steps 100 --lr 2e-4
 *
 * `--help` lists every flag.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { useBackend } from '@selfevo/backend';
import { buildHeldOutSet, runPretraining, scoreSelections } from '@selfevo/mlm-pretraining';
import { loadSelectionMap } from '@selfevo/self-evolution-masking/node';
import type { ProgressMode } from '@selfevo/trainer';
import {
  corpusFile,
  dataDir,
  loadMlmModel,
  modelShapeFlags,
  newMlmModel,
  packedRows,
  prepareTokenizer,
  trainVocab,
} from './pretrain-lib.js';

const flags = {
  out: { type: 'string', default: '' },
  files: { type: 'string', default: 'gutenberg.train.00.txt' },
  'max-bytes': { type: 'string', default: '4000000' },
  'max-sequences': { type: 'string', default: '' },
  vocab: { type: 'string', default: '' },
  'tokenizer-trainer': { type: 'string', default: 'wordpiece' },
  'base-vocab': { type: 'string', default: join(dataDir, 'vocab', 'bert-base-uncased', 'vocab.txt') },
  'held-out-file': { type: 'string', default: 'gutenberg.valid.txt' },
  'held-out-sequences': { type: 'string', default: '64' },
  'held-out-seed': { type: 'string', default: '1234' },
  init: { type: 'string', default: '' },
  ...modelShapeFlags,
  dropout: { type: 'string', default: '0.1' },
  steps: { type: 'string', default: '200' },
  lr: { type: 'string', default: '1e-3' },
  warmup: { type: 'string', default: '20' },
  'weight-decay': { type: 'string', default: '0.01' },
  masking: { type: 'string', default: 'random' },
  loss: { type: 'string', default: 'ce' },
  alpha: { type: 'string', default: '0.1' },
  'se-criterion': { type: 'string', default: 'topk' },
  'se-topk-ratio': { type: 'string', default: '0.15' },
  'eval-every': { type: 'string', default: '50' },
  'save-every': { type: 'string', default: '50' },
  seed: { type: 'string', default: '1' },
  backend: { type: 'string', default: 'auto' },
  progress: { type: 'string', default: 'auto' },
  help: { type: 'boolean', default: false },
} as const;

const { values: a } = parseArgs({ options: flags, strict: true });
if (a.help || !a.out) {
  process.stdout.write(
    `usage: node dist/pretrain.js --out DIR [flags]\n${Object.entries(flags)
      .map(([k, v]) => `  --${k}${'default' in v && v.default !== '' ? ` (default ${v.default})` : ''}`)
      .join('\n')}\n`,
  );
  process.exit(a.help ? 0 : 2);
}
const num = (k: keyof typeof flags) => {
  const v = Number(a[k]);
  if (!Number.isFinite(v)) throw new Error(`--${k}: expected a number, got ${String(a[k])}`);
  return v;
};
const progress = a.progress as ProgressMode;
const out = resolve(a.out);
const files = a.files.split(',').map((f) => (f.includes('/') ? resolve(f) : corpusFile(f)));

await useBackend(a.backend as 'auto' | 'wasm' | 'cpu');
// Vocabulary: --vocab loads one; otherwise it is made once in --out and reused on resume, either
// trained with @selfevo/tokenizer's WordPiece trainer (default) or, with
// --tokenizer-trainer corpus-vocab, picked from --base-vocab's pieces by corpus counts (what the
// committed SE grid used).
const trainer = a['tokenizer-trainer'];
if (trainer !== 'wordpiece' && trainer !== 'corpus-vocab')
  throw new Error(`--tokenizer-trainer: expected wordpiece or corpus-vocab, got ${trainer}`);
if (!a.vocab && trainer === 'wordpiece' && !existsSync(join(out, 'vocab.txt'))) {
  const r = await trainVocab({
    vocabPath: join(out, 'vocab.txt'),
    files,
    vocabSize: num('vocab-size'),
    progress,
  });
  process.stdout.write(`trained a WordPiece vocabulary of ${r.size} tokens in ${r.seconds.toFixed(1)} s\n`);
}
const { tokenizer, ids } = await prepareTokenizer({
  vocabPath: a.vocab ? resolve(a.vocab) : join(out, 'vocab.txt'),
  baseVocabPath: a.vocab ? undefined : a['base-vocab'],
  files,
  vocabBytes: num('vocab-bytes'),
  vocabSize: num('vocab-size'),
  progress,
});
const T = num('seq-length');
const train = (
  await packedRows(join(out, 'train-rows.bin'), files, tokenizer, {
    seqLength: T,
    maxBytes: num('max-bytes'),
    maxSequences: a['max-sequences'] ? num('max-sequences') : undefined,
    progress,
  })
).packed;
const held = (
  await packedRows(join(out, 'held-out-rows.bin'), [corpusFile(a['held-out-file'])], tokenizer, {
    seqLength: T,
    maxSequences: num('held-out-sequences'),
    progress,
  })
).packed;
const heldOut = buildHeldOutSet(held, { ...ids, seed: num('held-out-seed') });
const seed = num('seed');
const model = a.init
  ? await loadMlmModel(resolve(a.init), seed)
  : newMlmModel(
      {
        vocabSize: ids.vocabSize,
        hidden: num('hidden'),
        layers: num('layers'),
        heads: num('heads'),
        ffn: num('ffn'),
        seqLength: T,
        dropout: num('dropout'),
      },
      seed,
    );
const masking = a.masking as 'random' | 'se';
let selections: Map<string | number, Int32Array> | undefined;
if (masking === 'se') {
  const path = join(out, 'se-selection.jsonl');
  const { existsSync } = await import('node:fs');
  if (!existsSync(path))
    await scoreSelections(model, train, {
      path,
      specialTokenIds: ids.specialTokenIds,
      criterion: a['se-criterion'] as 'topk' | 'nll',
      topKRatio: num('se-topk-ratio'),
      progress,
    });
  selections = await loadSelectionMap(path);
}
const steps = num('steps');
const lr = num('lr');
const r = await runPretraining({
  model,
  train,
  heldOut,
  masking,
  loss: a.loss as 'ce' | 'rectified',
  alpha: num('alpha'),
  selections,
  ids,
  batchSize: num('batch-size'),
  maxSteps: steps,
  optimizer: { lr, weightDecay: num('weight-decay'), eps: 1e-6 },
  schedule: { schedule: 'linear', peakLr: lr, warmupSteps: num('warmup') },
  evalEverySteps: num('eval-every'),
  saveEverySteps: num('save-every'),
  saveTotalLimit: 2,
  outputDir: out,
  seed,
  progress,
});
process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
model.dispose();
