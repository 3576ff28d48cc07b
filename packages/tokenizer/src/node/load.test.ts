import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenizerConfigError, VocabFormatError } from '../errors.js';
import { dataDir } from '../test-fixtures/data-path.js';
import { Tokenizer } from '../tokenizer.js';
import { gpt2Json, parseVocabJson, parseVocabTxt } from '../vocab-files.js';
import { loadBertVocab, loadGPT2, loadPretrained, loadTokenizer, saveTokenizer } from './index.js';

const BERT = dataDir('vocab', 'bert-base-uncased');
const GPT2 = dataDir('vocab', 'gpt2');
const tmp = mkdtempSync(join(tmpdir(), 'selfevo-tok-node-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TEXT = 'Hello, world! Tokenizers: naïve café 🙂';

describe('@selfevo/tokenizer/node loaders', () => {
  it('read the same tokenizers the core builds from the files’ text', async () => {
    const fromText = Tokenizer.fromJSON(readFileSync(join(BERT, 'tokenizer.json'), 'utf8'));
    expect((await loadTokenizer(join(BERT, 'tokenizer.json'))).encode(TEXT)).toEqual(fromText.encode(TEXT));
    expect((await loadPretrained(BERT)).encode(TEXT)).toEqual(fromText.encode(TEXT));
    const vocab = parseVocabTxt(readFileSync(join(BERT, 'vocab.txt'), 'utf8'));
    expect((await loadBertVocab(join(BERT, 'vocab.txt'))).encode(TEXT)).toEqual(
      Tokenizer.bertFromVocab(vocab).encode(TEXT),
    );
    const gpt2 = Tokenizer.fromJSON(
      gpt2Json(
        parseVocabJson(readFileSync(join(GPT2, 'vocab.json'), 'utf8')),
        (await import('../models/bpe.js')).parseMergesTxt(readFileSync(join(GPT2, 'merges.txt'), 'utf8')),
      ),
    );
    expect((await loadGPT2(join(GPT2, 'vocab.json'), join(GPT2, 'merges.txt'))).encode(TEXT)).toEqual(
      gpt2.encode(TEXT),
    );
  });

  it('errors name the file', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{nope');
    await expect(loadTokenizer(bad)).rejects.toThrow(new RegExp(`${bad}: not valid JSON`));
    await expect(loadGPT2(bad, join(GPT2, 'merges.txt'))).rejects.toBeInstanceOf(VocabFormatError);
    await expect(loadPretrained(tmp)).rejects.toBeInstanceOf(TokenizerConfigError);
  });

  it('saveTokenizer creates the folder and writes tokenizer.json that loads back', async () => {
    const t = await loadTokenizer(join(BERT, 'tokenizer.json'));
    const p = join(tmp, 'new', 'dir', 'tokenizer.json');
    await saveTokenizer(t, p);
    expect((await loadTokenizer(p)).toJSON()).toEqual(t.toJSON());
  });
});
