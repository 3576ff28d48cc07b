import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bertNormalizer,
  bertPreTokenizer,
  byteLevelPreTokenizer,
  BPE as HfBPE,
  Tokenizer as HfTokenizer,
  WordPiece as HfWordPiece,
} from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainerError } from '../errors.js';
import { dataDir } from '../test-fixtures/data-path.js';
import { Tokenizer } from '../tokenizer.js';
import { trainBpe, trainBpeFromIterator, trainWordPiece, trainWordPieceFromIterator } from './train.js';

let dir = '';
let slice = '';
let validation: string[] = [];
let words = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'selfevo-tok-'));
  slice = join(dir, 'slice.txt');
  // a 2 MB slice of the training corpus keeps the test fast; the bench script trains on the full corpus
  const buf = readFileSync(dataDir('corpus', 'gutenberg.train.00.txt')).subarray(0, 2_000_000);
  writeFileSync(slice, buf.subarray(0, buf.lastIndexOf(10) + 1));
  validation = readFileSync(dataDir('corpus', 'gutenberg.valid.txt'), 'utf8').split('\n').slice(0, 3000);
  words = validation.reduce((n, l) => n + l.split(/\s+/).filter((w) => w.length > 0).length, 0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Add [UNK] to a WordPiece tokenizer.json trained without special tokens (HF's trainer defaults). */
function withUnk(json: any): any {
  const vocab = json.model.vocab as Record<string, number>;
  if (!('[UNK]' in vocab)) vocab['[UNK]'] = Object.keys(vocab).length;
  return json;
}

async function countTokens(hf: any, lines: string[]): Promise<{ total: number; ids: number[][] }> {
  const ids: number[][] = [];
  let total = 0;
  for (let i = 0; i < lines.length; i += 500) {
    for (const e of await hf.encodeBatch(lines.slice(i, i + 500), { addSpecialTokens: false })) {
      ids.push(e.getIds());
      total += e.getIds().length;
    }
  }
  return { total, ids };
}

describe('training', () => {
  it('WordPiece: loads in HF, encodes identically, tokens/word within 2% of HF WordPieceTrainer', async () => {
    const lines: string[] = [];
    // HF's trainer defaults: vocab 30000, min frequency 0, no special tokens, no alphabet limit
    const ours = await trainWordPiece([slice], { specialTokens: [], progress: (l) => lines.push(l) });
    expect(lines.some((l) => l.includes('Count words'))).toBe(true);
    expect(lines.some((l) => l.includes('Compute merges'))).toBe(true);
    const oursJson = withUnk(ours.toJSON());
    const path = join(dir, 'ours-wordpiece.json');
    await Tokenizer.fromJSON(oursJson).save(path);
    const oursInHf = HfTokenizer.fromFile(path);
    const oursReloaded = await Tokenizer.fromFile(path);

    const hf = new HfTokenizer(HfWordPiece.empty() as any);
    hf.setNormalizer(bertNormalizer({ lowercase: true }));
    hf.setPreTokenizer(bertPreTokenizer());
    hf.train([slice]);
    const hfJsonPath = join(dir, 'hf-wordpiece.json');
    hf.save(hfJsonPath);
    const hfTrained = HfTokenizer.fromString(
      JSON.stringify(withUnk(JSON.parse(readFileSync(hfJsonPath, 'utf8')))),
    );

    const a = await countTokens(oursInHf, validation);
    validation.forEach((l, i) => {
      expect(oursReloaded.encode(l, null, { addSpecialTokens: false }).ids).toEqual(a.ids[i]);
    });
    const b = await countTokens(hfTrained, validation);
    const tpwOurs = a.total / words;
    const tpwHf = b.total / words;
    console.log(
      `WordPiece on 2 MB: vocab ours ${ours.getVocabSize()} / HF ${hf.getVocabSize()}; tokens per word ours ${tpwOurs.toFixed(4)}, HF ${tpwHf.toFixed(4)} (${words} words)`,
    );
    expect(Math.abs(tpwOurs / tpwHf - 1)).toBeLessThan(0.02);
  });

  it('byte-level BPE: loads in HF, encodes identically, tokens/word within 2% of HF BpeTrainer', async () => {
    const ours = await trainBpe([slice], { initialAlphabet: [], progress: false });
    const path = join(dir, 'ours-bpe.json');
    await ours.save(path);
    const oursInHf = HfTokenizer.fromFile(path);
    const hf = new HfTokenizer(HfBPE.empty());
    hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
    hf.train([slice]);
    const a = await countTokens(oursInHf, validation);
    validation.forEach((l, i) => {
      expect(ours.encode(l, null, { addSpecialTokens: false }).ids).toEqual(a.ids[i]);
    });
    const b = await countTokens(hf, validation);
    const tpwOurs = a.total / words;
    const tpwHf = b.total / words;
    console.log(
      `BPE on 2 MB: vocab ours ${ours.getVocabSize()} / HF ${hf.getVocabSize()}; tokens per word ours ${tpwOurs.toFixed(4)}, HF ${tpwHf.toFixed(4)}`,
    );
    expect(Math.abs(tpwOurs / tpwHf - 1)).toBeLessThan(0.02);
  });

  it('special tokens, min frequency and alphabet limit are honoured', async () => {
    const t = await trainWordPiece([slice], {
      vocabSize: 800,
      minFrequency: 5,
      limitAlphabet: 60,
      progress: false,
    });
    expect(t.getVocabSize()).toBe(800);
    expect(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((s) => t.tokenToId(s))).toEqual([
      0, 1, 2, 3, 4,
    ]);
    const e = t.encode('Hello world', 'again');
    expect(e.tokens[0]).toBe('[CLS]');
    expect(e.typeIds.at(-1)).toBe(1);
    const singleChars = [...t.model.getVocab().keys()].filter((k) => Array.from(k).length === 1);
    expect(singleChars.length).toBeLessThanOrEqual(60);
    // loads in HF
    const hf = HfTokenizer.fromString(JSON.stringify(t.toJSON()));
    expect((await hf.encode('Hello world', 'again')).getIds()).toEqual(e.ids);
  });

  it('bad input is a TrainerError', async () => {
    await expect(trainWordPiece([], { progress: false })).rejects.toBeInstanceOf(TrainerError);
    await expect(trainWordPiece([join(dir, 'missing.txt')], { progress: false })).rejects.toThrow(
      /not found/,
    );
    await expect(trainBpe([slice], { vocabSize: 0, progress: false })).rejects.toThrow(/vocabSize/);
  });
});

describe('training from an iterator (any runtime)', () => {
  let small = '';
  let lines: string[] = [];
  beforeAll(() => {
    small = join(dir, 'small.txt');
    const text = readFileSync(slice, 'utf8').slice(0, 300_000);
    writeFileSync(small, text);
    lines = text.split('\n');
  });

  it('WordPiece on the lines of a file is the tokenizer trained on the file', async () => {
    const sink: string[] = [];
    const fromLines = await trainWordPieceFromIterator(lines, {
      vocabSize: 2000,
      progress: (l) => sink.push(l),
    });
    const fromFile = await trainWordPiece([small], { vocabSize: 2000, progress: false });
    expect(fromLines.toJSON()).toEqual(fromFile.toJSON());
    expect(sink[0]).toBe(`Count words (texts): 0/${lines.length}`);
    expect(sink.some((l) => l.startsWith('Compute merges'))).toBe(true);
  });

  it('byte-level BPE from an async iterable (lines with their newline) is the tokenizer trained on the file', async () => {
    async function* withNewlines() {
      for (let i = 0; i < lines.length; i++) yield i < lines.length - 1 ? `${lines[i]}\n` : lines[i];
    }
    const fromLines = await trainBpeFromIterator(withNewlines(), { vocabSize: 1000, progress: false });
    const fromFile = await trainBpe([small], { vocabSize: 1000, progress: false });
    expect(fromLines.toJSON()).toEqual(fromFile.toJSON());
    await expect(trainWordPieceFromIterator([], { progress: false })).rejects.toBeInstanceOf(TrainerError);
  });
});
