import { PretrainingConfigError } from './errors.js';

/**
 * Fixed-length training sequences, row-major: row `i` is `ids[i·T .. (i+1)·T)`. Every row is
 * `[CLS] content… [SEP]`; only a padded last row (`lastPartial: 'pad'`) holds `[PAD]` after its
 * `[SEP]`, and then `lengths[i] < T` says where the real tokens end.
 */
export interface PackedSequences {
  ids: Int32Array;
  seqLength: number;
  /** Number of rows. */
  count: number;
  /** Real tokens per row (including [CLS]/[SEP]); T for every full row. */
  lengths: Int32Array;
}

/** What packing did with the token stream: every token is accounted for. */
export interface PackingReport {
  /** Content tokens read from the stream (no specials). */
  tokensIn: number;
  /** Content tokens placed in rows (each exactly once). */
  tokensPacked: number;
  /** Full rows. */
  fullSequences: number;
  /** Content tokens left at the end, fewer than one row's worth. */
  tailTokens: number;
  /** What happened to them: dropped, or kept as one padded last row. */
  tail: 'dropped' | 'padded' | 'none';
  /** Rows dropped because `maxSequences` was reached (their tokens are not in `tokensPacked`). */
  stoppedAtMaxSequences: boolean;
}

export interface PackingOptions {
  /** Row length T including [CLS] and [SEP] (so T − 2 content tokens per row). */
  seqLength: number;
  clsId: number;
  sepId: number;
  padId: number;
  /** The last, incomplete row: `'drop'` (default, reported in `tailTokens`) or `'pad'` (kept, padded). */
  lastPartial?: 'drop' | 'pad';
  /** Stop after this many full rows (the rest of the stream is not read). */
  maxSequences?: number;
}

/**
 * Streaming packer (RoBERTa "full-sentences" style): content tokens from consecutive documents or
 * lines are concatenated and cut into rows of exactly T − 2 tokens, each wrapped as
 * `[CLS] … [SEP]`. No token is lost or duplicated: concatenating the rows' content (and the
 * reported tail) gives the input stream back.
 */
export class SequencePacker {
  readonly seqLength: number;
  private readonly content: number;
  private readonly rows: Int32Array[] = [];
  private current: Int32Array;
  private fill = 0;
  private tokensIn = 0;
  private full = false;
  private readonly o: Required<Omit<PackingOptions, 'maxSequences'>> & { maxSequences: number };

  constructor(options: PackingOptions) {
    const T = options.seqLength;
    if (!Number.isInteger(T) || T < 3)
      throw new PretrainingConfigError(
        'seqLength',
        `must be an integer >= 3 (room for [CLS] x [SEP]), got ${T}`,
      );
    for (const k of ['clsId', 'sepId', 'padId'] as const)
      if (!Number.isInteger(options[k]) || options[k] < 0)
        throw new PretrainingConfigError(k, `must be a non-negative integer, got ${options[k]}`);
    const lastPartial = options.lastPartial ?? 'drop';
    if (lastPartial !== 'drop' && lastPartial !== 'pad')
      throw new PretrainingConfigError('lastPartial', `expected 'drop' | 'pad', got ${String(lastPartial)}`);
    const maxSequences = options.maxSequences ?? Number.POSITIVE_INFINITY;
    if (!(maxSequences > 0))
      throw new PretrainingConfigError('maxSequences', `must be > 0, got ${options.maxSequences}`);
    this.o = { ...options, lastPartial, maxSequences };
    this.seqLength = T;
    this.content = T - 2;
    this.current = new Int32Array(this.content);
  }

  /** True once `maxSequences` full rows exist; further tokens are refused. */
  get isFull(): boolean {
    return this.full;
  }

  get sequenceCount(): number {
    return this.rows.length;
  }

  /** Append content tokens (no specials). Returns how many were taken (fewer only when full). */
  push(tokens: ArrayLike<number>): number {
    let taken = 0;
    while (taken < tokens.length && !this.full) {
      const n = Math.min(this.content - this.fill, tokens.length - taken);
      for (let k = 0; k < n; k++) this.current[this.fill + k] = tokens[taken + k];
      this.fill += n;
      taken += n;
      if (this.fill === this.content) {
        this.rows.push(this.current);
        this.current = new Int32Array(this.content);
        this.fill = 0;
        if (this.rows.length >= this.o.maxSequences) this.full = true;
      }
    }
    this.tokensIn += taken;
    return taken;
  }

  /** Build the rows and the report. The packer must not be used afterwards. */
  finish(): { packed: PackedSequences; report: PackingReport } {
    const T = this.seqLength;
    const tailTokens = this.fill;
    const pad = this.o.lastPartial === 'pad' && tailTokens > 0;
    const count = this.rows.length + (pad ? 1 : 0);
    const ids = new Int32Array(count * T);
    const lengths = new Int32Array(count).fill(T);
    const write = (r: number, src: Int32Array, n: number) => {
      ids[r * T] = this.o.clsId;
      ids.set(src.subarray(0, n), r * T + 1);
      ids[r * T + 1 + n] = this.o.sepId;
      for (let t = n + 2; t < T; t++) ids[r * T + t] = this.o.padId;
    };
    this.rows.forEach((row, r) => {
      write(r, row, this.content);
    });
    if (pad) {
      write(this.rows.length, this.current, tailTokens);
      lengths[this.rows.length] = tailTokens + 2;
    }
    const report: PackingReport = {
      tokensIn: this.tokensIn,
      tokensPacked: this.rows.length * this.content + (pad ? tailTokens : 0),
      fullSequences: this.rows.length,
      tailTokens,
      tail: tailTokens === 0 ? 'none' : pad ? 'padded' : 'dropped',
      stoppedAtMaxSequences: this.full,
    };
    return { packed: { ids, seqLength: T, count, lengths }, report };
  }
}

/** Pack a whole token stream (an iterable of documents' or lines' content tokens) at once. */
export function packTokenStream(
  docs: Iterable<ArrayLike<number>>,
  options: PackingOptions,
): { packed: PackedSequences; report: PackingReport } {
  const p = new SequencePacker(options);
  for (const d of docs) {
    p.push(d);
    if (p.isFull) break;
  }
  return p.finish();
}

/** Rows `[from, to)` as a new `PackedSequences` (a copy). */
export function sliceSequences(p: PackedSequences, from: number, to: number): PackedSequences {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= p.count))
    throw new PretrainingConfigError('slice', `[${from}, ${to}) is not inside [0, ${p.count}]`);
  const T = p.seqLength;
  return {
    ids: p.ids.slice(from * T, to * T),
    seqLength: T,
    count: to - from,
    lengths: p.lengths.slice(from, to),
  };
}

/** Attention mask `[count·T]` (1 up to each row's length). */
export function attentionMaskOf(p: PackedSequences, rows: ArrayLike<number>): Int32Array {
  const T = p.seqLength;
  const out = new Int32Array(rows.length * T);
  for (let b = 0; b < rows.length; b++) out.fill(1, b * T, b * T + p.lengths[rows[b]]);
  return out;
}
