// Hostile or careless input to the core (issue 14): each case ends in a typed error that names the
// file, field and value, quickly, before anything large is allocated, or in the right result.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PaddingError,
  PatternBudgetError,
  TextDecodeError,
  TokenizerConfigError,
  TokenizerError,
  TokenizerInputError,
  TruncationError,
  UnsafePatternError,
} from './errors.js';
import { dataDir } from './test-fixtures/data-path.js';
import { Tokenizer } from './tokenizer.js';
import { gpt2Json, parseVocabJson, parseVocabTxt } from './vocab-files.js';

const bertJson = JSON.parse(readFileSync(dataDir('vocab', 'bert-base-uncased', 'tokenizer.json'), 'utf8'));
const bert = Tokenizer.fromJSON(bertJson);
const gpt2Vocab = parseVocabJson(readFileSync(dataDir('vocab', 'gpt2', 'vocab.json')));
const tinyGpt2 = () => gpt2Json(new Map([...gpt2Vocab].slice(0, 300)), []);

/** The error `fn` throws (fails the test when it returns), and how long it took. */
function thrown(fn: () => unknown): { error: Error; ms: number } {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    return { error: e as Error, ms: performance.now() - t0 };
  }
  throw new Error('expected a throw');
}

const split = (Regex: string) => ({
  ...bertJson,
  pre_tokenizer: { type: 'Split', pattern: { Regex }, behavior: 'Isolated' },
});

