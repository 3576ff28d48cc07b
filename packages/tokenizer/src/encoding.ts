import { TruncationError } from './errors.js';

/** Result of encoding one input (a sequence or a pair). */
export interface Encoding {
  ids: number[];
  typeIds: number[];
  tokens: string[];
  attentionMask: number[];
  /** [start, end) in UTF-16 code units of the ORIGINAL string of the token's sequence; (0, 0) for added tokens. */
  offsets: Array<[number, number]>;
  wordIds: Array<number | null>;
  sequenceIds: Array<number | null>;
  specialTokensMask: number[];
  overflowing: Encoding[];
}

/** Working encoding used inside the pipeline; sequence ranges follow HF semantics. */
export class RawEncoding {
  ids: number[] = [];
  typeIds: number[] = [];
  tokens: string[] = [];
  words: Array<number | null> = [];
  offsets: Array<[number, number]> = [];
  specialTokensMask: number[] = [];
  attentionMask: number[] = [];
  overflowing: RawEncoding[] = [];
  private ranges: Map<number, [number, number]> | null = null;
  /** sequence id → [start, end) token range (created on first use: most encodings never need it) */
  get sequenceRanges(): Map<number, [number, number]> {
    if (this.ranges === null) this.ranges = new Map();
    return this.ranges;
  }
  set sequenceRanges(m: Map<number, [number, number]>) {
    this.ranges = m;
  }
  /** The input text the offsets refer to (single-sequence encodings only; '' after merging). */
  source = '';

  get length(): number {
    return this.ids.length;
  }

  static special(ids: number[], tokens: string[], typeId: number): RawEncoding {
    const e = new RawEncoding();
    e.ids = ids.slice();
    e.tokens = tokens.slice();
    e.typeIds = ids.map(() => typeId);
    e.words = ids.map(() => null);
    e.offsets = ids.map(() => [0, 0] as [number, number]);
    e.specialTokensMask = ids.map(() => 1);
    e.attentionMask = ids.map(() => 1);
    return e;
  }

  clone(): RawEncoding {
    const e = new RawEncoding();
    e.ids = this.ids.slice();
    e.typeIds = this.typeIds.slice();
    e.tokens = this.tokens.slice();
    e.words = this.words.slice();
    e.offsets = this.offsets.slice();
    e.specialTokensMask = this.specialTokensMask.slice();
    e.attentionMask = this.attentionMask.slice();
    e.overflowing = this.overflowing.map((o) => o.clone());
    if (this.ranges !== null) e.ranges = new Map(this.ranges);
    e.source = this.source;
    return e;
  }

  private sliceRange(a: number, b: number): RawEncoding {
    const e = new RawEncoding();
    e.ids = this.ids.slice(a, b);
    e.typeIds = this.typeIds.slice(a, b);
    e.tokens = this.tokens.slice(a, b);
    e.words = this.words.slice(a, b);
    e.offsets = this.offsets.slice(a, b);
    e.specialTokensMask = this.specialTokensMask.slice(a, b);
    e.attentionMask = this.attentionMask.slice(a, b);
    e.source = this.source;
    return e;
  }

  /** Mark every token as belonging to sequence `id` (not the overflowing windows). */
  setSequenceId(id: number): void {
    this.sequenceRanges.set(id, [0, this.length]);
  }

  setTypeIds(typeId: number): void {
    this.typeIds = this.ids.map(() => typeId);
  }

  /** HF Encoding::truncate (keeps the head, overflow windows of `maxLen` overlapping by `stride`). */
  truncate(maxLen: number, stride: number, direction: 'right' | 'left' = 'right'): void {
    const n = this.length;
    if (maxLen >= n) return;
    if (maxLen === 0) {
      const o = this.takeAll();
      this.overflowing.push(o);
      return;
    }
    if (stride >= maxLen)
      throw new TruncationError(
        `stride (${stride}) must be strictly less than the truncated length of a sequence (${maxLen}); ` +
          'note that this length excludes the special tokens and, for pairs, is shared between both sequences',
      );
    this.ranges = null;
    const step = maxLen - stride;
    const parts: Array<[number, number]> = [];
    if (direction === 'right') {
      for (let start = 0; start < n; start += step) {
        const stop = Math.min(start + maxLen, n);
        parts.push([start, stop]);
        if (stop === n) break;
      }
    } else {
      for (let stop = n; stop > 0; stop -= step) {
        const start = Math.max(0, stop - maxLen);
        parts.push([start, stop]);
        if (start === 0) break;
      }
    }
    const main = this.sliceRange(parts[0][0], parts[0][1]);
    for (let i = 1; i < parts.length; i++) main.overflowing.push(this.sliceRange(parts[i][0], parts[i][1]));
    Object.assign(this, main);
  }

