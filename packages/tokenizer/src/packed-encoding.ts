import type { Encoding, RawEncoding } from './encoding.js';

/**
 * Compact encodings for `encodeBatch`: the tokens of a whole batch live in a few shared columns (one
 * `Int32Array` row per token and one array of token strings) instead of ~9 arrays and one `[start, end]`
 * pair per token and encoding. A batch that keeps every result then holds a few objects per encoding,
 * not dozens, so the garbage collector stops dominating. Each `Encoding` field is built from the
 * columns the first time it is read and kept (reads return the same array, and writes replace it).
 */

/** Int32 per token row: id, type id, word (-1: null), start, end, flags. */
const STRIDE = 6;
/** flags: bit 0 special token, bit 1 attention, bits 2+ sequence id + 1 (0: null). */
const SPECIAL = 1;
const ATTENTION = 2;

/** What padding adds (on the left and right of each encoding: `padLeft`, `padRight`). */
export interface PadValues {
  readonly id: number;
  readonly typeId: number;
  readonly token: string;
}

/**
 * Rows of the largest chunk (192 KiB of columns): 64 Ki-row chunks measured slower (CPU time of a
 * kept encodeBatch) and keep more unused rows alive.
 */
const MAX_CHUNK_ROWS = 1 << 13;

const fitsInt32 = (v: number) => (v | 0) === v;

/** Growable columns shared by the encodings of one batch (chunks: a full one is kept, not copied). */
export class PackArena {
  private cols = new Int32Array(0);
  private toks: string[] = [];
  private rows = 0;
  private capacity = 0;

  constructor(private chunkRows = 1024) {}

  private reserve(n: number): void {
    if (this.rows + n <= this.capacity) return;
    this.capacity = Math.max(n, this.chunkRows);
    this.chunkRows = Math.min(this.chunkRows * 2, MAX_CHUNK_ROWS);
    this.cols = new Int32Array(this.capacity * STRIDE);
    this.toks = new Array<string>(this.capacity);
    this.rows = 0;
  }

  /** `raw` (and its overflow windows) packed; null when a value does not fit the columns. */
  pack(raw: RawEncoding): PackedEncoding | null {
    let over: PackedEncoding[] | null = null;
    for (const o of raw.overflowing) {
      const p = this.pack(o);
      if (p === null) return null;
      (over ??= []).push(p);
    }
    const n = raw.length;
    this.reserve(n);
    const { cols, toks } = this;
    const row = this.rows;
    const { ids, typeIds, tokens, words, offsets, specialTokensMask: sm, attentionMask: am } = raw;
    let ok = true;
    for (let i = 0, j = row * STRIDE; i < n; i++, j += STRIDE) {
      const id = ids[i];
      const t = typeIds[i];
      const w = words[i];
      const o = offsets[i];
      const special = sm[i];
      const att = am[i];
      ok &&= fitsInt32(id) && fitsInt32(t) && fitsInt32(o[0]) && fitsInt32(o[1]);
      ok &&= (special === 0 || special === 1) && (att === 0 || att === 1);
      cols[j] = id;
      cols[j + 1] = t;
      if (w === null) cols[j + 2] = -1;
      else {
        ok &&= fitsInt32(w) && w >= 0;
        cols[j + 2] = w;
      }
      cols[j + 3] = o[0];
      cols[j + 4] = o[1];
      cols[j + 5] = special * SPECIAL + att * ATTENTION;
      toks[row + i] = tokens[i];
    }
    // sequence ids as RawEncoding.sequenceIds gives them (a later range overrides an earlier one)
    const ranges = raw.sequenceRangeList();
    ok &&= ranges.length < 1 << 28;
    for (let s = 0; s < ranges.length; s++) {
      const bits = (s + 1) << 2;
      const a = Math.max(0, ranges[s][0]);
      const b = Math.min(n, ranges[s][1]);
      for (let i = a, j = (row + a) * STRIDE + 5; i < b; i++, j += STRIDE) cols[j] = (cols[j] & 3) | bits;
    }
    if (!ok) return null;
    this.rows += n;
    return new PackedEncoding(cols, toks, row, n, raw.padSequenceId(), over);
  }
}