describe('regexes from tokenizer.json run guarded', () => {
  it.each([
    ['(a+)+$', 'nested quantifiers'],
    ['(a|a)*$', 'overlapping alternatives'],
    ['(\\w+\\s?)+$', 'nested quantifiers'],
    ['(.*a){20}', 'n\\^20'],
    ['\\s*\\s*\\s*x', 'n\\^3'],
  ])('Split %s is refused at load with an UnsafePatternError naming file, field and pattern', (re, why) => {
    const { error, ms } = thrown(() => Tokenizer.fromJSON(split(re)));
    expect(error).toBeInstanceOf(UnsafePatternError);
    expect(error.message).toMatch(
      new RegExp(`^tokenizer\\.json: pre_tokenizer\\.pattern\\.Regex: regex .* is refused: .*${why}`),
    );
    expect((error as UnsafePatternError).pattern).toContain(re.slice(0, 3));
    expect(ms).toBeLessThan(1000);
  });

  it('the Replace normalizer, the Replace decoder and nested Sequences are guarded too', () => {
    const norm = {
      type: 'Sequence',
      normalizers: [{ type: 'Lowercase' }, { type: 'Replace', pattern: { Regex: '(x+x+)+y' }, content: '' }],
    };
    expect(() => Tokenizer.fromJSON({ ...bertJson, normalizer: norm })).toThrow(
      /^tokenizer\.json: normalizer\.normalizers\[1\]\.pattern\.Regex: regex "\(x\+x\+\)\+y" is refused/,
    );
    expect(() =>
      Tokenizer.fromJSON({
        ...bertJson,
        decoder: { type: 'Replace', pattern: { Regex: '(a*)*b' }, content: '' },
      }),
    ).toThrow(UnsafePatternError);
    expect(() => Tokenizer.fromJSON(split('a'.repeat(20_000)), 'my/tokenizer.json')).toThrow(
      /^my\/tokenizer\.json: pre_tokenizer\.pattern\.Regex: .*20000 characters/,
    );
  });

  it('an empty match before an emoji does not loop forever (a hang before)', () => {
    const t = Tokenizer.fromJSON(split('(?<=^|b|b)'));
    expect(t.encode('👨‍👩‍👧 ab😀').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']); // no match: one piece
  });

  it('a quadratic pattern runs on ordinary text but refuses a huge run of its atom, in milliseconds', () => {
    const t = Tokenizer.fromJSON(split('\\s*x'));
    expect(t.encode('ax').tokens).toEqual(['[CLS]', 'a', 'x', '[SEP]']);
    const { error, ms } = thrown(() => t.encode(' '.repeat(200_000)));
    expect(error).toBeInstanceOf(PatternBudgetError);
    expect(error.message).toMatch(/200000 characters/);
    expect(ms).toBeLessThan(1000);
  });
});

describe('absurd lengths are typed errors, not out-of-memory aborts', () => {
  it.each([
    [
      { padding: 'max_length', maxLength: 1e9 },
      PaddingError,
      /maxLength: expected <=1048576, got 1000000000/,
    ],
    [{ padding: 'max_length', maxLength: 2 ** 31 }, PaddingError, /maxLength/],
    [{ padding: true, padToMultipleOf: 1e9 }, PaddingError, /padToMultipleOf/],
    [{ truncation: true, maxLength: 2 ** 31 }, TruncationError, /maxLength/],
    [
      { padding: 'max_length', maxLength: 2 ** 20 + 1 },
      PaddingError,
      /maxLength: expected <=1048576, got 1048577/,
    ],
  ] as const)('encode options %o', (opts, cls, msg) => {
    const { error, ms } = thrown(() => bert.encode('hi', null, opts));
    expect(error).toBeInstanceOf(cls);
    expect(error.message).toMatch(msg);
    expect(ms).toBeLessThan(100);
  });

  it('overflow windows that would not fit (long input, stride close to the window; pair × pair)', () => {
    const single = thrown(() =>
      bert.encode('a '.repeat(60_000), null, { truncation: true, maxLength: 30_000, stride: 29_990 }),
    );
    expect(single.error).toBeInstanceOf(TruncationError);
    expect(single.error.message).toMatch(/would make \d+ overflow windows .*raise maxLength or lower stride/);
    const pair = thrown(() =>
      bert.encode('a '.repeat(20_000), 'b '.repeat(20_000), { truncation: true, maxLength: 40, stride: 15 }),
    );
    expect(pair.error).toBeInstanceOf(TruncationError);
    // ordinary sliding windows are untouched
    expect(
      bert.encode('a '.repeat(2000), null, { truncation: true, maxLength: 384, stride: 128 }).overflowing,
    ).toHaveLength(7);
  });

  it('a batch that would need more than MAX_PAD_TOKENS pad tokens', () => {
    const batch = Array.from({ length: 40 }, () => 'a');
    const { error, ms } = thrown(() =>
      bert.encodeBatch(batch, { padding: 'max_length', maxLength: 2 ** 20 }),
    );
    expect(error).toBeInstanceOf(PaddingError);
    expect(error.message).toMatch(/would add \d+ pad tokens/);
    expect(ms).toBeLessThan(500);
  });

  it('tokenizer.json padding / truncation blocks with absurd or wrong values are refused at load', () => {
    const pad = {
      strategy: 'BatchLongest',
      direction: 'Right',
      pad_id: 0,
      pad_type_id: 0,
      pad_token: '[PAD]',
    };
    expect(() => Tokenizer.fromJSON({ ...bertJson, padding: { ...pad, strategy: { Fixed: 1e9 } } })).toThrow(
      /^tokenizer\.json: padding\.strategy/,
    );
    expect(() =>
      Tokenizer.fromJSON({ ...bertJson, padding: { ...pad, pad_to_multiple_of: 2 ** 40 } }),
    ).toThrow(/^tokenizer\.json: padding\.pad_to_multiple_of: expected <=1048576/);
    const trunc = { max_length: 'x', stride: 0, strategy: 'LongestFirst', direction: 'Right' };
    expect(() => Tokenizer.fromJSON({ ...bertJson, truncation: trunc })).toThrow(
      /^tokenizer\.json: truncation\.max_length: expected number, got "x"/,
    );
  });
});

describe('many added tokens', () => {
  it('50,000 added_tokens load and match in linear time (each add rebuilt a regex: quadratic before)', () => {
    const added = Array.from({ length: 50_000 }, (_, i) => ({
      id: 1000 + i,
      content: `<tok${i}>`,
      special: true,
    }));
    const t0 = performance.now();
    const t = Tokenizer.fromJSON({ ...bertJson, added_tokens: [...bertJson.added_tokens, ...added] });
    const e = t.encode('a <tok7> b <tok49999> '.repeat(100));
    expect(e.ids.slice(0, 6)).toEqual([101, 1037, 1007, 1038, 50_999, 1037]);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('the pad token is never a silent 0', () => {
  const block = {
    strategy: 'BatchLongest',
    direction: 'Right',
    pad_id: 0,
    pad_type_id: 0,
    pad_token: '[PAD]',
  };

  it('a tokenizer.json padding block whose pad_token is not in the vocabulary', () => {
    const t = Tokenizer.fromJSON({ ...tinyGpt2(), padding: block });
    expect(() => t.encodeBatch(['a', 'a b c'])).toThrow(
      new PaddingError('the pad token "[PAD]" is not in the vocabulary'),
    );
    expect(t.padTokenId).toBeUndefined();
  });

  it('a pad_id that is not the id of pad_token; a block without pad_id takes the token’s id', () => {
    const bad = Tokenizer.fromJSON({ ...bertJson, padding: { ...block, pad_id: 7 } });
    expect(() => bad.encodeBatch(['a', 'a b'])).toThrow(
      /pad_id 7 is not the id of pad_token "\[PAD\]" \(0\)/,
    );
    const { pad_id: _, ...noId } = block;
    const t = Tokenizer.fromJSON({ ...bertJson, padding: noId });
    expect(t.encodeBatch(['a', 'a b c'])[0].ids).toEqual([101, 1037, 102, 0, 0]);
  });

  it('a declared pad token (special_tokens_map.json) that is not in the vocabulary', () => {
    const t = Tokenizer.bertFromVocab(parseVocabTxt('[UNK]\n[CLS]\n[SEP]\nhello\n'));
    t.declaredTokens.pad = '<pad>';
    expect(() => t.encodeBatch(['hello', 'hello hello'], { padding: true })).toThrow(
      /pad token "<pad>" is not in the vocabulary/,
    );
    t.declaredTokens.pad = 'hello';
    expect(t.encodeBatch(['hello', 'hello hello'], { padding: true })[0].ids).toEqual([1, 3, 2, 3]);
  });
});

describe('byte-order marks and invalid UTF-8', () => {
  const BOM = [0xef, 0xbb, 0xbf];
  const utf8 = (s: string) => new TextEncoder().encode(s);

  it('a BOM before vocab.txt, vocab.json, merges.txt or tokenizer.json loses no token', () => {
    expect(parseVocabTxt('\ufeff[PAD]\n[UNK]\n').get('[PAD]')).toBe(0);
    expect(parseVocabTxt(new Uint8Array([...BOM, ...utf8('[PAD]\n[UNK]\n')])).get('[PAD]')).toBe(0);
    expect(parseVocabJson('\ufeff{"a": 0}').get('a')).toBe(0);
    expect(Tokenizer.fromJSON(`\ufeff${JSON.stringify(bertJson)}`).encode('hello').ids).toEqual([
      101, 7592, 102,
    ]);
    expect(Tokenizer.fromBytes(new Uint8Array([...BOM, ...utf8(JSON.stringify(bertJson))])).padTokenId).toBe(
      0,
    );
  });

  it('a U+FEFF the text starts with survives decode (the byte-level decoder dropped it as a BOM)', () => {
    const t = Tokenizer.fromJSON(gpt2Json(gpt2Vocab, []));
    expect(t.decode(t.encode('\ufeffhi\ufeff').ids)).toBe('\ufeffhi\ufeff');
  });

  it('invalid UTF-8 is a TextDecodeError naming the file and the byte offset', () => {
    const bytes = utf8(JSON.stringify(bertJson));
    bytes[100] = 0xff;
    const { error } = thrown(() => Tokenizer.fromBytes(bytes, 'bert/tokenizer.json'));
    expect(error).toBeInstanceOf(TextDecodeError);
    expect(error.message).toBe('bert/tokenizer.json: invalid UTF-8 at byte 100');
    expect(() => parseVocabTxt(new Uint8Array([...utf8('[PAD]\nh'), 0xc3, 0x28, 0x0a]), 'v.txt')).toThrow(
      new TextDecodeError('v.txt', 7),
    );
    expect(() => parseVocabJson(new Uint8Array([...utf8('{"'), 0xed, 0xa0, 0x80, ...utf8('": 0}')]))).toThrow(
      /^vocab\.json: invalid UTF-8 at byte 2$/,
    );
  });
});

describe('malformed tokenizer.json: a TokenizerConfigError naming the file and field, never a TypeError', () => {
  let deep: object = { type: 'Lowercase' };
  for (let i = 0; i < 100_000; i++) deep = { type: 'Sequence', normalizers: [deep] };
  const cases: Array<[string, unknown, RegExp]> = [
    ['null', null, /^tokenizer\.json: expected a tokenizer\.json object, got null/],
    ['an array', [], /expected a tokenizer\.json object/],
    [
      'added_tokens: 5',
      { ...bertJson, added_tokens: 5 },
      /^tokenizer\.json: added_tokens: expected Array, got 5/,
    ],
    [
      'added_tokens: [null]',
      { ...bertJson, added_tokens: [null] },
      /added_tokens\[0\]: expected Object, got null/,
    ],
    [
      'added token id 1e300',
      { ...bertJson, added_tokens: [{ id: 1e300, content: 'x' }] },
      /added_tokens\[0\]\.id: expected <=2147483647/,
    ],
    [
      'normalizer: 5',
      { ...bertJson, normalizer: 5 },
      /^tokenizer\.json: normalizer: expected a normalizer object with a "type", got 5/,
    ],
    [
      'normalizer Sequence [null]',
      { ...bertJson, normalizer: { type: 'Sequence', normalizers: [null] } },
      /normalizer\.normalizers\[0\]: expected a normalizer, got null/,
    ],
    [
      'BertNormalizer lowercase "no"',
      { ...bertJson, normalizer: { type: 'BertNormalizer', lowercase: 'no' } },
      /normalizer\.lowercase: expected boolean, got "no"/,
    ],
    [
      'pre_tokenizer Sequence [7]',
      { ...bertJson, pre_tokenizer: { type: 'Sequence', pretokenizers: [7] } },
      /pre_tokenizer\.pretokenizers\[0\]: expected a pre_tokenizer object/,
    ],
    [
      'model.vocab null',
      { ...bertJson, model: { ...bertJson.model, vocab: null } },
      /^tokenizer\.json: model\.vocab: expected an object of token → id, got null/,
    ],
    [
      'vocab id -1',
      { ...bertJson, model: { ...bertJson.model, vocab: { a: -1 } } },
      /model\.vocab: token "a" has invalid id -1/,
    ],
    [
      'BPE merges [[1, 2]]',
      { ...bertJson, model: { type: 'BPE', vocab: { a: 0 }, merges: [[1, 2]] } },
      /model\.merges\[0\]: expected "a b" or \["a", "b"\], got \[1,2\]/,
    ],
    [
      'max_input_chars_per_word "x"',
      { ...bertJson, model: { ...bertJson.model, max_input_chars_per_word: 'x' } },
      /model\.max_input_chars_per_word: expected number, got "x"/,
    ],
    [
      'Unigram score Infinity',
      { ...bertJson, model: { type: 'Unigram', vocab: [['a', Number.POSITIVE_INFINITY]] } },
      /model\.vocab\[0\]: expected \[piece: string, score: finite number\]/,
    ],
    [
      'TemplateProcessing single: 5',
      { ...bertJson, post_processor: { type: 'TemplateProcessing', single: 5 } },
      /post_processor\.single: expected \(string \| Array\), got 5/,
    ],
    [
      'TemplateProcessing special_tokens null',
      { ...bertJson, post_processor: { ...bertJson.post_processor, special_tokens: null } },
      /post_processor: the template uses special token "\[CLS\]"/,
    ],
    [
      'BertProcessing sep "x"',
      { ...bertJson, post_processor: { type: 'BertProcessing', sep: 'x' } },
      /post_processor\.sep: expected Array, got "x"/,
    ],
    [
      'decoder Replace without pattern',
      { ...bertJson, decoder: { type: 'Replace' } },
      /decoder\.pattern: missing/,
    ],
    [
      'decoder Strip start "x"',
      { ...bertJson, decoder: { type: 'Strip', content: ' ', start: 'x' } },
      /decoder\.start: expected number, got "x"/,
    ],
    [
      'decoder Sequence [null]',
      { ...bertJson, decoder: { type: 'Sequence', decoders: [null] } },
      /decoder\.decoders\[0\]: expected a decoder, got null/,
    ],
    [
      'Sequence nested 100,000 deep',
      { ...bertJson, normalizer: deep },
      /Sequence components nested deeper than 32/,
    ],
    [
      'unknown pre_tokenizer type',
      { ...bertJson, pre_tokenizer: { type: 'UnicodeScripts' } },
      /unknown pre_tokenizer type "UnicodeScripts"/,
    ],
  ];

  it.each(cases)('%s', (_name, json, msg) => {
    const { error, ms } = thrown(() => Tokenizer.fromJSON(json as object));
    expect(error).toBeInstanceOf(TokenizerConfigError);
    expect(error.message).toMatch(msg);
    expect(ms).toBeLessThan(1000);
  });

  it('JSON text that does not parse names the source', () => {
    expect(() => Tokenizer.fromJSON('{"model": ', 'models/x/tokenizer.json')).toThrow(
      /^models\/x\/tokenizer\.json: not valid JSON/,
    );
  });
});

describe('wrong argument types are TokenizerInputErrors', () => {
  it.each([
    ['encode(5)', () => bert.encode(5 as unknown as string), /encode: input 0 must be a string/],
    [
      'encode pair 5',
      () => bert.encode('a', 5 as unknown as string),
      /encode: input 0 must be a string or a \[string, string\] pair, got \["a",5\]/,
    ],
    [
      'encode options null',
      () => bert.encode('a', null, null as unknown as object),
      /encode: options must be an object/,
    ],
    [
      'addSpecialTokens "no"',
      () => bert.encode('a', null, { addSpecialTokens: 'no' as unknown as boolean }),
      /addSpecialTokens: expected a boolean/,
    ],
    ['encodeBatch("a")', () => bert.encodeBatch('a' as unknown as string[]), /expected an array of inputs/],
    [
      'encodeBatch([["a"]])',
      () => bert.encodeBatch([['a'] as unknown as [string, string]]),
      /input 0 must be/,
    ],
    ['decode("1 2")', () => bert.decode('1 2' as unknown as number[]), /decode: expected an array of ids/],
    [
      'decode([1, "2"])',
      () => bert.decode([1, '2'] as unknown as number[]),
      /decode: ids\[1\] must be a number, got "2"/,
    ],
  ])('%s', (_name, fn, msg) => {
    const { error } = thrown(fn);
    expect(error).toBeInstanceOf(TokenizerInputError);
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error.message).toMatch(msg);
  });
});
