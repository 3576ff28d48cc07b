/**
 * Throughput: ours vs HF Rust `tokenizers` (per line and encodeBatch) vs `@huggingface/tokenizers`
 * (pure JS) on the first 20,000 lines of gutenberg.valid.txt with bert-base-uncased.
 * Run: npm run bench -w @selfevo/tokenizer   (env BENCH_LINES to change the line count, BENCH_REPEAT
 * the repeats; BENCH_TOKENIZER=<path to an index.js> times another build of ours, e.g. an older dist,
 * against the same references, for before/after ratios in one command)
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Tokenizer as HfJsTokenizer } from '@huggingface/tokenizers';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { Tokenizer as SrcTokenizer } from '../src/index.js';
import { dataDir } from '../src/test-fixtures/data-path.js';

const N = Number(process.env.BENCH_LINES ?? 20_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const lines = readFileSync(dataDir('corpus', 'gutenberg.valid.txt'), 'utf8').split('\n').slice(0, N);
const tokJsonPath = dataDir('vocab', 'bert-base-uncased', 'tokenizer.json');
const tokJson = JSON.parse(readFileSync(tokJsonPath, 'utf8'));
const Tokenizer: typeof SrcTokenizer = process.env.BENCH_TOKENIZER
  ? (await import(pathToFileURL(process.env.BENCH_TOKENIZER).href)).Tokenizer
  : SrcTokenizer;
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

console.log(
  `${lines.length} lines, ${chars} chars, bert-base-uncased, ours: ${process.env.BENCH_TOKENIZER ?? 'src'}`,
);
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
const tOursAll = await time('ours encodeBatch, every field read', () => {
  let n = 0;
  for (const e of ours.encodeBatch(lines)) {
    const { ids, typeIds, tokens, attentionMask, offsets, wordIds, sequenceIds, specialTokensMask } = e;
    const others = [typeIds, tokens, attentionMask, offsets, wordIds, sequenceIds, specialTokensMask];
    if (others.some((a) => a.length !== ids.length) || e.overflowing.length > 0)
      throw new Error('bench: an encoding with inconsistent fields');
    n += ids.length;
  }
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
const row = (name: string, other: number, a: number, b: number, bar = '') =>
  console.log(`  ${name.padEnd(34)} ${r(other, a).padEnd(15)} ${r(other, b).padEnd(18)} ${bar}`);
console.log('\nratios: time of the other / time of ours (> 1: ours is faster)');
console.log('every result kept (issue #20 goal: >= 2x the pure JS one, >= 1.5x Rust encodeBatch):');
console.log(`  ${''.padEnd(34)} ${'encodeBatch'.padEnd(15)} ${'every field read'.padEnd(18)} goal`);
row('@huggingface/tokenizers, kept', tJsKept, tOursBatch, tOursAll, '>= 2');
row('Rust encodeBatch', tRustBatch, tOursBatch, tOursAll, '>= 1.5');
console.log('each result dropped (per-line loops):');
console.log(`  ${''.padEnd(34)} ${'ours per line'.padEnd(15)}`);
console.log(`  ${'@huggingface/tokenizers'.padEnd(34)} ${r(tJs, tOurs)}`);
console.log(`  ${'Rust per line'.padEnd(34)} ${r(tRustLine, tOurs)}`);
console.log(
  `(encodeBatch / "kept" hold all ${lines.length} encodings; "every field read" also builds every field of each; the per-line loops drop each result)`,
);
