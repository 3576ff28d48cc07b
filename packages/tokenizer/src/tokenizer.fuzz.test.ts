// Property / fuzz suite (issue 14): random Unicode text and random (often absurd or wrongly typed)
// options into encode / encodeBatch / decode of BERT (WordPiece) and GPT-2 (byte-level BPE). Each call
// ends in a result or a TokenizerError within a time bound; results keep their invariants.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Encoding } from './encoding.js';
import { parseMergesTxt } from './models/bpe.js';
import { dataDir } from './test-fixtures/data-path.js';
import {
  fuzzParams,
  fuzzTimeout,
  hostileNumber,
  hostileText,
  hostileValue,
  outcome,
  Tally,
} from './test-fixtures/fuzz.js';
import { Tokenizer } from './tokenizer.js';
import { gpt2Json, parseVocabJson } from './vocab-files.js';

const bert = Tokenizer.fromJSON(
  readFileSync(dataDir('vocab', 'bert-base-uncased', 'tokenizer.json'), 'utf8'),
);
const gpt2 = Tokenizer.fromJSON(
  gpt2Json(
    parseVocabJson(readFileSync(dataDir('vocab', 'gpt2', 'vocab.json'))),
    parseMergesTxt(readFileSync(dataDir('vocab', 'gpt2', 'merges.txt'), 'utf8')),
  ),
);
gpt2.declaredTokens.pad = '<|endoftext|>';

/** An option value: usually a plausible one, sometimes absurd or wrongly typed. */
const opt = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: plausible },
    { weight: 1, arbitrary: fc.oneof(hostileNumber, hostileValue) },
  );
const lengthArb = opt(fc.integer({ min: 0, max: 64 }));
const optionsArb = fc.record(
  {
    addSpecialTokens: opt(fc.boolean()),
    truncation: opt(fc.constantFrom(true, false, 'longest_first', 'only_first', 'only_second')),
    maxLength: lengthArb,
    stride: opt(fc.integer({ min: 0, max: 8 })),
    truncationSide: opt(fc.constantFrom('left', 'right')),
    truncationEarlyExit: opt(fc.boolean()),
    padding: opt(fc.constantFrom(true, false, 'longest', 'max_length')),
    paddingSide: opt(fc.constantFrom('left', 'right')),
    padToMultipleOf: opt(fc.integer({ min: 1, max: 16 })),
  },
  { requiredKeys: [] },
);
const inputArb = fc.oneof(hostileText(60), fc.tuple(hostileText(40), hostileText(40)));

/** Invariants of a successful encoding (and of its overflow windows). */
function checkEncoding(e: Encoding): void {
  const n = e.ids.length;
  for (const a of [
    e.typeIds,
    e.tokens,
    e.attentionMask,
    e.offsets,
    e.wordIds,
    e.sequenceIds,
    e.specialTokensMask,
  ])
    expect(a).toHaveLength(n);
  for (const id of e.ids) expect(Number.isInteger(id) && id >= 0).toBe(true);
  for (const o of e.overflowing) checkEncoding(o);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const tally = new Tally();
afterAll(() => tally.print('encode / decode'));

describe('fuzz: encode / encodeBatch / decode with hostile text and options', () => {
  it.each([
    ['bert', bert],
    ['gpt2', gpt2],
  ])(
    '%s: a result with consistent arrays, or a TokenizerError, within 1 s',
    (name, tok) => {
      fc.assert(
        fc.property(fc.array(inputArb, { minLength: 1, maxLength: 4 }), optionsArb, (inputs, options) => {
          const r = outcome(() => {
            const encs =
              inputs.length === 1
                ? [
                    typeof inputs[0] === 'string'
                      ? tok.encode(inputs[0], null, options as object)
                      : tok.encode(inputs[0][0], inputs[0][1], options as object),
                  ]
                : tok.encodeBatch(inputs as Array<string | [string, string]>, options as object);
            for (const e of encs) checkEncoding(e);
            const lengths = new Set(encs.map((e) => e.ids.length));
            if (options.padding === true || options.padding === 'longest') expect(lengths.size).toBe(1);
            tok.decode(encs[0].ids, { skipSpecialTokens: true });
          });
          tally.add(`${name} encode`, r);
        }),
        fuzzParams(250),
      );
    },
    fuzzTimeout(250),
  );

  it(
    'decode of random ids (negative, huge, fractional, NaN, wrong types)',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.array(fc.oneof(fc.nat({ max: 60_000 }), hostileNumber), { maxLength: 50 }),
            hostileValue,
          ),
          fc.oneof(
            fc.record({ skipSpecialTokens: fc.oneof(fc.boolean(), hostileValue) }, { requiredKeys: [] }),
            hostileValue,
          ),
          (ids, opts) => {
            tally.add(
              'bert decode',
              outcome(() => bert.decode(ids as number[], opts as object)),
            );
            tally.add(
              'gpt2 decode',
              outcome(() => gpt2.decode(ids as number[], opts as object)),
            );
          },
        ),
        fuzzParams(300),
      );
    },
    fuzzTimeout(300),
  );

  it(
    'round trip: decode(encode(text)) of GPT-2 gives the text back (well-formed Unicode)',
    () => {
      fc.assert(
        fc.property(hostileText(60), (text) => {
          const wellFormed = text.replace(LONE_SURROGATE, '\ufffd');
          const e = gpt2.encode(wellFormed, null, { addSpecialTokens: false });
          expect(gpt2.decode(e.ids)).toBe(wellFormed);
        }),
        fuzzParams(200),
      );
    },
    fuzzTimeout(200),
  );
});
