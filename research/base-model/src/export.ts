/**
 * Turn a finished base-model pretraining run into the files of @selfevo/encoder-mini-gutenberg, and
 * write its curves and table:
 *
 *   node research/base-model/dist/export.js --run /work/runs/base-mini \
 *     --model packages/encoder-mini-gutenberg/model --results research/base-model/results
 *
 * 1. The run's final model (F32) and the same weights written as F16 are both scored on the run's
 *    held-out set (the same masked text: same rows, seed 1234, fingerprint checked). F16 ships when
 *    it loses < 0.01 nats and < 0.1 accuracy points; else F32 ships. Both numbers are recorded.
 * 2. Reference: a unigram model of the training rows (add-one smoothing) scored on the same masked
 *    positions (loss = its cross-entropy; accuracy = always predicting the most frequent piece).
 * 3. results/: held-out MLM loss and accuracy vs tokens seen (table.md, curves.svg/png), metrics.json.
 */
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, savePretrained } from '@selfevo/encoder-model';
import {
  buildHeldOutSet,
  evaluateHeldOut,
  type HeldOutSet,
  loadPacked,
  maskingIds,
} from '@selfevo/mlm-pretraining';
import { Tokenizer } from '@selfevo/tokenizer';
import { writeFileAtomic } from '@selfevo/utils/node';
import { writeCurves } from './curves.js';

const { values: a } = parseArgs({
  options: {
    run: { type: 'string' },
    model: { type: 'string', default: 'packages/encoder-mini-gutenberg/model' },
    results: { type: 'string', default: 'research/base-model/results' },
    'held-out-seed': { type: 'string', default: '1234' },
    'batch-size': { type: 'string', default: '32' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (a.help || !a.run) {
  process.stdout.write(
    'usage: node research/base-model/dist/export.js --run DIR [--model DIR] [--results DIR]\n',
  );
  process.exit(a.help ? 0 : 2);
}
const run = resolve(a.run);
const modelOut = resolve(a.model);
const results = resolve(a.results);
await useBackend('auto');

const tokenizer = await Tokenizer.fromFile(join(run, 'tokenizer.json'));
const ids = maskingIds(tokenizer);
const held = (await loadPacked(join(run, 'held-out-rows.bin'))).packed;
const heldOut = buildHeldOutSet(held, { ...ids, seed: Number(a['held-out-seed']) });
const runResult = JSON.parse(await readFile(join(run, 'result.json'), 'utf8'));
if (runResult.heldOut.fingerprint !== heldOut.fingerprint)
  throw new Error(`held-out fingerprint ${heldOut.fingerprint} ≠ the run's ${runResult.heldOut.fingerprint}`);

const score = async (dir: string) => {
  const { model } = await BertForMaskedLM.fromPretrained(dir, { onProgress: false });
  const r = evaluateHeldOut(model, heldOut);
  const atMask = evaluateHeldOut(model, heldOut, { positions: 'mask', maskTokenId: ids.maskTokenId });
  model.dispose();
  return { ...r, atMask };
};
const f32 = await score(join(run, 'final'));
const staging = `${modelOut}.f16-staging`;
const { model } = await BertForMaskedLM.fromPretrained(join(run, 'final'), { onProgress: false });
await savePretrained(model, staging, { dtype: 'F16', architecture: 'BertForMaskedLM' });
model.dispose();
const f16 = await score(staging);
const f16Ok = f32.loss - f16.loss > -0.01 && f32.accuracy - f16.accuracy < 0.001;
process.stdout.write(
  `held-out F32: loss ${f32.loss.toFixed(4)} acc ${(100 * f32.accuracy).toFixed(2)}%; F16: loss ${f16.loss.toFixed(4)} acc ${(100 * f16.accuracy).toFixed(2)}% → ship ${f16Ok ? 'F16' : 'F32'}\n`,
);
const { model: shipped } = await BertForMaskedLM.fromPretrained(f16Ok ? staging : join(run, 'final'), {
  onProgress: false,
});
await savePretrained(shipped, modelOut, { dtype: f16Ok ? 'F16' : 'F32', architecture: 'BertForMaskedLM' });
shipped.dispose();
await rm(staging, { recursive: true, force: true });
await writeFileAtomic(join(modelOut, 'tokenizer.json'), await readFile(join(run, 'tokenizer.json')));
await writeFileAtomic(join(modelOut, 'vocab.txt'), await readFile(join(run, 'vocab.txt')));
await writeFileAtomic(
  join(modelOut, 'tokenizer_config.json'),
  `${JSON.stringify(
    {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: held.seqLength,
      unk_token: '[UNK]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      cls_token: '[CLS]',
      mask_token: '[MASK]',
    },
    null,
    2,
  )}\n`,
);
await writeFileAtomic(
  join(modelOut, 'special_tokens_map.json'),
  `${JSON.stringify(
    { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' },
    null,
    2,
  )}\n`,
);

const unigram = await unigramReference(join(run, 'train-rows.bin'), heldOut, new Set(ids.specialTokenIds));
const summary = {
  shipped: f16Ok ? 'F16' : 'F32',
  final: { f32, f16, shipped: f16Ok ? 'F16' : 'F32' },
  unigram,
  heldOut: {
    file: 'gutenberg.valid.txt',
    rows: held.count,
    seed: heldOut.seed,
    numMasked: heldOut.numMasked,
    fingerprint: heldOut.fingerprint,
  },
  steps: runResult.steps,
  tokensSeen: runResult.steps * Number(a['batch-size']) * held.seqLength,
};
await writeFileAtomic(join(modelOut, 'metrics.json'), `${JSON.stringify(summary, null, 2)}\n`);
await writeCurves({
  logPath: join(run, 'log.jsonl'),
  results,
  tokensPerStep: Number(a['batch-size']) * held.seqLength,
  unigram,
  final: { f32, f16, shipped: f16Ok ? 'F16' : 'F32' },
  heldOut: { rows: held.count, numMasked: heldOut.numMasked, fingerprint: heldOut.fingerprint },
  run: runResult,
});

/** Unigram LM of the training rows (add-one), scored on the held-out masked positions. */
async function unigramReference(trainRows: string, set: HeldOutSet, special: Set<number>) {
  const { packed } = await loadPacked(trainRows);
  const V = ids.vocabSize;
  const counts = new Float64Array(V);
  let total = 0;
  for (const id of packed.ids)
    if (!special.has(id)) {
      counts[id]++;
      total++;
    }
  let top = 0;
  for (let i = 1; i < V; i++) if (counts[i] > counts[top]) top = i;
  let nll = 0;
  let correct = 0;
  let n = 0;
  for (const b of set.batches)
    for (const p of b.maskedPositions) {
      const gold = b.labels[p];
      nll -= Math.log((counts[gold] + 1) / (total + V));
      if (gold === top) correct++;
      n++;
    }
  return { loss: nll / n, accuracy: correct / n, trainTokens: total, mostFrequent: tokenizer.idToToken(top) };
}
