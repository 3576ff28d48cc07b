/**
 * Throughput: ours vs HF Rust `tokenizers` (per line and encodeBatch) vs `@huggingface/tokenizers`
 * (pure JS) on the first 20,000 lines of gutenberg.valid.txt with bert-base-uncased.
 * Run: npm run bench -w @selfevo/tokenizer   (env BENCH_LINES to change the line count)
 */
import { readFileSync } from 'node:fs';
import { Tokenizer as HfJsTokenizer } from '@huggingface/tokenizers';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { Tokenizer } from '../src/index.js';
import { dataDir } from '../src/test-fixtures/data-path.js';

const N = Number(process.env.BENCH_LINES ?? 20_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const lines = readFileSync(dataDir('corpus', 'gutenberg.valid.txt'), 'utf8').split('\n').slice(0, N);
const tokJsonPath = dataDir('vocab', 'bert-base-uncased', 'tokenizer.json');
const tokJson = JSON.parse(readFileSync(tokJsonPath, 'utf8'));
const chars = lines.reduce((a, l) => a + l.length, 0);

async function time(name: string, fn: () => Promise<number> | number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  let tokens = 0;
  for (let r = 0; r < REPEAT; r++) {
    const t0 = performance.now();
    tokens = await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  console.log(`${name.padEnd(44)} ${best.toFixed(3)} s  (${tokens} tokens, best of ${REPEAT})`);
  return best;
}

console.log(`${lines.length} lines, ${chars} chars, bert-base-uncased`);
const ours = Tokenizer.fromJSON(tokJson);
const rust = RustTokenizer.fromFile(tokJsonPath);
const hfjs = new HfJsTokenizer(tokJson, {});

const tOurs = await time('ours encode per line (with offsets)', () => {
  let n = 0;
  for (const l of lines) n += ours.encode(l).ids.length;
  return n;
});
const tOursBatch = await time('ours encodeBatch', () => {
  let n = 0;
  for (const e of ours.encodeBatch(lines)) n += e.ids.length;
  return n;
});
const tRustLine = await time('tokenizers (Rust) encode per line', async () => {
  let n = 0;
  for (const l of lines) n += (await rust.encode(l)).getIds().length;
  return n;
});
const tRustBatch = await time('tokenizers (Rust) encodeBatch', async () => {
  let n = 0;
  for (const e of await rust.encodeBatch(lines)) n += e.getIds().length;
  return n;
});
const tJs = await time('@huggingface/tokenizers (pure JS, no offsets)', () => {
  let n = 0;
  for (const l of lines) n += hfjs.encode(l).ids.length;
  return n;
});

const tJsKept = await time('@huggingface/tokenizers, all results kept', () => {
  const kept = lines.map((l) => hfjs.encode(l));
  return kept.reduce((n, e) => n + e.ids.length, 0);
});

const r = (other: number, ours: number) => `${(other / ours).toFixed(2)}x`;
console.log('\nratios: time of the other / time of ours (> 1: ours is faster)');
console.log('                             ours per line   ours encodeBatch   bar');
console.log(`  @huggingface/tokenizers    ${r(tJs, tOurs).padEnd(15)} ${r(tJs, tOursBatch).padEnd(18)} >= 1`);
console.log(
  `  @huggingface/tokenizers,   ${r(tJsKept, tOurs).padEnd(15)} ${r(tJsKept, tOursBatch).padEnd(18)} >= 1`,
);
console.log('    results kept');
console.log(
  `  Rust encodeBatch           ${r(tRustBatch, tOurs).padEnd(15)} ${r(tRustBatch, tOursBatch).padEnd(18)} >= 0.5`,
);
console.log(
  `  Rust per line              ${r(tRustLine, tOurs).padEnd(15)} ${r(tRustLine, tOursBatch).padEnd(18)}`,
);
console.log('(encodeBatch / "results kept" hold all 20,000 encodings; the per-line loops drop each result)');
