import { join } from 'node:path';
import { Tokenizer } from '@selfevo/tokenizer';
import type { TokenizerLike } from '../tokenizer-contract.js';
import { SHARED_DATA } from './data.js';

let cached: Promise<TokenizerLike> | undefined;

/** bert-base-uncased (`tokenizer.json` of the shared data), through `@selfevo/tokenizer`. */
export function bertTokenizer(): Promise<TokenizerLike> {
  cached ??= Tokenizer.fromFile(join(SHARED_DATA, 'vocab', 'bert-base-uncased', 'tokenizer.json'));
  return cached;
}

/** Lowercase, accents stripped, whitespace removed: how an uncased WordPiece decode compares to the source. */
export function norm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, '');
}

/** The whitespace-delimited run(s) of `text` that contain `[start, end)`. */
export function enclosingWords(text: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s > 0 && !/\s/.test(text[s - 1]!)) s--;
  while (e < text.length && !/\s/.test(text[e]!)) e++;
  return text.slice(s, e);
}
