import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EncodeOptions } from './encode-options.js';
import type { Encoding } from './encoding.js';
import type { Model } from './models/model.js';
import { ARRAY_FIELDS, PackedEncoding } from './packed-encoding.js';
import { dataDir } from './test-fixtures/data-path.js';
import { HARD_STRINGS, superglueStrings } from './test-fixtures/strings.js';
import { Tokenizer } from './tokenizer.js';

const BERT = dataDir('vocab', 'bert-base-uncased');
const bertJson = JSON.parse(readFileSync(join(BERT, 'tokenizer.json'), 'utf8'));

type Input = string | [string, string];

/** Every field as plain arrays (the getters of a packed encoding are read here). */
function plain(e: Encoding): object {
  const out: Record<string, unknown> = {};
  for (const f of ARRAY_FIELDS) out[f] = Array.from(e[f] as unknown[]);
  out.overflowing = e.overflowing.map(plain);
  return out;
}

/** The encodeBatch of plain arrays (encode → pad → toEncoding), which the parity tests cover. */
function unpacked(t: Tokenizer, inputs: Input[], o: EncodeOptions): Encoding[] {
  return (
    t as unknown as { encodeBatchUnpacked(i: Input[], o: EncodeOptions): Encoding[] }
  ).encodeBatchUnpacked(inputs, o);
}

const OPTIONS: EncodeOptions[] = [
  {},
  { padding: true },
  { padding: 'longest', paddingSide: 'left', padToMultipleOf: 8 },
  { padding: 'max_length', maxLength: 40 },
  { truncation: true, maxLength: 16, stride: 4 },
  { truncation: true, maxLength: 16, stride: 4, padding: true },
  { truncation: 'only_second', maxLength: 64, stride: 2, padding: true, paddingSide: 'left' },
  { truncation: true, maxLength: 12, truncationSide: 'left', padding: 'max_length' },
  { addSpecialTokens: false, padding: true },
];

describe('encodeBatch (packed encodings)', () => {
  const texts = [...HARD_STRINGS, ...superglueStrings().slice(0, 120)];
  // a short first sequence (≤ 36 byte-level tokens), so that 'only_second' can always truncate
  const pairs: Input[] = texts.slice(0, 60).map((s, i) => [s.slice(0, 12), texts[texts.length - 1 - i]]);
  const batches: Input[][] = [texts, pairs, [...texts.slice(0, 20), ...pairs.slice(0, 20)]];

  it.each([
    ['bert', async () => Tokenizer.fromJSON(bertJson)],
    [
      'bert without post-processor',
      async () => {
        const t = Tokenizer.fromJSON(bertJson);
        t.postProcessor = null;
        return t;
      },
    ],
    [
      'gpt2',
      async () => {
        const dir = dataDir('vocab', 'gpt2');
        const t = await Tokenizer.fromGPT2(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
        t.addSpecialTokens(['<pad>']);
        return t;
      },
    ],
  ])(
    '%s: every field equals the plain-array result (pairs, windows, padding both sides)',
    async (_, make) => {
      const t = await make();
      let windows = 0;
      for (const o of OPTIONS)
        for (const batch of batches) {
          if (o.truncation === 'only_second' && batch.some((x) => typeof x === 'string')) continue;
          const got = t.encodeBatch(batch, o);
          for (const e of got) windows += e.overflowing.length;
          expect(got.every((e) => e instanceof PackedEncoding)).toBe(true);
          expect(got.map(plain)).toEqual(unpacked(t, batch, o).map(plain));
        }
      expect(windows).toBeGreaterThan(100);
    },
  );

  it('a field is built once and kept; writes and in-place changes stick; JSON has every field', () => {
    const t = Tokenizer.fromJSON(bertJson);
    const [e] = t.encodeBatch(['Hello there, world.', 'hi'], { padding: true });
    expect(e.ids).toBe(e.ids);
    expect(e.offsets).toBe(e.offsets);
    e.ids.push(7);
    expect(e.ids.at(-1)).toBe(7);
    e.attentionMask = [1, 1];
    expect(e.attentionMask).toEqual([1, 1]);
    e.offsets[1][0] = 99;
    expect(e.offsets[1][0]).toBe(99);
    const [f] = t.encodeBatch(['Hello there, world.']);
    const json = JSON.parse(JSON.stringify(f));
    expect(json).toEqual(plain(t.encode('Hello there, world.')));
  });

  it('values the packed columns cannot hold fall back to plain arrays', () => {
    const big = 2 ** 40;
    const model: Model = {
      tokenize: (w) => ({ ids: [big], values: [w], offsets: [0, w.length] }),
      tokenToId: () => undefined,
      idToToken: () => undefined,
      getVocabSize: () => 1,
      getVocab: () => new Map(),
      toJSON: () => ({}),
    };
    const t = new Tokenizer(model);
    const got = t.encodeBatch(['a b', 'c']); // no pre-tokenizer: one word each
    expect(got[0].ids).toEqual([big]);
    expect(got[0] instanceof PackedEncoding).toBe(false);
    expect(got.map(plain)).toEqual([t.encode('a b'), t.encode('c')].map(plain));
  });
});