const NO_WINDOWS: readonly PackedEncoding[] = Object.freeze([]);

/** One encoding over a `PackArena`'s columns, with optional padding; fields built on first read. */
export class PackedEncoding implements Encoding {
  /** Pad tokens before and after the packed rows. */
  padLeft = 0;
  padRight = 0;
  pad: PadValues | null = null;
  private idsV: number[] | undefined = undefined;
  private typeIdsV: number[] | undefined = undefined;
  private tokensV: string[] | undefined = undefined;
  private attentionMaskV: number[] | undefined = undefined;
  private offsetsV: Array<[number, number]> | undefined = undefined;
  private wordIdsV: Array<number | null> | undefined = undefined;
  private sequenceIdsV: Array<number | null> | undefined = undefined;
  private specialTokensMaskV: number[] | undefined = undefined;
  /** null: none (the array is made when read) */
  private overflowingV: Encoding[] | null;

  constructor(
    private readonly cols: Int32Array,
    private readonly toks: string[],
    /** First row in the columns. */
    private readonly row: number,
    /** Packed (unpadded) token count. */
    readonly packedLength: number,
    /** The sequence id pad tokens get (RawEncoding.padSequenceId). */
    private readonly padSeq: 0 | null,
    overflowing: PackedEncoding[] | null,
  ) {
    this.overflowingV = overflowing;
  }

  /** The overflow windows (none: a shared empty list, nothing allocated). */
  windows(): readonly PackedEncoding[] {
    return (this.overflowingV as PackedEncoding[] | null) ?? NO_WINDOWS;
  }

  /** Pad to `target` tokens on `side` (HF Encoding::pad; overflow windows too); never shortens. */
  padTo(target: number, pad: PadValues, side: 'left' | 'right'): void {
    for (const o of this.windows()) o.padTo(target, pad, side);
    const k = target - this.packedLength;
    if (k <= 0) return;
    this.pad = pad;
    if (side === 'left') this.padLeft = k;
    else this.padRight = k;
  }

  /** A field's array: `padValue` at the pad positions, the packed rows' values to be written. */
  private shell<T>(padValue: T): T[] {
    const out = new Array<T>(this.padLeft + this.packedLength + this.padRight);
    for (let i = 0; i < this.padLeft; i++) out[i] = padValue;
    for (let i = out.length - this.padRight; i < out.length; i++) out[i] = padValue;
    return out;
  }

  /** Column `c` of the rows as numbers. */
  private numbers(c: number, padValue: number): number[] {
    const out = this.shell(padValue);
    const cols = this.cols;
    for (let i = 0, j = this.row * STRIDE + c, k = this.padLeft; i < this.packedLength; i++, j += STRIDE)
      out[k++] = cols[j];
    return out;
  }

  /** The flags column masked by `mask` and shifted right by `shift`. */
  private flags(mask: number, shift: number, padValue: number): number[] {
    const out = this.shell(padValue);
    const cols = this.cols;
    for (let i = 0, j = this.row * STRIDE + 5, k = this.padLeft; i < this.packedLength; i++, j += STRIDE)
      out[k++] = (cols[j] & mask) >> shift;
    return out;
  }

