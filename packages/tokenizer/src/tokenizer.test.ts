import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { PaddingError, TokenizerConfigError, TruncationError, VocabFormatError } from './errors.js';
import { diffPlain } from './test-fixtures/compare.js';
import { dataDir } from './test-fixtures/data-path.js';
import { fromHf, toPlain } from './test-fixtures/oracle.js';
import { HARD_STRINGS, superglueStrings } from './test-fixtures/strings.js';
import { Tokenizer } from './tokenizer.js';

const BERT = dataDir('vocab', 'bert-base-uncased');
const GPT2 = dataDir('vocab', 'gpt2');
const bertJson = JSON.parse(readFileSync(join(BERT, 'tokenizer.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'selfevo-tok-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Tokenizer API', () => {
  it('BERT basics: ids, special tokens, offsets slice the original string', async () => {
    const t = await Tokenizer.fromPretrained(BERT);
    expect([t.padTokenId, t.unkTokenId, t.clsTokenId, t.sepTokenId, t.maskTokenId]).toEqual([
      0, 100, 101, 102, 103,
    ]);
    expect(t.specialTokens.sort()).toEqual(['[CLS]', '[MASK]', '[PAD]', '[SEP]', '[UNK]']);
    expect(t.getVocabSize()).toBe(30522);
    const text = 'Héllo, wörld! 😀 naïve';
    const e = t.encode(text);
    expect(e.tokens).toEqual(['[CLS]', 'hello', ',', 'world', '!', '[UNK]', 'naive', '[SEP]']);
    expect(e.offsets.map(([a, b]) => text.slice(a, b))).toEqual([
      '',
      'Héllo',
      ',',
      'wörld',
      '!',
      '😀',
      'naïve',
      '',
    ]);
    expect(e.wordIds).toEqual([null, 0, 1, 2, 3, 4, 5, null]);
    expect(e.specialTokensMask).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    expect(t.decode(e.ids)).toBe('[CLS] hello, world! [UNK] naive [SEP]');
    expect(t.decode(e.ids, { skipSpecialTokens: true })).toBe('hello, world! naive');
    expect(t.tokenToId('hello')).toBe(7592);
    expect(t.idToToken(7592)).toBe('hello');
    expect(t.tokenToId('no-such-token')).toBeUndefined();
    expect(t.idToToken(10 ** 6)).toBeUndefined();
  });

  it('GPT-2 has no pad/cls/sep/mask/unk', async () => {
    const t = await Tokenizer.fromPretrained(GPT2);
    expect([t.padTokenId, t.clsTokenId, t.sepTokenId, t.maskTokenId, t.unkTokenId]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(t.tokenToId('<|endoftext|>')).toBe(50256);
    expect(() => t.encodeBatch(['a', 'b c'], { padding: true })).toThrow(PaddingError);
  });

  it('vocab.txt folder without tokenizer.json, and lowercase: false keeps case', async () => {
    const dir = join(tmp, 'bert-vocab-only');
    rmSync(dir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(dir);
    writeFileSync(join(dir, 'vocab.txt'), readFileSync(join(BERT, 'vocab.txt')));
    const t = await Tokenizer.fromPretrained(dir);
    expect(t.encode('Hello').tokens).toEqual(['[CLS]', 'hello', '[SEP]']);
    const cased = await Tokenizer.fromBertVocab(join(dir, 'vocab.txt'), { lowercase: false });
    expect(cased.encode('Hello').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    await expect(Tokenizer.fromPretrained(tmp)).rejects.toBeInstanceOf(TokenizerConfigError);
  });

  it('save() writes atomically and round-trips (ours and HF load it)', async () => {
    const t = Tokenizer.fromJSON(bertJson);
    const p = join(tmp, 'saved.json');
    await t.save(p);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = await Tokenizer.fromFile(p);
    const hf = HfTokenizer.fromFile(p);
    for (const s of HARD_STRINGS) {
      expect(again.encode(s).ids).toEqual(t.encode(s).ids);
      expect((await hf.encode(s)).getIds()).toEqual(t.encode(s).ids);
    }
    expect(JSON.parse(readFileSync(p, 'utf8')).model.vocab['[PAD]']).toBe(0);
  });

  it('padding matches HF (longest, left, multiple of 8, max_length)', async () => {
    const ours = Tokenizer.fromJSON(bertJson);
    const batch = ['short', 'a much longer sentence with more tokens in it', 'mid size text'];
    const cases: Array<[object, object]> = [
      [{ padding: true }, {}],
      [
        { padding: 'longest', paddingSide: 'left', padToMultipleOf: 8 },
        { direction: 'left', padToMultipleOf: 8 },
      ],
      [{ padding: 'max_length', maxLength: 20 }, { maxLength: 20 }],
    ];
    for (const [o, h] of cases) {
      const hf = HfTokenizer.fromFile(join(BERT, 'tokenizer.json'));
      hf.setPadding({ padId: 0, padToken: '[PAD]', ...h });
      const theirs = await hf.encodeBatch(batch);
      const mine = ours.encodeBatch(batch, o);
      mine.forEach((m, i) => {
        expect(diffPlain(toPlain(m), fromHf(theirs[i], batch[i], null))).toBeNull();
      });
    }
    const padded = ours.encodeBatch([['q', 'a b']], {
      padding: 'max_length',
      maxLength: 10,
      paddingSide: 'left',
    })[0];
    expect(padded.attentionMask).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(padded.sequenceIds).toEqual([null, null, null, null, null, 0, null, 1, 1, null]);
  });

  it('default truncation keeps full overflow windows (stride overlap) over the whole input', async () => {
    const ours = Tokenizer.fromJSON(bertJson);
    const hf = HfTokenizer.fromFile(join(BERT, 'tokenizer.json'));
    const long = superglueStrings()
      .filter((s) => s.length > 1500)
      .slice(0, 60);
    expect(long.length).toBe(60);
    const maxLength = 64;
    const stride = 16;
    for (const s of long) {
      const full = fromHf(await hf.encode(s, null, { addSpecialTokens: false }), s, null);
      const e = ours.encode(s, null, { truncation: true, maxLength, stride });
      const windows = [e, ...e.overflowing];
      const step = maxLength - 2 - stride;
      windows.forEach((w, k) => {
        const a = k * step;
        const b = Math.min(a + maxLength - 2, full.ids.length);
        expect(w.ids).toEqual([101, ...full.ids.slice(a, b), 102]);
        expect(w.offsets.slice(1, -1)).toEqual(full.offsets.slice(a, b));
        expect(w.wordIds.slice(1, -1)).toEqual(full.wordIds.slice(a, b));
      });
      const last = windows.length - 1;
      expect(last * step + maxLength - 2).toBeGreaterThanOrEqual(full.ids.length);
      expect(e.overflowing.every((o) => o.overflowing.length === 0)).toBe(true);
    }
  });

  it('left truncation with stride matches HF (early-exit mode), single and pair', async () => {
    const ours = Tokenizer.fromJSON(bertJson);
    const hf = HfTokenizer.fromFile(join(BERT, 'tokenizer.json'));
    hf.setTruncation(24, { direction: 'left' as any, stride: 3 });
    const sample = superglueStrings().filter((_, i) => i % 200 === 0);
    const o = {
      truncation: true,
      maxLength: 24,
      stride: 3,
      truncationSide: 'left',
      truncationEarlyExit: true,
    } as const;
    for (let i = 0; i < sample.length; i++) {
      const s = sample[i];
      expect(diffPlain(toPlain(ours.encode(s, null, o)), fromHf(await hf.encode(s), s, null))).toBeNull();
      const p = sample[(i + 1) % sample.length];
      expect(diffPlain(toPlain(ours.encode(s, p, o)), fromHf(await hf.encode(s, p), s, p))).toBeNull();
    }
  });

  it('truncation and padding stored in tokenizer.json apply like in HF', async () => {
    const json = {
      ...bertJson,
      truncation: { direction: 'Right', max_length: 16, strategy: 'LongestFirst', stride: 2 },
      padding: {
        strategy: { Fixed: 20 },
        direction: 'Left',
        pad_to_multiple_of: null,
        pad_id: 0,
        pad_type_id: 0,
        pad_token: '[PAD]',
      },
    };
    const ours = Tokenizer.fromJSON(json);
    const hf = HfTokenizer.fromString(JSON.stringify(json));
    const batch = superglueStrings().filter((_, i) => i % 3000 === 0);
    const theirs = await hf.encodeBatch(batch);
    const mine = ours.encodeBatch(batch, { truncationEarlyExit: true });
    mine.forEach((m, i) => {
      expect(m.ids.length).toBe(20);
      expect(diffPlain(toPlain(m), fromHf(theirs[i], batch[i], null))).toBeNull();
    });
    expect(ours.encode('a b c', null, { truncation: false, padding: false }).ids).toEqual([
      101, 1037, 1038, 1039, 102,
    ]);
    const again = ours.toJSON() as any;
    expect(again.truncation).toEqual(json.truncation);
    expect(again.padding).toEqual(json.padding);
  });

  it('repeated long inputs come from the sequence cache unchanged; replacing a component clears it', async () => {
    const t = Tokenizer.fromJSON(bertJson);
    const passage = superglueStrings().find((x) => x.length > 2000)!;
    const o = { truncation: 'only_first', maxLength: 64, stride: 8 } as const;
    const first = t.encode(passage, 'question one', o);
    const again = t.encode(passage, 'question one', o);
    expect(again).toEqual(first);
    expect(t.encode(passage).ids.length).toBeGreaterThan(64);
    t.normalizer = null; // cased now: different ids
    expect(t.encode(passage).ids).not.toEqual(Tokenizer.fromJSON(bertJson).encode(passage).ids);
  });

  it('left truncation keeps the tail', () => {
    const t = Tokenizer.fromJSON(bertJson);
    const e = t.encode('one two three four five six', null, {
      truncation: true,
      maxLength: 5,
      truncationSide: 'left',
    });
    expect(e.tokens).toEqual(['[CLS]', 'four', 'five', 'six', '[SEP]']);
    expect(e.overflowing[0].tokens).toEqual(['[CLS]', 'one', 'two', 'three', '[SEP]']);
  });
});

describe('bad input gives a clear error', () => {
  it('unknown component types name the component', () => {
    for (const key of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder']) {
      expect(() => Tokenizer.fromJSON({ ...bertJson, [key]: { type: 'Bogus' } })).toThrow(
        new RegExp(`unknown ${key} type "Bogus"`),
      );
    }
    expect(() => Tokenizer.fromJSON({ ...bertJson, model: { ...bertJson.model, type: 'Nope' } })).toThrow(
      TokenizerConfigError,
    );
    expect(() => Tokenizer.fromJSON('{not json')).toThrow(TokenizerConfigError);
    expect(() =>
      Tokenizer.fromJSON({
        ...bertJson,
        pre_tokenizer: { type: 'Split', pattern: { Regex: '(' }, behavior: 'Removed' },
      }),
    ).toThrow(/invalid regex/);
    expect(() =>
      Tokenizer.fromJSON({
        ...bertJson,
        pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'Nope' },
      }),
    ).toThrow(/pre_tokenizer\.behavior: expected \("Removed" \| .*got "Nope"/);
    expect(() =>
      Tokenizer.fromJSON({ ...bertJson, pre_tokenizer: { type: 'Metaspace', replacement: '' } }),
    ).toThrow(/non-empty `replacement`/);
    expect(() => Tokenizer.fromJSON({ ...bertJson, model: undefined })).toThrow(/no `model`/);
  });

  it('malformed vocab.txt / vocab.json / merges.txt', async () => {
    const w = (name: string, text: string) => {
      const p = join(tmp, name);
      writeFileSync(p, text);
      return p;
    };
    await expect(Tokenizer.fromBertVocab(w('empty.txt', ''))).rejects.toThrow(/empty vocab/);
    await expect(
      Tokenizer.fromBertVocab(w('dup.txt', '[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nhello\n')),
    ).rejects.toThrow(/dup\.txt:6: duplicate token "hello"/);
    await expect(Tokenizer.fromBertVocab(w('blank.txt', '[UNK]\n\n[CLS]\n'))).rejects.toThrow(
      /blank\.txt:2: empty token/,
    );
    await expect(Tokenizer.fromBertVocab(w('nocls.txt', '[UNK]\nhello\n'))).rejects.toBeInstanceOf(
      VocabFormatError,
    );
    const vocab = w('v.json', JSON.stringify({ a: 0, b: 1, ab: 2 }));
    await expect(Tokenizer.fromGPT2(vocab, w('m1.txt', '#version: 0.2\na b\nab\n'))).rejects.toThrow(
      /m1\.txt:3: expected two space-separated tokens/,
    );
    await expect(Tokenizer.fromGPT2(vocab, w('m2.txt', 'a c\n'))).rejects.toThrow(/"c" is not in the vocab/);
    await expect(Tokenizer.fromGPT2(w('bad.json', '{"a": "x"}'), w('m3.txt', ''))).rejects.toThrow(
      /invalid id/,
    );
    await expect(Tokenizer.fromGPT2(w('bad2.json', '[1,2'), w('m4.txt', ''))).rejects.toThrow(
      VocabFormatError,
    );
    const ok = await Tokenizer.fromGPT2(vocab, w('m5.txt', '#version: 0.2\na b\n'));
    expect(ok.encode('ab').tokens).toEqual(['ab']);
  });

  it('truncation errors', () => {
    const t = Tokenizer.fromJSON(bertJson);
    expect(() => t.encode('a b c', null, { truncation: 'only_second', maxLength: 4 })).toThrow(
      TruncationError,
    );
    expect(() => t.encode('a b c', null, { truncation: 'only_second', maxLength: 4 })).toThrow(
      /needs a pair/,
    );
    expect(() => t.encode('a b c', 'd', { truncation: true, maxLength: 2 })).toThrow(
      /shorter than the 3 special tokens/,
    );
    expect(() => t.encode('a b c', null, { truncation: true, maxLength: 6, stride: 4 })).toThrow(
      /stride 4 must be smaller/,
    );
    expect(() => t.encode('a b c', null, { truncation: true })).toThrow(/maxLength/);
    expect(() => t.encode('a', 'b c d e f g h i j', { truncation: 'only_first', maxLength: 6 })).toThrow(
      /cannot truncate/,
    );
  });
});
