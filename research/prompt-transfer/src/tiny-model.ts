// A tiny random encoder in the HF layout (config.json, model.safetensors, vocab.txt) to check the
// experiment end to end before the real base model exists: `npm run tiny-model -- DIR`.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, makeConfig } from '@selfevo/encoder-model';
import { Tokenizer } from '@selfevo/tokenizer';

const HERE = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.SELFEVO_DATA ?? resolve(HERE, '../../../../shared/data');

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'runs/tiny-model');
  await useBackend('cpu');
  await mkdir(dir, { recursive: true });
  await copyFile(join(DATA, 'vocab', 'bert-base-uncased', 'vocab.txt'), join(dir, 'vocab.txt'));
  const tok = await Tokenizer.fromPretrained(dir);
  const config = makeConfig({
    vocabSize: tok.getVocabSize(),
    hiddenSize: 32,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 64,
    maxPositionEmbeddings: 512,
    initializerRange: 0.2,
  });
  const model = new BertForMaskedLM(config, { seed: 0 });
  await model.savePretrained(dir);
  model.dispose();
  process.stderr.write(`tiny random encoder (H32, L2) in ${dir}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
