// Masked-LM pretraining of a small BERT encoder from scratch: corpus → packed rows of 128 tokens
// → runPretraining (BERT 80/10/10 masking, cross-entropy) with held-out loss/accuracy, checkpoints
// and exact resume (rerun the same command after Ctrl-C). Writes <out>/final/ in HF layout.
import { join, resolve } from 'node:path';
import { BertForMaskedLM, makeConfig } from '@selfevo/encoder-model';
import { maskingIds, runPretraining } from '@selfevo/mlm-pretraining';
import { plotTrainingLog } from '@selfevo/training-plots';
import {
  type CommonOptions,
  int,
  listOption,
  log,
  num,
  program,
  run,
  startBackend,
  UsageError,
} from '../shared/cli.js';
import { heldOutSet, loadTokenizer, packedRows } from '../shared/corpus.js';
import { baseModelDir } from '../shared/paths.js';
import { trainingPlan } from '../shared/se.js';

interface Options extends CommonOptions {
  tokenizer: string;
  files: string[];
  maxBytes: number;
  steps: number;
  batchSize: number;
  lr: number;
  hidden: number;
  layers: number;
  seed: number;
  out: string;
}

const cmd = program('pretrain', 'Masked-LM pretraining of a small encoder from scratch (resumable).')
  .option(
    '--tokenizer <path>',
    'tokenizer folder, tokenizer.json or vocab.txt (e.g. from 01-train-tokenizer)',
    baseModelDir,
  )
  .addOption(
    listOption('--files <list>', 'corpus files: names in <data>/corpus, or paths', [
      'gutenberg.train.00.txt',
    ]),
  )
  .option('--max-bytes <n>', 'text to pack (bytes)', int(1), 4_000_000)
  .option('--steps <n>', 'training steps', int(1), 200)
  .option('--batch-size <n>', 'rows of 128 tokens per step', int(1), 16)
  .option('--lr <x>', 'peak learning rate (linear warmup 10 %, linear decay)', num(0, 1), 1e-3)
  .option('--hidden <n>', 'hidden size (heads = hidden / 64, FFN = 4 x hidden)', int(64, 1024), 128)
  .option('--layers <n>', 'encoder layers', int(1, 24), 2)
  .option('--seed <n>', 'seed of the init, data order, masks and dropout', int(0), 1)
  .option('--out <dir>', 'output folder (checkpoints, log.jsonl, final/, curves)', 'runs/mlm');

await run<Options>(cmd, async (o) => {
  if (o.hidden % 64 !== 0) throw new UsageError('--hidden must be a multiple of 64');
  const tokenizer = await loadTokenizer(resolve(o.tokenizer));
  await startBackend(o.backend);
  const out = resolve(o.out);
  const train = await packedRows(join(out, 'train-rows.bin'), o.files, tokenizer, {
    seqLength: 128,
    maxBytes: o.maxBytes,
    progress: o.progress,
  });
  const heldOut = await heldOutSet(join(out, 'held-out-rows.bin'), tokenizer, {
    seqLength: 128,
    sequences: 64,
  });
  const ids = maskingIds(tokenizer);
  const config = makeConfig({
    vocabSize: ids.vocabSize,
    hiddenSize: o.hidden,
    numHiddenLayers: o.layers,
    numAttentionHeads: o.hidden / 64,
    intermediateSize: 4 * o.hidden,
    maxPositionEmbeddings: 128,
    padTokenId: tokenizer.tokenToId('[PAD]') ?? 0,
  });
  const model = new BertForMaskedLM(config, { seed: o.seed });
  log(`${train.count} training rows of 128 tokens; encoder H${o.hidden} L${o.layers}`);
  const r = await runPretraining({
    model,
    train,
    heldOut,
    masking: 'random',
    loss: 'ce',
    ids,
    batchSize: o.batchSize,
    maxSteps: o.steps,
    ...trainingPlan(o.steps, o.lr, 4),
    outputDir: out,
    seed: o.seed,
    progress: o.progress,
  });
  const plot = r.logPath ? await plotTrainingLog(r.logPath, out, { title: 'MLM pretraining' }) : null;
  model.dispose();
  process.stdout.write(
    `held-out MLM loss ${r.heldOut?.loss.toFixed(3)}, accuracy ${((r.heldOut?.accuracy ?? 0) * 100).toFixed(1)} % after ${r.steps} steps\n` +
      `model: ${r.finalDir}${plot ? `\ncurves: ${plot.svgPath}` : ''}\n`,
  );
});
