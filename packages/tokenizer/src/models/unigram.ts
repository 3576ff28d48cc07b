import { parseWith } from '../config-schema.js';
import { preview, TokenizerConfigError } from '../errors.js';
import type { Model, WordTokens } from './model.js';
import { WordCache } from './model.js';
import { MODEL_SCHEMAS } from './model-schemas.js';

/** SentencePiece unigram model: Viterbi segmentation maximising the sum of piece log-probabilities. */
export class Unigram implements Model {
  private readonly vocabMap = new Map<string, number>();
  private readonly maxPieceLen: number;
  private readonly minScore: number;
  private readonly cache = new WordCache();

  constructor(
    readonly pieces: Array<[string, number]>,
    readonly unkId: number | null,
    readonly byteFallback = false,
  ) {
    let maxLen = 1;
    let minScore = Number.POSITIVE_INFINITY;
    pieces.forEach(([p, score], i) => {
      if (!this.vocabMap.has(p)) this.vocabMap.set(p, i);
      if (p.length > maxLen) maxLen = p.length;
      if (score < minScore) minScore = score;
    });
    this.maxPieceLen = maxLen;
    this.minScore = minScore;
    if (unkId !== null && (unkId < 0 || unkId >= pieces.length))
      throw new TokenizerConfigError(`Unigram: unk_id ${unkId} is out of range`);
  }

  /** From a tokenizer.json `model` object (validated; errors name `where`). */
  static fromJSON(j: unknown, where = 'model'): Unigram {
    const c = parseWith(MODEL_SCHEMAS.Unigram, j, where);
    const pieces = c.vocab.map((e, i): [string, number] => {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number' || !Number.isFinite(e[1]))
        throw new TokenizerConfigError(
          `${where}.vocab[${i}]: expected [piece: string, score: finite number], got ${preview(e)}`,
        );
      return [e[0], e[1]];
    });
    if (c.unk_id !== null && c.unk_id >= pieces.length)
      throw new TokenizerConfigError(
        `${where}.unk_id: ${c.unk_id} is out of range (${pieces.length} pieces)`,
      );
    return new Unigram(pieces, c.unk_id, c.byte_fallback);
  }

  tokenize(word: string): WordTokens {
    if (word.length === 0) return { ids: [], values: [], offsets: [] };
    const hit = this.cache.get(word);
    if (hit) return hit;
    const r = this.viterbi(word);
    this.cache.set(word, r);
    return r;
  }

  private viterbi(s: string): WordTokens {
    const n = s.length;
    const unkPenalty = 10;
    const unkScore = this.minScore - unkPenalty;
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const from = new Int32Array(n + 1).fill(-1);
    const pieceId = new Int32Array(n + 1).fill(-1);
    best[0] = 0;
    for (let i = 0; i < n; i++) {
      if (best[i] === Number.NEGATIVE_INFINITY) continue;
      // never start inside a surrogate pair
      const c = s.charCodeAt(i);
      if (c >= 0xdc00 && c <= 0xdfff && i > 0) continue;
      const charLen = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
      let hasSingle = false;
      const maxEnd = Math.min(n, i + this.maxPieceLen);
      for (let e = i + 1; e <= maxEnd; e++) {
        const id = this.vocabMap.get(s.slice(i, e));
        if (id === undefined) continue;
        if (e === i + charLen) hasSingle = true;
        const sc = best[i] + this.pieces[id][1];
        if (sc > best[e]) {
          best[e] = sc;
          from[e] = i;
          pieceId[e] = id;
        }
      }
      if (!hasSingle) {
        const e = i + charLen;
        const sc = best[i] + unkScore;
        if (sc > best[e]) {
          best[e] = sc;
          from[e] = i;
          pieceId[e] = -2; // unknown
        }
      }
    }
    const segs: Array<[number, number, number]> = [];
    for (let e = n; e > 0; e = from[e]) segs.push([from[e], e, pieceId[e]]);
    segs.reverse();
    const ids: number[] = [];
    const values: string[] = [];
    const offsets: number[] = [];
    for (const [a, b, id] of segs) {
      if (id === -2) {
        if (this.unkId === null) throw new TokenizerConfigError('Unigram: unknown character and no unk_id');
        // fuse consecutive unknowns like sentencepiece
        if (ids.length > 0 && ids[ids.length - 1] === this.unkId && offsets[offsets.length - 1] === a) {
          offsets[offsets.length - 1] = b;
          values[values.length - 1] = s.slice(offsets[offsets.length - 2], b);
          continue;
        }
        ids.push(this.unkId);
        values.push(s.slice(a, b));
      } else {
        ids.push(id);
        values.push(this.pieces[id][0]);
      }
      offsets.push(a, b);
    }
    return { ids, values, offsets };
  }

  tokenToId(token: string): number | undefined {
    return this.vocabMap.get(token);
  }
  idToToken(id: number): string | undefined {
    return this.pieces[id]?.[0];
  }
  getVocabSize(): number {
    return this.pieces.length;
  }
  getVocab(): Map<string, number> {
    return this.vocabMap;
  }
  toJSON(): Record<string, unknown> {
    return { type: 'Unigram', unk_id: this.unkId, vocab: this.pieces, byte_fallback: this.byteFallback };
  }
}
