import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDir } from '../test-fixtures/data-path.js';
import { runParity } from '../test-fixtures/parity.js';
import { HARD_STRINGS, superglueStrings } from '../test-fixtures/strings.js';
import { Tokenizer } from '../tokenizer.js';
import { trainBpe } from '../trainers/train.js';

const sample = [...HARD_STRINGS, ...superglueStrings().filter((_, i) => i % 100 === 0)];
const pairs: Array<[string, string]> = [];
for (let i = 0; i + 1 < sample.length; i += 4) pairs.push([sample[i], sample[i + 1]]);
const variants = [
  { name: 'single', inputs: sample, options: {}, batch: true },
  { name: 'pair', inputs: pairs, options: {}, batch: true },
  {
    name: 'pair+trunc',
    inputs: pairs,
    options: { truncation: true as const, maxLength: 40, stride: 3, truncationEarlyExit: true },
    batch: true,
  },
];

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'selfevo-tok-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectParity(json: object): Promise<Tokenizer> {
  const ours = Tokenizer.fromJSON(json);
  const hf = HfTokenizer.fromString(JSON.stringify(json));
  const rep = await runParity(ours, hf, variants, (json as any).post_processor ? 'sequence' : 'type');
  expect(rep.mismatches).toEqual([]);
  for (const s of sample.slice(0, 60)) {
    const ids = ours.encode(s).ids;
    expect(ours.decode(ids)).toBe(await hf.decode(ids, false));
    expect(ours.decode(ids, { skipSpecialTokens: true })).toBe(await hf.decode(ids, true));
  }
  return ours;
}

describe('models and processors vs HF tokenizers (Rust)', () => {
  it('Unigram with Metaspace (synthetic SentencePiece-style vocab)', async () => {
    const words = readFileSync(dataDir('vocab', 'bert-base-uncased', 'vocab.txt'), 'utf8')
      .split('\n')
      .filter((w) => w.length > 0 && !w.startsWith('[') && !w.startsWith('##'));
    const seen = new Set<string>();
    const vocab: Array<[string, number]> = [['<unk>', 0]];
    words.forEach((w, i) => {
      for (const piece of [w, `▁${w}`]) {
        if (seen.has(piece)) continue;
        seen.add(piece);
        vocab.push([piece, -Math.log(i + 2) - piece.length * 0.01]);
      }
    });
    vocab.push(['▁', -3]);
    const json = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [
        {
          id: 0,
          content: '<unk>',
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special: true,
        },
      ],
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      post_processor: null,
      decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      model: { type: 'Unigram', unk_id: 0, vocab, byte_fallback: false },
    };
    await expectParity(json);
  });

  it('BPE with continuing prefix, end-of-word suffix, unk and fuse_unk (trained by ours)', async () => {
    const slice = join(dir, 'slice.txt');
    writeFileSync(slice, readFileSync(dataDir('corpus', 'gutenberg.valid.txt')).subarray(0, 300_000));
    const t = await trainBpe([slice], {
      byteLevel: false,
      vocabSize: 3000,
      specialTokens: ['<unk>'],
      unkToken: '<unk>',
      endOfWordSuffix: '</w>',
      progress: false,
    });
    const json: any = t.toJSON();
    json.decoder = { type: 'BPEDecoder', suffix: '</w>' };
    await expectParity(json);
    json.model.fuse_unk = true;
    await expectParity(json);
    const withPrefix = await trainBpe([slice], {
      byteLevel: false,
      vocabSize: 2000,
      specialTokens: ['<unk>'],
      unkToken: '<unk>',
      continuingSubwordPrefix: '##',
      progress: false,
    });
    await expectParity(withPrefix.toJSON());
  });

  it('WordLevel with CharDelimiterSplit', async () => {
    const words = readFileSync(dataDir('vocab', 'bert-base-uncased', 'vocab.txt'), 'utf8')
      .split('\n')
      .slice(1000, 9000);
    const vocab: Record<string, number> = { '<unk>': 0 };
    for (const w of words) if (!(w in vocab)) vocab[w] = Object.keys(vocab).length;
    await expectParity({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'CharDelimiterSplit', delimiter: ' ' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
    });
  });

  it('GPT-2 BPE with add_prefix_space and RobertaProcessing (trim offsets)', async () => {
    const base: any = (
      await Tokenizer.fromGPT2(dataDir('vocab', 'gpt2', 'vocab.json'), dataDir('vocab', 'gpt2', 'merges.txt'))
    ).toJSON();
    base.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    base.post_processor = {
      type: 'RobertaProcessing',
      sep: ['<|endoftext|>', 50256],
      cls: ['<|endoftext|>', 50256],
      trim_offsets: true,
      add_prefix_space: true,
    };
    await expectParity(base);
    base.post_processor = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    await expectParity(base);
  });
});
