import { parseWith, stripBom } from '../config-schema.js';
import { preview, TokenizerConfigError, VocabFormatError } from '../errors.js';
import { codePointAt } from '../unicode.js';
import { MinHeap } from './min-heap.js';
import { VocabModel, vocabFromObject, WordCache, type WordTokens } from './model.js';
import { MODEL_SCHEMAS } from './model-schemas.js';

export interface BpeOptions {
  unkToken?: string | null;
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  fuseUnk?: boolean;
  byteFallback?: boolean;
  ignoreMerges?: boolean;
}

const PAIR_SHIFT = 2 ** 24;
const UTF8 = new TextEncoder();
const POS_SHIFT = 2 ** 27;

/** Byte-pair encoding model (GPT-2 byte-level BPE when used with the ByteLevel pre-tokenizer). */
export class BPE extends VocabModel {
  readonly unkToken: string | null;
  readonly prefix: string | null;
  readonly suffix: string | null;
  readonly fuseUnk: boolean;
  readonly byteFallback: boolean;
  readonly ignoreMerges: boolean;
  /** (a * 2^24 + b) → rank * 2^24 + newId */
  private readonly mergeMap = new Map<number, number>();
  private readonly cache = new WordCache();

  constructor(
    vocab: Map<string, number>,
    readonly merges: Array<[string, string]>,
    o: BpeOptions = {},
  ) {
    super(vocab);
    this.unkToken = o.unkToken ?? null;
    this.prefix = o.continuingSubwordPrefix || null;
    this.suffix = o.endOfWordSuffix || null;
    this.fuseUnk = o.fuseUnk ?? false;
    this.byteFallback = o.byteFallback ?? false;
    this.ignoreMerges = o.ignoreMerges ?? false;
    if (this.idToTok.length >= PAIR_SHIFT)
      throw new TokenizerConfigError('BPE: vocab ids must be below 2^24');
    const prefixLen = this.prefix?.length ?? 0;
    merges.forEach(([a, b], rank) => {
      const ai = vocab.get(a);
      const bi = vocab.get(b);
      const merged = a + b.slice(prefixLen);
      const ni = vocab.get(merged);
      if (ai === undefined || bi === undefined || ni === undefined)
        throw new VocabFormatError(
          `BPE merge ${rank + 1} (${JSON.stringify(a)} ${JSON.stringify(b)}): token ${JSON.stringify(
            ai === undefined ? a : bi === undefined ? b : merged,
          )} is not in the vocab`,
        );
      const key = ai * PAIR_SHIFT + bi;
      if (!this.mergeMap.has(key)) this.mergeMap.set(key, rank * PAIR_SHIFT + ni);
    });
  }

  /** From a tokenizer.json `model` object (validated; errors name `where`). */
  static fromJSON(j: unknown, where = 'model'): BPE {
    const c = parseWith(MODEL_SCHEMAS.BPE, j, where);
    const vocab = vocabFromObject(c.vocab, `${where}.vocab`, TokenizerConfigError);
    const merges = c.merges.map((m, i) => parseMerge(m, `${where}.merges[${i}]`));
    return new BPE(vocab, merges, {
      unkToken: c.unk_token,
      continuingSubwordPrefix: c.continuing_subword_prefix,
      endOfWordSuffix: c.end_of_word_suffix,
      fuseUnk: c.fuse_unk,
      byteFallback: c.byte_fallback,
      ignoreMerges: c.ignore_merges,
    });
  }

  tokenize(word: string): WordTokens {
    if (word.length === 0) return { ids: [], values: [], offsets: [] };
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    const r = this.tokenizeUncached(word);
    this.cache.set(word, r);
    return r;
  }

