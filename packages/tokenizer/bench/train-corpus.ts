/**
 * Full-corpus training run: ours (streaming, bounded memory, progress output) vs HF tokenizers'
 * WordPieceTrainer with the same settings (its defaults: vocab 30000, min frequency 0, no special
 * tokens) on every gutenberg.train.*.txt file; tokens per word on gutenberg.valid.txt.
 * Run: npm run bench:train -w @selfevo/tokenizer
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bertNormalizer,
  bertPreTokenizer,
  Tokenizer as HfTokenizer,
  WordPiece as HfWordPiece,
} from 'tokenizers';
import { Tokenizer, trainWordPiece } from '../src/index.js';
import { dataDir } from '../src/test-fixtures/data-path.js';

const corpus = dataDir('corpus');
const files = readdirSync(corpus)
  .filter((f) => /^gutenberg\.train\.\d+\.txt$/.test(f))
  .sort()
  .map((f) => join(corpus, f));
const valid = readFileSync(join(corpus, 'gutenberg.valid.txt'), 'utf8').split('\n');
const words = valid.reduce((n, l) => n + l.split(/\s+/).filter((w) => w.length > 0).length, 0);
const dir = await mkdtemp(join(tmpdir(), 'selfevo-train-'));

let peakRss = 0;
const timer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 200);

const withUnk = (json: any) => {
  if (!('[UNK]' in json.model.vocab)) json.model.vocab['[UNK]'] = Object.keys(json.model.vocab).length;
  return json;
};

async function tokensPerWord(hf: any): Promise<number> {
  let total = 0;
  for (let i = 0; i < valid.length; i += 1000)
    for (const e of await hf.encodeBatch(valid.slice(i, i + 1000), { addSpecialTokens: false }))
      total += e.getIds().length;
  return total / words;
}

console.log(`training on ${files.length} files: ${files.map((f) => f.split('/').pop()).join(', ')}`);
let t0 = performance.now();
const ours = await trainWordPiece(files, { specialTokens: [] });
const oursSec = (performance.now() - t0) / 1000;
const oursPeak = peakRss;
const oursPath = join(dir, 'ours.json');
await Tokenizer.fromJSON(withUnk(ours.toJSON())).save(oursPath);

t0 = performance.now();
const hf = new HfTokenizer(HfWordPiece.empty() as any);
hf.setNormalizer(bertNormalizer({ lowercase: true }));
hf.setPreTokenizer(bertPreTokenizer());
hf.train(files);
const hfSec = (performance.now() - t0) / 1000;
const hfPath = join(dir, 'hf.json');
hf.save(hfPath);
clearInterval(timer);

const oursInHf = HfTokenizer.fromFile(oursPath);
const hfTrained = HfTokenizer.fromString(JSON.stringify(withUnk(JSON.parse(await readFile(hfPath, 'utf8')))));
const a = await tokensPerWord(oursInHf);
const b = await tokensPerWord(hfTrained);
console.log(
  `ours: ${oursSec.toFixed(1)} s, vocab ${ours.getVocabSize()}, peak RSS ${(oursPeak / 2 ** 20).toFixed(0)} MiB`,
);
console.log(`HF:   ${hfSec.toFixed(1)} s, vocab ${hf.getVocabSize()}`);
console.log(
  `tokens per word on gutenberg.valid.txt (${words} words): ours ${a.toFixed(4)}, HF ${b.toFixed(4)}, ratio ${(a / b).toFixed(4)}`,
);
await rm(dir, { recursive: true, force: true });
