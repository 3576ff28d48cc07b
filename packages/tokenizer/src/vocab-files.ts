import { VocabFormatError } from './errors.js';
import { BPE } from './models/bpe.js';
import { vocabFromObject } from './models/model.js';

/** Parse a BERT vocab.txt: one token per line (trailing whitespace trimmed), id = line index. */
export function parseVocabTxt(text: string, file = 'vocab.txt'): Map<string, number> {
  const lines = text.split('\n');
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

/** Parse a GPT-2 style vocab.json (token → id object). */
export function parseVocabJson(text: string, file = 'vocab.json'): Map<string, number> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new VocabFormatError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return vocabFromObject(raw, file, VocabFormatError);
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