  private tokenizeUncached(w: string): WordTokens {
    if (this.ignoreMerges) {
      const id = this.vocab.get(w);
      if (id !== undefined) return { ids: [id], values: [w], offsets: [0, w.length] };
    }
    // symbols: id and unit length, doubly linked
    const ids: number[] = [];
    const lens: number[] = [];
    let unkId = -1;
    let unkLen = 0;
    const unkVocabId = this.unkToken === null ? undefined : this.vocab.get(this.unkToken);
    for (let i = 0; i < w.length; ) {
      const cp = codePointAt(w, i);
      const len = cp > 0xffff ? 2 : 1;
      let s = w.slice(i, i + len);
      if (i > 0 && this.prefix !== null) s = this.prefix + s;
      if (i + len >= w.length && this.suffix !== null) s = s + this.suffix;
      const id = this.vocab.get(s);
      if (id !== undefined) {
        if (unkId >= 0) {
          ids.push(unkId);
          lens.push(unkLen);
          unkId = -1;
        }
        ids.push(id);
        lens.push(len);
      } else if (this.byteFallback && this.pushBytes(w.slice(i, i + len), ids, lens, len)) {
        if (unkId >= 0) throw new Error('unreachable');
      } else if (this.unkToken !== null) {
        if (unkVocabId === undefined)
          throw new TokenizerConfigError(
            `BPE: unk token ${JSON.stringify(this.unkToken)} is not in the vocab`,
          );
        if (unkId >= 0 && this.fuseUnk) unkLen += len;
        else {
          if (unkId >= 0) {
            ids.push(unkId);
            lens.push(unkLen);
          }
          unkId = unkVocabId;
          unkLen = len;
        }
      }
      i += len;
    }
    if (unkId >= 0) {
      ids.push(unkId);
      lens.push(unkLen);
    }
    this.mergeAll(ids, lens);
    const outIds: number[] = [];
    const values: string[] = [];
    const offsets: number[] = [];
    let pos = 0;
    for (let i = 0; i < ids.length; i++) {
      if (lens[i] < 0) continue; // merged away
      outIds.push(ids[i]);
      values.push(this.idToTok[ids[i]]);
      offsets.push(pos, pos + lens[i]);
      pos += lens[i];
    }
    return { ids: outIds, values, offsets };
  }

  private pushBytes(ch: string, ids: number[], lens: number[], len: number): boolean {
    const bytes = UTF8.encode(ch);
    const bids: number[] = [];
    for (const b of bytes) {
      const id = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id === undefined) return false;
      bids.push(id);
    }
    // all byte tokens of one char share its span; the first one carries the length
    bids.forEach((id, k) => {
      ids.push(id);
      lens.push(k === 0 ? len : 0);
    });
    return true;
  }

  /** Apply merges by rank (then position) with a heap; symbols merged away get length -1. */
  private mergeAll(ids: number[], lens: number[]): void {
    const n = ids.length;
    if (n < 2) return;
    const prev = new Int32Array(n);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    const heap = new MinHeap();
    const mm = this.mergeMap;
    for (let i = 0; i + 1 < n; i++) {
      const m = mm.get(ids[i] * PAIR_SHIFT + ids[i + 1]);
      if (m !== undefined) heap.push(Math.floor(m / PAIR_SHIFT) * POS_SHIFT + i);
    }
    while (heap.size > 0) {
      const top = heap.pop()!;
      const pos = top % POS_SHIFT;
      const rank = (top - pos) / POS_SHIFT;
      if (lens[pos] < 0) continue;
      const nx = next[pos];
      if (nx < 0) continue;
      const m = mm.get(ids[pos] * PAIR_SHIFT + ids[nx]);
      if (m === undefined || Math.floor(m / PAIR_SHIFT) !== rank) continue;
      // merge pos and nx
      ids[pos] = m % PAIR_SHIFT;
      lens[pos] += lens[nx];
      lens[nx] = -1;
      const nn = next[nx];
      next[pos] = nn;
      if (nn >= 0) prev[nn] = pos;
      const pv = prev[pos];
      if (pv >= 0) {
        const pm = mm.get(ids[pv] * PAIR_SHIFT + ids[pos]);
        if (pm !== undefined) heap.push(Math.floor(pm / PAIR_SHIFT) * POS_SHIFT + pv);
      }
      if (nn >= 0) {
        const nm = mm.get(ids[pos] * PAIR_SHIFT + ids[nn]);
        if (nm !== undefined) heap.push(Math.floor(nm / PAIR_SHIFT) * POS_SHIFT + pos);
      }
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'BPE',
      dropout: null,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.prefix,
      end_of_word_suffix: this.suffix,
      fuse_unk: this.fuseUnk,
      byte_fallback: this.byteFallback,
      ignore_merges: this.ignoreMerges,
      vocab: Object.fromEntries([...this.vocab].sort((a, b) => a[1] - b[1])),
      merges: this.merges.map(([a, b]) => [a, b]),
    };
  }
}

function parseMerge(m: unknown, where: string): [string, string] {
  if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string')
    return [m[0], m[1]];
  if (typeof m === 'string') {
    const parts = m.split(' ');
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return [parts[0], parts[1]];
  }
  throw new VocabFormatError(`${where}: expected "a b" or ["a", "b"], got ${preview(m)}`);
}

/**
 * Parse a GPT-2 style merges.txt (optional `#version` header, one "a b" pair per line; a leading BOM
 * is dropped).
 */
export function parseMergesTxt(text: string, file = 'merges.txt'): Array<[string, string]> {
  const lines = stripBom(text).split('\n');
  const out: Array<[string, string]> = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '')
      throw new VocabFormatError(
        `${file}:${i + 1}: expected two space-separated tokens, got ${JSON.stringify(line)}`,
      );
    out.push([parts[0], parts[1]]);
  });
  return out;
}