  private takeAll(): RawEncoding {
    const o = new RawEncoding();
    Object.assign(o, this);
    const empty = new RawEncoding();
    Object.assign(this, empty);
    return o;
  }

  /** HF Encoding::merge_with (offsets not shifted). */
  mergeWith(pair: RawEncoding): void {
    const overflowings: RawEncoding[] = [];
    for (const selfO of this.overflowing) {
      const a = selfO.clone();
      a.mergeWith(pair.clone());
      overflowings.push(a);
      for (const otherO of pair.overflowing) {
        const b = selfO.clone();
        b.mergeWith(otherO.clone());
        overflowings.push(b);
      }
    }
    for (const otherO of pair.overflowing) {
      const c = this.clone();
      c.mergeWith(otherO.clone());
      overflowings.push(c);
    }
    const len = this.length;
    if (pair.ranges !== null)
      for (const [id, [a, b]] of pair.ranges) this.sequenceRanges.set(id, [len + a, len + b]);
    // element by element: spreading a long array into push() overflows the call stack
    for (let i = 0; i < pair.ids.length; i++) {
      this.ids.push(pair.ids[i]);
      this.typeIds.push(pair.typeIds[i]);
      this.tokens.push(pair.tokens[i]);
      this.words.push(pair.words[i]);
      this.offsets.push(pair.offsets[i]);
      this.specialTokensMask.push(pair.specialTokensMask[i]);
      this.attentionMask.push(pair.attentionMask[i]);
    }
    this.overflowing = overflowings;
  }

  static merge(encs: RawEncoding[]): RawEncoding {
    const out = new RawEncoding();
    for (const e of encs) out.mergeWith(e);
    return out;
  }

  /** HF Encoding::pad (overflowing encodings are padded too). */
  pad(target: number, padId: number, padTypeId: number, padToken: string, side: 'right' | 'left'): void {
    for (const o of this.overflowing) o.pad(target, padId, padTypeId, padToken, side);
    const n = this.length;
    if (n >= target) return;
    const k = target - n;
    const fill = <T>(arr: T[], v: T) => {
      const padArr = new Array<T>(k).fill(v);
      return side === 'left' ? padArr.concat(arr) : arr.concat(padArr);
    };
    this.ids = fill(this.ids, padId);
    this.typeIds = fill(this.typeIds, padTypeId);
    this.tokens = fill(this.tokens, padToken);
    this.words = fill(this.words, null);
    this.attentionMask = fill(this.attentionMask, 0);
    this.specialTokensMask = fill(this.specialTokensMask, 1);
    const offs: Array<[number, number]> = [];
    for (let i = 0; i < k; i++) offs.push([0, 0]);
    this.offsets = side === 'left' ? offs.concat(this.offsets) : this.offsets.concat(offs);
    if (side === 'left')
      if (this.ranges !== null) for (const [id, [a, b]] of this.ranges) this.ranges.set(id, [a + k, b + k]);
  }

  sequenceIds(): Array<number | null> {
    const out: Array<number | null> = new Array(this.length).fill(null);
    const list = this.sequenceRangeList();
    for (let s = 0; s < list.length; s++) for (let i = list[s][0]; i < list[s][1]; i++) out[i] = s;
    return out;
  }

  /** The token range `sequenceIds()` gives each sequence id, in order (later ranges win). */
  sequenceRangeList(): Array<readonly [number, number]> {
    const ranges = this.ranges;
    const nSeq = ranges === null || ranges.size === 0 ? 1 : ranges.size;
    const out: Array<readonly [number, number]> = [];
    for (let s = 0; s < nSeq; s++) out.push(ranges?.get(s) ?? [0, this.length]);
    return out;
  }

  /** The sequence id `sequenceIds()` gives pad tokens added by `pad` (0 where a range is missing). */
  padSequenceId(): 0 | null {
    const ranges = this.ranges;
    if (ranges === null || ranges.size === 0) return 0;
    for (let s = 0; s < ranges.size; s++) if (!ranges.has(s)) return 0;
    return null;
  }

  toEncoding(): Encoding {
    return {
      ids: this.ids,
      typeIds: this.typeIds,
      tokens: this.tokens,
      attentionMask: this.attentionMask,
      offsets: this.offsets,
      wordIds: this.words,
      sequenceIds: this.sequenceIds(),
      specialTokensMask: this.specialTokensMask,
      overflowing: this.overflowing.map((o) => o.toEncoding()),
    };
  }
}
