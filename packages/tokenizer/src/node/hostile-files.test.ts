// Hostile or careless files in a model folder (issue 14): BOMs lose nothing, invalid UTF-8 and
// malformed config files are typed errors naming the file (and field, and byte offset).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PaddingError, TextDecodeError, TokenizerConfigError } from '../errors.js';
import { loadBertVocab, loadGPT2, loadPretrained, loadTokenizer } from './index.js';
import { trainWordPiece } from './train-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'selfevo-tok-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const VOCAB = '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n';

/** Write `files` (name → text or bytes) into a new folder; its path. */
function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) writeFileSync(join(dir, f), content);
  return dir;
}

describe('byte-order marks lose no token', () => {
  it('vocab.txt: [PAD] stays id 0 (HF keeps "\\ufeff[PAD]" and loses it)', async () => {
    const dir = folder('bom-vocab', { 'vocab.txt': Buffer.concat([BOM, Buffer.from(VOCAB)]) });
    const t = await loadBertVocab(join(dir, 'vocab.txt'));
    expect([t.tokenToId('[PAD]'), t.idToToken(0), t.padTokenId]).toEqual([0, '[PAD]', 0]);
    expect(
      (await loadPretrained(dir)).encodeBatch(['hello', 'hello world'], { padding: true })[0].ids,
    ).toEqual([2, 5, 3, 0]);
  });

  it('vocab.json + merges.txt, tokenizer.json, tokenizer_config.json', async () => {
    const dir = folder('bom-gpt2', {
      'vocab.json': Buffer.concat([BOM, Buffer.from('{"a": 0, "b": 1, "ab": 2}')]),
      'merges.txt': Buffer.concat([BOM, Buffer.from('a b\n')]),
    });
    const g = await loadGPT2(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
    expect([g.tokenToId('a'), g.encode('ab').ids]).toEqual([0, [2]]);
    const json = { model: { type: 'WordLevel', vocab: { hi: 0, '<unk>': 1 } } };
    const tj = folder('bom-json', {
      'tokenizer.json': Buffer.concat([BOM, Buffer.from(JSON.stringify(json))]),
      'tokenizer_config.json': Buffer.concat([BOM, Buffer.from('{"pad_token": "<unk>"}')]),
    });
    const t = await loadPretrained(tj);
    expect([t.encode('hi').ids, t.padTokenId]).toEqual([[0], 1]);
  });
});

describe('invalid UTF-8 names the file and the byte offset', () => {
  const bad = (prefix: string, ...bytes: number[]) =>
    Buffer.concat([Buffer.from(prefix), Buffer.from(bytes)]);

  it.each([
    // offsets: where the bad sequence starts (a byte that never starts UTF-8, a bad continuation, a surrogate)
    ['vocab.txt', bad('[PAD]\n[UNK]\n[CLS]\n[SEP]\nh', 0xff, 0x0a), 25],
    [
      'tokenizer.json',
      bad('{"model": {"type": "WordLevel", "vocab": {"', 0xc3, 0x28, 0x22, 0x3a, 0x30, 0x7d, 0x7d),
      43,
    ],
    ['tokenizer_config.json', bad('{"pad_token": "', 0xed, 0xa0, 0x80, 0x22, 0x7d), 15],
  ])('%s', async (file, bytes, offset) => {
    const dir = folder(`utf8-${file}`, { 'vocab.txt': VOCAB, [file]: bytes });
    const err = await loadPretrained(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TextDecodeError);
    expect((err as TextDecodeError).message).toBe(`${join(dir, file)}: invalid UTF-8 at byte ${offset}`);
    expect((err as TextDecodeError).byteOffset).toBe(offset);
  });

  it('vocab.json and merges.txt', async () => {
    const dir = folder('utf8-gpt2', {
      'vocab.json': bad('{"a":0,"b', 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d),
      'merges.txt': bad('a b\nc ', 0xe2, 0x82, 0x0a),
      'ok.json': '{"a":0,"b":1,"ab":2}',
    });
    await expect(loadGPT2(join(dir, 'vocab.json'), join(dir, 'ok.json'))).rejects.toThrow(
      new TextDecodeError(join(dir, 'vocab.json'), 9),
    );
    await expect(loadGPT2(join(dir, 'ok.json'), join(dir, 'merges.txt'))).rejects.toThrow(
      new TextDecodeError(join(dir, 'merges.txt'), 6),
    );
  });

  it('a training file, streamed in chunks: the offset counts from the start of the file', async () => {
    const dir = folder('utf8-train', {
      'corpus.txt': Buffer.concat([
        Buffer.from('hello world\n'.repeat(200_000)),
        Buffer.from([0xf0, 0x28]),
        Buffer.from('x\n'),
      ]),
    });
    await expect(
      trainWordPiece([join(dir, 'corpus.txt')], { progress: false, vocabSize: 50 }),
    ).rejects.toThrow(new TextDecodeError(join(dir, 'corpus.txt'), 2_400_000));
  });
});

describe('malformed tokenizer_config.json / special_tokens_map.json', () => {
  it.each([
    ['tokenizer_config.json', '{"do_lower_case": tru', /tokenizer_config\.json: not valid JSON/],
    ['tokenizer_config.json', 'null', /tokenizer_config\.json: expected a JSON object, got null/],
    ['tokenizer_config.json', '[1]', /tokenizer_config\.json: expected a JSON object/],
    [
      'tokenizer_config.json',
      '{"do_lower_case": "yes"}',
      /tokenizer_config\.json: do_lower_case: expected boolean, got "yes"/,
    ],
    [
      'tokenizer_config.json',
      '{"pad_token": 5}',
      /tokenizer_config\.json: pad_token: expected \(string \| Object\), got 5/,
    ],
    ['special_tokens_map.json', '{"pad_token": ', /special_tokens_map\.json: not valid JSON/],
    [
      'special_tokens_map.json',
      '{"pad_token": {"content": 7}}',
      /special_tokens_map\.json: pad_token\.content: expected string, got 7/,
    ],
  ])('%s %s', async (file, text, msg) => {
    const dir = folder(`cfg-${file}-${text.length}`, { 'vocab.txt': VOCAB, [file]: text });
    const err = await loadPretrained(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TokenizerConfigError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message.startsWith(join(dir, file))).toBe(true);
  });

  it('declared special tokens apply; a declared pad token missing from the vocabulary is named', async () => {
    const ok = folder('declared-ok', {
      'vocab.txt': VOCAB,
      'special_tokens_map.json': '{"pad_token": {"content": "[MASK]"}, "cls_token": "hello"}',
      'tokenizer_config.json': '{"do_lower_case": false, "pad_token": "world"}',
    });
    const t = await loadPretrained(ok);
    expect([t.padTokenId, t.clsTokenId, t.encode('Hello').tokens[1]]).toEqual([4, 5, '[UNK]']);
    const missing = folder('declared-missing', {
      'vocab.txt': '[UNK]\n[CLS]\n[SEP]\nhello\n',
      'special_tokens_map.json': '{"pad_token": "[PAD]"}',
    });
    const m = await loadPretrained(missing);
    expect(() => m.encodeBatch(['hello', 'hello hello'], { padding: true })).toThrow(
      new PaddingError('the pad token "[PAD]" is not in the vocabulary'),
    );
  });

  it('a malformed tokenizer.json file is named with the field', async () => {
    const dir = folder('bad-json', {
      'tokenizer.json': '{"model": {"type": "WordPiece", "vocab": {"a": "x"}}}',
    });
    await expect(loadTokenizer(join(dir, 'tokenizer.json'))).rejects.toThrow(
      `${join(dir, 'tokenizer.json')}: model.vocab: token "a" has invalid id "x"`,
    );
  });
});
