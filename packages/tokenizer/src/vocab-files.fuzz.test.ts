// Property / fuzz suite (issue 14): random bytes as vocab.txt / vocab.json / merges.txt, and strict
// UTF-8 decoding (one-shot and streamed in random chunks). Each ends in a result or a TokenizerError;
// a BOM never costs a token; the decoders agree with TextDecoder.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TextDecodeError } from './errors.js';
import { BPE, parseMergesTxt } from './models/bpe.js';
import { fuzzParams, fuzzTimeout, hostileText, outcome, Tally } from './test-fixtures/fuzz.js';
import { Tokenizer } from './tokenizer.js';
import { decodeUtf8, firstInvalidUtf8, Utf8StreamDecoder } from './utf8.js';
import { parseVocabJson, parseVocabTxt } from './vocab-files.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const BOM = [0xef, 0xbb, 0xbf];

/** vocab.txt-like bytes: lines of tokens (usually with BERT's specials), sometimes junk bytes, an optional BOM. */
const vocabBytesArb = fc
  .tuple(
    fc.boolean(),
    fc.boolean(),
    fc.uniqueArray(
      fc.oneof(
        fc.constantFrom('a', 'b', '##b', '##a', 'hello', 'he', '##llo', '', ' ', '\r', '[PAD]', '[MASK]'),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
      { maxLength: 30 },
    ),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }) },
    ),
    fc.nat(),
  )
  .map(([bom, specials, lines, junk, at]) => {
    const all = specials
      ? ['[UNK]', '[CLS]', '[SEP]', ...lines.filter((l) => !['[UNK]', '[CLS]', '[SEP]'].includes(l))]
      : lines;
    const text = utf8(all.map((l, i) => all[(i * 7 + at) % all.length] ?? l).join('\n'));
    const k = text.length === 0 ? 0 : at % (text.length + 1);
    return new Uint8Array([...(bom ? BOM : []), ...text.slice(0, k), ...(junk ?? []), ...text.slice(k)]);
  });

/** vocab.json text: usually a token → id object over a small alphabet (ids sometimes bad), or junk. */
const vocabJsonArb = fc.oneof(
  fc
    .dictionary(
      fc.constantFrom('a', 'b', 'c', 'ab', 'bc', 'abc', '<unk>', 'x'),
      fc.oneof(
        { weight: 9, arbitrary: fc.nat({ max: 12 }) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 2 ** 40, '3', null) },
      ),
      { minKeys: 4 },
    )
    .map((d) => JSON.stringify(d)),
  fc.jsonValue({ maxDepth: 2 }).map((j) => JSON.stringify(j) ?? ''),
  fc.string({ maxLength: 40 }),
);

const tally = new Tally();
afterAll(() => tally.print('vocab files / UTF-8'));

describe('fuzz: vocab files from random bytes', () => {
  it(
    'vocab.txt → a vocab (then a BERT tokenizer that encodes) or a TokenizerError; a BOM loses no token',
    () => {
      fc.assert(
        fc.property(vocabBytesArb, hostileText(20), (bytes, text) => {
          tally.add(
            'vocab.txt bytes',
            outcome(() => {
              const vocab = parseVocabTxt(bytes, 'vocab.txt');
              const plain = parseVocabTxt(
                bytes.slice(0, 3).every((b, i) => b === BOM[i]) ? bytes.slice(3) : bytes,
              );
              expect([...vocab]).toEqual([...plain]);
              Tokenizer.bertFromVocab(vocab).encode(text, text, { truncation: true, maxLength: 12 });
            }),
          );
        }),
        fuzzParams(300),
      );
    },
    fuzzTimeout(300),
  );

  it(
    'vocab.json / merges.txt → a BPE model or a TokenizerError',
    () => {
      fc.assert(
        fc.property(
          vocabJsonArb,
          fc.array(
            fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom('a b', 'ab c', 'b c', '#version: 0.2') },
              {
                weight: 1,
                arbitrary: fc.oneof(fc.constantFrom('a', 'a  b', ''), fc.string({ maxLength: 5 })),
              },
            ),
            {
              maxLength: 6,
            },
          ),
          fc.boolean(),
          (vocabText, mergeLines, bom) => {
            tally.add(
              'vocab.json + merges.txt',
              outcome(() => {
                const vocab = parseVocabJson(new Uint8Array([...(bom ? BOM : []), ...utf8(vocabText)]));
                new BPE(vocab, parseMergesTxt((bom ? '\ufeff' : '') + mergeLines.join('\n'))).tokenize('abc');
              }),
            );
          },
        ),
        fuzzParams(300),
      );
    },
    fuzzTimeout(300),
  );
});

describe('fuzz: strict UTF-8', () => {
  const bytesArb = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 12 }).map(utf8),
    fc
      .tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([s, at, b]) => {
        const u = utf8(s);
        if (u.length > 0) u[at % u.length] = b;
        return u;
      }),
  );

  it(
    'firstInvalidUtf8 / decodeUtf8 agree with a fatal TextDecoder; the offset starts the bad sequence',
    () => {
      fc.assert(
        fc.property(bytesArb, (bytes) => {
          let expected: string | null;
          try {
            expected = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
          } catch {
            expected = null;
          }
          const at = firstInvalidUtf8(bytes);
          expect(at === -1).toBe(expected !== null);
          if (expected === null) {
            expect(() => decodeUtf8(bytes, 'f')).toThrow(new TextDecodeError('f', at));
            // everything before the offset is valid UTF-8
            expect(firstInvalidUtf8(bytes.slice(0, at))).toBe(-1);
            tally.add('UTF-8 bytes', 'TextDecodeError');
          } else tally.add('UTF-8 bytes', 'result');
        }),
        fuzzParams(1000),
      );
    },
    fuzzTimeout(1000),
  );

  it(
    'streamed in random chunks: the same text, or the same error offset, as one-shot decoding',
    () => {
      fc.assert(
        fc.property(bytesArb, fc.array(fc.nat({ max: 40 }), { maxLength: 6 }), (bytes, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const d = new Utf8StreamDecoder('f');
          let text = '';
          let err: unknown = null;
          try {
            let prev = 0;
            for (const p of [...points, bytes.length]) {
              text += d.write(bytes.slice(prev, p));
              prev = p;
            }
            text += d.end();
          } catch (e) {
            err = e;
          }
          let one: string | TextDecodeError;
          try {
            one = decodeUtf8(bytes, 'f');
          } catch (e) {
            one = e as TextDecodeError;
          }
          if (typeof one === 'string') expect([err, text]).toEqual([null, one]);
          else expect(err).toEqual(one);
        }),
        fuzzParams(1000),
      );
    },
    fuzzTimeout(1000),
  );
});
