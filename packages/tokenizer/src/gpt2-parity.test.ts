import {
  byteLevelPreTokenizer,
  byteLevelProcessing,
  BPE as HfBPE,
  Tokenizer as HfTokenizer,
} from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { dataDir } from './test-fixtures/data-path.js';
import { runParity, standardVariants } from './test-fixtures/parity.js';
import { HARD_STRINGS, superglueStrings } from './test-fixtures/strings.js';
import { Tokenizer } from './tokenizer.js';

const GPT2 = dataDir('vocab', 'gpt2');

describe('GPT-2 byte-level BPE parity with HF tokenizers (Rust)', () => {
  it('vocab.json + merges.txt: every SuperGLUE string + hard strings, single/pair/truncation/stride', async () => {
    const strings = [...HARD_STRINGS, ...superglueStrings()];
    const ours = await Tokenizer.fromGPT2(`${GPT2}/vocab.json`, `${GPT2}/merges.txt`);
    const hf = new HfTokenizer(await HfBPE.fromFile(`${GPT2}/vocab.json`, `${GPT2}/merges.txt`));
    hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
    hf.setPostProcessor(byteLevelProcessing(false));
    hf.addSpecialTokens(['<|endoftext|>']);
    const rep = await runParity(
      ours,
      hf,
      standardVariants(strings, { pairStep: 6, pairTruncEvery: 4, strategyEvery: 40, noSpecialEvery: 1000 }),
    );
    console.log(
      `gpt2: ${strings.length} strings, ${rep.compared} encodings compared, ${rep.bothErrors} both-error`,
    );
    expect(rep.mismatches).toEqual([]);
    expect(rep.compared).toBeGreaterThan(strings.length);
  });

  it('our saved tokenizer.json loads in HF and decodes identically', async () => {
    const ours = await Tokenizer.fromGPT2(`${GPT2}/vocab.json`, `${GPT2}/merges.txt`);
    const hf = HfTokenizer.fromString(JSON.stringify(ours.toJSON()));
    for (const s of HARD_STRINGS) {
      const ids = ours.encode(s).ids;
      expect((await hf.encode(s)).getIds()).toEqual(ids);
      expect(ours.decode(ids)).toBe(await hf.decode(ids, false));
    }
    expect(ours.decode(ours.encode('héllo wörld 😀').ids)).toBe('héllo wörld 😀');
  });
});
