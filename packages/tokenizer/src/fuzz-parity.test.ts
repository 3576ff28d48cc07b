import {
  byteLevelPreTokenizer,
  byteLevelProcessing,
  BPE as HfBPE,
  Tokenizer as HfTokenizer,
} from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { dataDir } from './test-fixtures/data-path.js';
import { runParity } from './test-fixtures/parity.js';
import { Tokenizer } from './tokenizer.js';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOLS: Array<[number, number]> = [
  [0x20, 0x7e], // ASCII
  [0x20, 0x7e],
  [0x20, 0x7e],
  [0x00, 0x1f], // C0 controls
  [0x7f, 0xa0], // DEL, C1 controls, NBSP
  [0xc0, 0x24f], // Latin extended
  [0x300, 0x36f], // combining marks
  [0x370, 0x3ff], // Greek
  [0x400, 0x4ff], // Cyrillic
  [0x590, 0x6ff], // Hebrew, Arabic
  [0x900, 0x97f], // Devanagari
  [0x1100, 0x11ff], // Hangul jamo
  [0x2000, 0x206f], // general punctuation, zero-width, bidi controls
  [0x3000, 0x30ff], // CJK punctuation, kana
  [0x4e00, 0x4fff], // CJK ideographs
  [0xac00, 0xad00], // Hangul syllables
  [0xfe00, 0xfeff], // variation selectors, BOM
  [0xff00, 0xffef], // full width
  [0xfff0, 0xfffd], // specials, replacement char
  [0x1f300, 0x1f6ff], // emoji
  [0x1d400, 0x1d7ff], // math alphanumerics
  [0x20000, 0x2a6df], // CJK ext B
  [0xd800, 0xdfff], // lone surrogates
];

function randomStrings(n: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = Math.floor(r() ** 2 * 120);
    let s = '';
    for (let k = 0; k < len; k++) {
      if (r() < 0.15) {
        s += ' '.repeat(1 + Math.floor(r() * 3));
        continue;
      }
      const [a, b] = POOLS[Math.floor(r() * POOLS.length)];
      s += String.fromCodePoint(a + Math.floor(r() * (b - a + 1)));
    }
    out.push(s);
  }
  return out;
}

const strings = randomStrings(1500, 20261126);
const pairs: Array<[string, string]> = [];
for (let i = 0; i + 1 < strings.length; i += 2) pairs.push([strings[i], strings[i + 1]]);
const variants = [
  { name: 'single', inputs: strings, options: {}, batch: true },
  {
    name: 'pair+trunc',
    inputs: pairs,
    options: { truncation: true as const, maxLength: 32, stride: 4, truncationEarlyExit: true },
    batch: true,
  },
];

describe('random Unicode strings (incl. lone surrogates) match HF and always terminate', () => {
  it('bert-base-uncased', async () => {
    const path = dataDir('vocab', 'bert-base-uncased', 'tokenizer.json');
    const rep = await runParity(await Tokenizer.fromFile(path), HfTokenizer.fromFile(path), variants);
    expect(rep.mismatches).toEqual([]);
  });

  it('GPT-2', async () => {
    const v = dataDir('vocab', 'gpt2', 'vocab.json');
    const m = dataDir('vocab', 'gpt2', 'merges.txt');
    const hf = new HfTokenizer(await HfBPE.fromFile(v, m));
    hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
    hf.setPostProcessor(byteLevelProcessing(false));
    hf.addSpecialTokens(['<|endoftext|>']);
    const rep = await runParity(await Tokenizer.fromGPT2(v, m), hf, variants);
    expect(rep.mismatches).toEqual([]);
  });
});
