import {
  bertNormalizer,
  bertPreTokenizer,
  Tokenizer as HfTokenizer,
  WordPiece as HfWordPiece,
  templateProcessing,
  wordPieceDecoder,
} from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { dataDir } from './data-path.js';
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
    const rep = await runParity(
      ours,
      hf,
      standardVariants(strings, { pairStep: 16, pairTruncEvery: 4, strategyEvery: 20, noSpecialEvery: 20 }),
    );
    console.log(`bert vocab.txt: ${strings.length} strings, ${rep.compared} encodings compared`);
    expect(rep.mismatches).toEqual([]);
    // decode agrees too
    for (const s of HARD_STRINGS.slice(0, 20)) {
      const ids = ours.encode(s).ids;
      expect(ours.decode(ids)).toBe(await hf.decode(ids, false));
      expect(ours.decode(ids, { skipSpecialTokens: true })).toBe(await hf.decode(ids, true));
    }
  });
});
