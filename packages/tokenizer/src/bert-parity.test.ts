import {
  bertNormalizer,
  bertPreTokenizer,
  Tokenizer as HfTokenizer,
  WordPiece as HfWordPiece,
  templateProcessing,
  wordPieceDecoder,
} from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { diffPlain } from './test-fixtures/compare.js';
import { dataDir } from './test-fixtures/data-path.js';
import { toPlain } from './test-fixtures/oracle.js';
import { runParity, standardVariants } from './test-fixtures/parity.js';
import { HARD_STRINGS, superglueStrings } from './test-fixtures/strings.js';
import { Tokenizer } from './tokenizer.js';

const BERT = dataDir('vocab', 'bert-base-uncased');
const strings = [...HARD_STRINGS, ...superglueStrings()];

describe('bert-base-uncased parity with HF tokenizers (Rust)', () => {
  it('tokenizer.json: every SuperGLUE string + hard strings, single/pair/truncation/stride', async () => {
    const ours = await Tokenizer.fromFile(`${BERT}/tokenizer.json`);
    const hf = HfTokenizer.fromFile(`${BERT}/tokenizer.json`);
    const rep = await runParity(
      ours,
      hf,
      standardVariants(strings, { pairStep: 3, pairTruncEvery: 4, strategyEvery: 40, noSpecialEvery: 10 }),
    );
    console.log(
      `bert tokenizer.json: ${strings.length} strings, ${rep.compared} encodings compared, ${rep.bothErrors} both-error, ${rep.guarded} guarded`,
    );
    expect(rep.mismatches).toEqual([]);
    expect(rep.compared).toBeGreaterThan(strings.length * 1.5);
  });

  it('vocab.txt: every SuperGLUE string + hard strings', async () => {
    const ours = await Tokenizer.fromBertVocab(`${BERT}/vocab.txt`, { lowercase: true });
    // 1. identical to our tokenizer.json path (checked against the oracle on every string above) on
    //    every string, so by transitivity identical to HF on every string ...
    const viaJson = await Tokenizer.fromFile(`${BERT}/tokenizer.json`);
    const opts = { truncation: true, maxLength: 128, stride: 32 } as const;
    let same = 0;
    for (let i = 0; i < strings.length; i++) {
      const a = toPlain(ours.encode(strings[i], null, opts));
      const b = toPlain(viaJson.encode(strings[i], null, opts));
      const d = diffPlain(a, b);
      if (d) expect.fail(`${JSON.stringify(strings[i]).slice(0, 200)}: ${d}`);
      const p = i % 3 === 0 && i + 1 < strings.length;
      if (p) {
        const d2 = diffPlain(
          toPlain(ours.encode(strings[i], strings[i + 1])),
          toPlain(viaJson.encode(strings[i], strings[i + 1])),
        );
        if (d2) expect.fail(`pair ${i}: ${d2}`);
      }
      same++;
    }
    // 2. ... and directly against an oracle built from vocab.txt with the binding's own components
    const hf = new HfTokenizer(await HfWordPiece.fromFile(`${BERT}/vocab.txt`, { unkToken: '[UNK]' }));
    hf.setNormalizer(bertNormalizer({ lowercase: true, cleanText: true, handleChineseChars: true }));
    hf.setPreTokenizer(bertPreTokenizer());
    hf.setPostProcessor(
      templateProcessing('[CLS]:0 $A:0 [SEP]:0', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', [
        ['[CLS]', 101],
        ['[SEP]', 102],
      ]),
    );
    hf.setDecoder(wordPieceDecoder('##', true));
    hf.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    const subset = [...HARD_STRINGS, ...strings.filter((_, i) => i % 8 === 0)];
    const rep = await runParity(
      ours,
      hf,
      standardVariants(subset, { pairStep: 3, pairTruncEvery: 4, strategyEvery: 20, noSpecialEvery: 20 }),
    );
    console.log(
      `bert vocab.txt: ${same} strings equal to the tokenizer.json path; ${rep.compared} encodings compared with the vocab.txt oracle`,
    );
    expect(rep.mismatches).toEqual([]);
    // decode agrees too
    for (const s of HARD_STRINGS.slice(0, 20)) {
      const ids = ours.encode(s).ids;
      expect(ours.decode(ids)).toBe(await hf.decode(ids, false));
      expect(ours.decode(ids, { skipSpecialTokens: true })).toBe(await hf.decode(ids, true));
    }
  });
});