  get ids(): number[] {
    if (this.idsV === undefined) this.idsV = this.numbers(0, this.pad?.id ?? 0);
    return this.idsV;
  }
  set ids(v: number[]) {
    this.idsV = v;
  }
  get typeIds(): number[] {
    if (this.typeIdsV === undefined) this.typeIdsV = this.numbers(1, this.pad?.typeId ?? 0);
    return this.typeIdsV;
  }
  set typeIds(v: number[]) {
    this.typeIdsV = v;
  }
  get tokens(): string[] {
    if (this.tokensV === undefined) {
      const out = this.shell(this.pad?.token ?? '');
      const toks = this.toks;
      for (let i = 0, r = this.row, k = this.padLeft; i < this.packedLength; i++) out[k++] = toks[r++];
      this.tokensV = out;
    }
    return this.tokensV;
  }
  set tokens(v: string[]) {
    this.tokensV = v;
  }
  get attentionMask(): number[] {
    if (this.attentionMaskV === undefined) this.attentionMaskV = this.flags(ATTENTION, 1, 0);
    return this.attentionMaskV;
  }
  set attentionMask(v: number[]) {
    this.attentionMaskV = v;
  }
  get specialTokensMask(): number[] {
    if (this.specialTokensMaskV === undefined) this.specialTokensMaskV = this.flags(SPECIAL, 0, 1);
    return this.specialTokensMaskV;
  }
  set specialTokensMask(v: number[]) {
    this.specialTokensMaskV = v;
  }
  get offsets(): Array<[number, number]> {
    if (this.offsetsV === undefined) {
      const out = this.shell<[number, number]>([0, 0]);
      // each pad token gets its own [0, 0] pair
      for (let i = 0; i < this.padLeft; i++) out[i] = [0, 0];
      for (let i = out.length - this.padRight; i < out.length; i++) out[i] = [0, 0];
      const cols = this.cols;
      for (let i = 0, j = this.row * STRIDE, k = this.padLeft; i < this.packedLength; i++, j += STRIDE)
        out[k++] = [cols[j + 3], cols[j + 4]];
      this.offsetsV = out;
    }
    return this.offsetsV;
  }
  set offsets(v: Array<[number, number]>) {
    this.offsetsV = v;
  }
  get wordIds(): Array<number | null> {
    if (this.wordIdsV === undefined) {
      const out = this.shell<number | null>(null);
      const cols = this.cols;
      for (let i = 0, j = this.row * STRIDE + 2, k = this.padLeft; i < this.packedLength; i++, j += STRIDE) {
        const w = cols[j];
        out[k++] = w < 0 ? null : w;
      }
      this.wordIdsV = out;
    }
    return this.wordIdsV;
  }
  set wordIds(v: Array<number | null>) {
    this.wordIdsV = v;
  }
  get sequenceIds(): Array<number | null> {
    if (this.sequenceIdsV === undefined) {
      const out = this.shell<number | null>(this.padSeq);
      const cols = this.cols;
      for (let i = 0, j = this.row * STRIDE + 5, k = this.padLeft; i < this.packedLength; i++, j += STRIDE) {
        const s = cols[j] >> 2;
        out[k++] = s === 0 ? null : s - 1;
      }
      this.sequenceIdsV = out;
    }
    return this.sequenceIdsV;
  }
  set sequenceIds(v: Array<number | null>) {
    this.sequenceIdsV = v;
  }
  get overflowing(): Encoding[] {
    if (this.overflowingV === null) this.overflowingV = [];
    return this.overflowingV;
  }
  set overflowing(v: Encoding[]) {
    this.overflowingV = v;
  }

  /** Every field as a plain object (JSON.stringify, structured clones, spreading). */
  toJSON(): Encoding {
    const out: Record<string, unknown> = {};
    for (const f of ARRAY_FIELDS) out[f] = this[f];
    out.overflowing = this.overflowing.map((o) => (o instanceof PackedEncoding ? o.toJSON() : o));
    return out as unknown as Encoding;
  }
}

/** The per-token array fields of an `Encoding`. */
export const ARRAY_FIELDS = [
  'ids',
  'typeIds',
  'tokens',
  'attentionMask',
  'offsets',
  'wordIds',
  'sequenceIds',
  'specialTokensMask',
] as const satisfies ReadonlyArray<keyof Encoding>;
