import { parseJsonText, stripBom } from './config-schema.js';
import { VocabFormatError } from './errors.js';
import { BPE } from './models/bpe.js';
import { vocabFromObject } from './models/model.js';
import { decodeUtf8 } from './utf8.js';

/** Text of a vocab file given as text or as UTF-8 bytes (strict: a `TextDecodeError`), without a BOM. */
export function vocabText(content: string | Uint8Array | ArrayBuffer, file: string): string {
  return stripBom(typeof content === 'string' ? content : decodeUtf8(content, file));
}

/**
 * Parse a BERT vocab.txt (text or UTF-8 bytes): one token per line (trailing whitespace trimmed),
 * id = line index. A leading byte-order mark is dropped (HF keeps it in the first token, which then
 * silently stops matching, e.g. `\ufeff[PAD]`).
 */
export function parseVocabTxt(
  content: string | Uint8Array | ArrayBuffer,
  file = 'vocab.txt',
): Map<string, number> {
  const lines = vocabText(content, file).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new VocabFormatError(`${file}: empty vocab file`);
  const vocab = new Map<string, number>();
  lines.forEach((raw, i) => {
    const tok = raw.trimEnd();
    if (tok === '') throw new VocabFormatError(`${file}:${i + 1}: empty token line`);
    const prev = vocab.get(tok);
    if (prev !== undefined)
      throw new VocabFormatError(
        `${file}:${i + 1}: duplicate token ${JSON.stringify(tok)} (first on line ${prev + 1})`,
      );
    vocab.set(tok, i);
  });
  return vocab;
}

/** Parse a GPT-2 style vocab.json (token → id object; text or UTF-8 bytes, a leading BOM dropped). */
export function parseVocabJson(
  content: string | Uint8Array | ArrayBuffer,
  file = 'vocab.json',
): Map<string, number> {
  return vocabFromObject(
    parseJsonText(vocabText(content, file), file, VocabFormatError),
    file,
    VocabFormatError,
  );
}

/** tokenizer.json for GPT-2 byte-level BPE (as HF's GPT2TokenizerFast saves it). */
export function gpt2Json(vocab: Map<string, number>, merges: Array<[string, string]>): object {
  const model = new BPE(vocab, merges, {}).toJSON();
  const eot = vocab.get('<|endoftext|>');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens:
      eot === undefined
        ? []
        : [
            {
              id: eot,
              content: '<|endoftext|>',
              single_word: false,
              lstrip: false,
              rstrip: false,
              normalized: true,
              special: true,
            },
          ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model,
  };
}
