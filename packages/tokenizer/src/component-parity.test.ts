import { readFileSync } from 'node:fs';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { dataDir } from './test-fixtures/data-path.js';
import { runParity } from './test-fixtures/parity.js';
import { HARD_STRINGS, superglueStrings } from './test-fixtures/strings.js';
import { Tokenizer } from './tokenizer.js';

const bert = JSON.parse(readFileSync(dataDir('vocab', 'bert-base-uncased', 'tokenizer.json'), 'utf8'));

const sample = superglueStrings().filter((_, i) => i % 60 === 0);
const strings = [...HARD_STRINGS, ...sample];
const pairs: Array<[string, string]> = [];
for (let i = 0; i + 1 < strings.length; i += 3) pairs.push([strings[i], strings[i + 1]]);

/** A BERT WordPiece model under other pipeline components. */
function withComponents(parts: Record<string, unknown>): object {
  return { ...bert, ...parts };
}

const S = (s: string) => ({ String: s });
const R = (r: string) => ({ Regex: r });

const CASES: Array<[string, object]> = [
  [
    'NFD+Lowercase+StripAccents / Whitespace',
    withComponents({
      normalizer: {
        type: 'Sequence',
        normalizers: [{ type: 'NFD' }, { type: 'Lowercase' }, { type: 'StripAccents' }],
      },
      pre_tokenizer: { type: 'Whitespace' },
    }),
  ],
  [
    'NFKC+Lowercase / WhitespaceSplit+Punctuation+Digits(individual)',
    withComponents({
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'WhitespaceSplit' },
          { type: 'Punctuation', behavior: 'Isolated' },
          { type: 'Digits', individual_digits: true },
        ],
      },
    }),
  ],
  [
    'Strip+Replace+Lowercase+NFC / Split(regex)+Punctuation(contiguous)+Digits',
    withComponents({
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'Strip', strip_left: true, strip_right: true },
          { type: 'Replace', pattern: S('``'), content: '"' },
          { type: 'Replace', pattern: R('\\s+'), content: ' ' },
          { type: 'NFC' },
          { type: 'Lowercase' },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: R('\\s+'), behavior: 'Removed', invert: false },
          { type: 'Punctuation', behavior: 'Contiguous' },
          { type: 'Digits', individual_digits: false },
        ],
      },
    }),
  ],
  [
    'NFKD+Lowercase / Split merged_with_previous + Punctuation merged_with_next',
    withComponents({
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'Lowercase' }] },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: S(' '), behavior: 'MergedWithPrevious', invert: false },
          { type: 'Punctuation', behavior: 'MergedWithNext' },
        ],
      },
    }),
  ],
  [
    'Lowercase+Prepend / Metaspace(first) + BertProcessing',
    withComponents({
      normalizer: {
        type: 'Sequence',
        normalizers: [{ type: 'Lowercase' }, { type: 'Prepend', prepend: '▁' }],
      },
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true },
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
      decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    }),
  ],
  [
    'BertNormalizer(no lowercase) / Metaspace(always) + RobertaProcessing',
    withComponents({
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: false,
        strip_accents: false,
        lowercase: false,
      },
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
      post_processor: {
        type: 'RobertaProcessing',
        sep: ['[SEP]', 102],
        cls: ['[CLS]', 101],
        trim_offsets: true,
        add_prefix_space: true,
      },
    }),
  ],
  [
    'Split invert + Punctuation removed, no post-processor',
    withComponents({
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: R('\\w+|[^\\w\\s]+'), behavior: 'Removed', invert: true },
          { type: 'Punctuation', behavior: 'Removed' },
        ],
      },
      post_processor: null,
    }),
  ],
];

describe('component parity with HF tokenizers (Rust), tokenizer.json variants', () => {
  for (const [name, json] of CASES) {
    it(name, async () => {
      const ours = Tokenizer.fromJSON(json);
      const hf = HfTokenizer.fromString(JSON.stringify(json));
      const rep = await runParity(
        ours,
        hf,
        [
          { name: 'single', inputs: strings, options: {}, batch: true },
          { name: 'pair', inputs: pairs, options: {}, batch: true },
          {
            name: 'pair+trunc',
            inputs: pairs,
            options: { truncation: true, maxLength: 48, stride: 4, truncationEarlyExit: true },
            batch: true,
          },
        ],
        (json as any).post_processor === null ? 'type' : 'sequence',
      );
      expect(rep.mismatches).toEqual([]);
      // saved form loads in HF with the same behaviour
      const again = HfTokenizer.fromString(JSON.stringify(ours.toJSON()));
      for (const s of HARD_STRINGS.slice(0, 25)) {
        const h = await again.encode(s);
        expect(ours.encode(s).ids).toEqual(h.getIds());
        expect(ours.decode(ours.encode(s).ids)).toBe(await hf.decode(h.getIds(), false));
      }
    });
  }
});
