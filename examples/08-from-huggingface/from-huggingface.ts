// Start from a Hugging Face checkpoint: fromPretrained reads an HF-layout folder (config.json +
// model.safetensors + vocab.txt / tokenizer.json) or a hub id (downloaded once into a cache). Here
// the shared fixture tiny-bert (offline), whose expected outputs come from an independent float64
// implementation of HF's BertModel: the logits must match to 1e-4. Any such folder can then be
// fine-tuned (04-finetune-one-task --model DIR) or prompt-tuned (06-prompt-transfer --model DIR).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BertForSequenceClassification } from '@selfevo/encoder-model';
import { Tokenizer } from '@selfevo/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { type CommonOptions, existing, num, program, run, startBackend } from '../shared/cli.js';
import { fixturesDir } from '../shared/paths.js';

interface Options extends CommonOptions {
  model: string;
  tolerance: number;
}

const cmd = program(
  'from-huggingface',
  'Load a Hugging Face BERT checkpoint and check its logits against the reference.',
)
  .option(
    '--model <dir>',
    'HF-layout folder with inputs.json/expected.json (a shared fixture)',
    existing('folder'),
    join(fixturesDir, 'tiny-bert'),
  )
  .option('--tolerance <x>', 'largest allowed |logit difference|', num(0), 1e-4);

await run<Options>(cmd, async (o) => {
  await startBackend(o.backend);
  const { model, report } = await BertForSequenceClassification.fromPretrained(o.model, {
    strict: false, // the file also holds the MLM head (cls.predictions.*), unused by a classifier, as in HF
    onProgress: false,
  });
  const tokenizer = await Tokenizer.fromPretrained(o.model);
  const inputs = JSON.parse(await readFile(join(o.model, 'inputs.json'), 'utf8')) as {
    texts: [string, string | null][];
  };
  const expected = JSON.parse(await readFile(join(o.model, 'expected.json'), 'utf8')) as {
    classifier_logits: number[][];
  };
  const enc = inputs.texts.map(([a, b]) => tokenizer.encode(a, b));
  const T = Math.max(...enc.map((e) => e.ids.length));
  const pad = (xs: number[]) => [...xs, ...new Array(T - xs.length).fill(0)];
  const logits = tf.tidy(() =>
    model
      .forward({
        inputIds: tf.tensor2d(
          enc.map((e) => pad(e.ids)),
          undefined,
          'int32',
        ),
        tokenTypeIds: tf.tensor2d(
          enc.map((e) => pad(e.typeIds)),
          undefined,
          'int32',
        ),
        attentionMask: tf.tensor2d(
          enc.map((e) => pad(e.attentionMask)),
          undefined,
          'int32',
        ),
        training: false,
      })
      .logits.arraySync(),
  );
  let maxDiff = 0;
  for (const [i, row] of logits.entries())
    for (const [j, x] of row.entries())
      maxDiff = Math.max(maxDiff, Math.abs(x - expected.classifier_logits[i]![j]!));
  process.stdout.write(
    `${o.model}: ${model.config.numHiddenLayers} layers, hidden ${model.config.hiddenSize}, ${model.numLabels} labels; ` +
      `missing ${report.missing.length}, unexpected ${report.unexpected.length} tensors\n` +
      `${inputs.texts.map(([a, b], i) => `  ${JSON.stringify(b ? [a, b] : a)} → ${enc[i]!.ids.length} tokens, logits ${logits[i]!.map((x) => x.toFixed(4)).join(' ')}`).join('\n')}\n` +
      `max |logit − reference| = ${maxDiff.toExponential(2)} (tolerance ${o.tolerance})\n`,
  );
  model.dispose();
  if (!(maxDiff <= o.tolerance)) throw new Error(`logits differ from the reference by ${maxDiff}`);
});
