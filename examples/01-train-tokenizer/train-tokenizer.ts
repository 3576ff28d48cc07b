// Train a WordPiece vocabulary (BERT-style, lower-cased) on corpus text and save it as
// tokenizer.json + vocab.txt, the files every later step loads with Tokenizer.fromPretrained.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readCorpusLines } from '@selfevo/mlm-pretraining';
import { trainWordPieceFromIterator } from '@selfevo/tokenizer';
import { type CommonOptions, int, listOption, log, program, run, since } from '../shared/cli.js';
import { corpusFile } from '../shared/paths.js';

interface Options extends CommonOptions {
  files: string[];
  maxBytes: number;
  vocabSize: number;
  out: string;
}

const cmd = program(
  'train-tokenizer',
  'Train a WordPiece vocabulary on corpus text (tokenizer.json + vocab.txt).',
)
  .addOption(
    listOption('--files <list>', 'corpus files: names in <data>/corpus, or paths', [
      'gutenberg.train.00.txt',
    ]),
  )
  .option('--max-bytes <n>', 'read at most this many bytes of text', int(1), 20_000_000)
  .option('--vocab-size <n>', 'vocabulary size (specials and alphabet included)', int(100, 1_000_000), 8192)
  .option('--out <dir>', 'output folder', 'runs/tokenizer');

await run<Options>(
  cmd,
  async (o) => {
    const t0 = performance.now();
    const files = o.files.map(corpusFile);
    const texts = readCorpusLines(files, { maxBytes: o.maxBytes });
    const tokenizer = await trainWordPieceFromIterator(texts, {
      vocabSize: o.vocabSize,
      progress: o.progress !== 'none',
    });
    const out = resolve(o.out);
    await mkdir(out, { recursive: true });
    await tokenizer.save(join(out, 'tokenizer.json'));
    const vocab = Array.from({ length: tokenizer.getVocabSize() }, (_, id) => tokenizer.idToToken(id));
    await writeFile(join(out, 'vocab.txt'), `${vocab.join('\n')}\n`);
    log(`trained in ${since(t0)}`);
    const sample = 'The whale, whereupon Ahab wept.';
    process.stdout.write(
      `${vocab.length} tokens → ${out}/{tokenizer.json,vocab.txt}\n${sample} → ${tokenizer.encode(sample).tokens.join(' ')}\n`,
    );
  },
  { backend: false },
);
