import { MAX_TOKEN_ID } from '../config-schema.js';
import { preview } from '../errors.js';

/** Tokens of one pre-tokenized word: parallel arrays; offsets are [start, end) pairs in the word. */
export interface WordTokens {
  readonly ids: readonly number[];
  readonly values: readonly string[];
  /** Flat [start0, end0, start1, end1, ...] in UTF-16 units of the word. */
  readonly offsets: readonly number[];
}

export interface Model {
  tokenize(word: string): WordTokens;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  getVocabSize(): number;
  getVocab(): Map<string, number>;
  toJSON(): Record<string, unknown>;
}

/** A model over a token → id vocabulary: the vocab accessors every such model shares. */
export abstract class VocabModel implements Model {
  protected readonly idToTok: string[];
  constructor(readonly vocab: Map<string, number>) {
    this.idToTok = invertVocab(vocab);
  }
  abstract tokenize(word: string): WordTokens;
  abstract toJSON(): Record<string, unknown>;
  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }
  idToToken(id: number): string | undefined {
    return this.idToTok[id];
  }
  getVocabSize(): number {
    return this.vocab.size;
  }
  getVocab(): Map<string, number> {
    return this.vocab;
  }
}

/** Bounded memo of word → tokens (cleared when full, so memory stays bounded). */
export class WordCache {
  private map = new Map<string, WordTokens>();
  constructor(readonly capacity = 100_000) {}
  get(w: string): WordTokens | undefined {
    return this.map.get(w);
  }
  set(w: string, t: WordTokens): void {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(w, t);
  }
  clear(): void {
    this.map.clear();
  }
}

/**
 * Vocab object (token → id) → Map, checked: ids are integers in [0, MAX_TOKEN_ID]. Errors name
 * `where` (file and field), the token and the value.
 */
export function vocabFromObject(
  v: unknown,
  where: string,
  ErrorClass: new (m: string) => Error,
): Map<string, number> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ErrorClass(`${where}: expected an object of token → id, got ${preview(v)}`);
  const m = new Map<string, number>();
  for (const [k, id] of Object.entries(v as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_TOKEN_ID)
      throw new ErrorClass(
        `${where}: token ${preview(k)} has invalid id ${preview(id)} (expected an integer in [0, ${MAX_TOKEN_ID}])`,
      );
    m.set(k, id);
  }
  return m;
}

export function invertVocab(vocab: Map<string, number>): string[] {
  const r: string[] = [];
  for (const [k, id] of vocab) r[id] = k;
  return r;
}
