import { parseWith } from '../config-schema.js';
import { TokenizerConfigError } from '../errors.js';
import { charCount } from '../unicode.js';
import { VocabModel, vocabFromObject, WordCache, type WordTokens } from './model.js';
import { MODEL_SCHEMAS } from './model-schemas.js';

export interface WordPieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

/** Greedy longest-match-first WordPiece (BERT). */
export class WordPiece extends VocabModel {
  readonly unkToken: string;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly cache = new WordCache();
  /** Longest vocab entry in UTF-16 units (bounds the longest-match search). */
  private readonly maxLen: number;
  private readonly maxPrefixedLen: number;

  constructor(vocab: Map<string, number>, o: WordPieceOptions = {}) {
    super(vocab);
    this.unkToken = o.unkToken ?? '[UNK]';
    this.prefix = o.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = o.maxInputCharsPerWord ?? 100;
    let maxLen = 1;
    let maxP = 1;
    for (const k of vocab.keys()) {
      if (k.length > maxLen) maxLen = k.length;
      if (k.startsWith(this.prefix) && k.length - this.prefix.length > maxP)
        maxP = k.length - this.prefix.length;
    }
    this.maxLen = maxLen;
    this.maxPrefixedLen = maxP;
  }

  /** From a tokenizer.json `model` object (validated; errors name `where`). */
  static fromJSON(j: unknown, where = 'model'): WordPiece {
    const c = parseWith(MODEL_SCHEMAS.WordPiece, j, where);
    return new WordPiece(vocabFromObject(c.vocab, `${where}.vocab`, TokenizerConfigError), {
      unkToken: c.unk_token,
      continuingSubwordPrefix: c.continuing_subword_prefix,
      maxInputCharsPerWord: c.max_input_chars_per_word,
    });
  }

  private unk(word: string): WordTokens {
    const id = this.vocab.get(this.unkToken);
    if (id === undefined)
      throw new TokenizerConfigError(
        `WordPiece: unk token ${JSON.stringify(this.unkToken)} is not in the vocab`,
      );
    return { ids: [id], values: [this.unkToken], offsets: [0, word.length] };
  }

  tokenize(word: string): WordTokens {
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    const r = this.tokenizeUncached(word);
    this.cache.set(word, r);
    return r;
  }

  private tokenizeUncached(word: string): WordTokens {
    const n = word.length;
    if (n > this.maxInputCharsPerWord && charCount(word) > this.maxInputCharsPerWord) return this.unk(word);
    const ids: number[] = [];
    const values: string[] = [];
    const offsets: number[] = [];
    const vocab = this.vocab;
    let start = 0;
    while (start < n) {
      let end = Math.min(n, start + (start === 0 ? this.maxLen : this.maxPrefixedLen));
      // do not cut a surrogate pair
      if (end < n && isLow(word.charCodeAt(end))) end++;
      let found = -1;
      let tok = '';
      while (start < end) {
        const sub = start === 0 ? word.slice(0, end) : this.prefix + word.slice(start, end);
        const id = vocab.get(sub);
        if (id !== undefined) {
          found = id;
          tok = sub;
          break;
        }
        end -=
          end - 2 >= start && isLow(word.charCodeAt(end - 1)) && isHigh(word.charCodeAt(end - 2)) ? 2 : 1;
      }
      if (found < 0) return this.unk(word);
      ids.push(found);
      values.push(tok);
      offsets.push(start, end);
      start = end;
    }
    return { ids, values, offsets };
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'WordPiece',
      unk_token: this.unkToken,
      continuing_subword_prefix: this.prefix,
      max_input_chars_per_word: this.maxInputCharsPerWord,
      vocab: Object.fromEntries([...this.vocab].sort((a, b) => a[1] - b[1])),
    };
  }
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
