import { codePointAt } from './unicode.js';

/**
 * A piece of text being normalized, with an alignment from every UTF-16 code unit of `normalized`
 * back to a `[start, end)` range of UTF-16 code units in `original` (the caller's input string).
 *
 * While nothing has changed the length or position of any character the alignment is the identity
 * (`align === null`, unit i maps to `original[shift + i]`), which keeps the common ASCII path free of
 * per-character allocations. Slices share the alignment buffer.
 */
export class NormalizedString {
  constructor(
    readonly original: string,
    public normalized: string,
    /** Pairs (start, end) per normalized unit, indexed from `shift`; null means identity. */
    public align: Int32Array | null,
    /** Identity: original offset of normalized[0]. Otherwise: unit offset into `align`. */
    public shift: number,
  ) {}

  static from(original: string, start = 0, end = original.length): NormalizedString {
    return new NormalizedString(original, original.slice(start, end), null, start);
  }

  get length(): number {
    return this.normalized.length;
  }

  origStart(i: number): number {
    return this.align === null ? this.shift + i : this.align[2 * (this.shift + i)];
  }

  origEnd(i: number): number {
    return this.align === null ? this.shift + i + 1 : this.align[2 * (this.shift + i) + 1];
  }

  /** Original range of the normalized range [s, e). */
  toOriginal(s: number, e: number): [number, number] {
    if (e <= s) {
      const n = this.normalized.length;
      const p =
        s < n ? this.origStart(s) : n > 0 ? this.origEnd(n - 1) : this.align === null ? this.shift : 0;
      return [p, p];
    }
    return [this.origStart(s), this.origEnd(e - 1)];
  }

  slice(s: number, e: number): NormalizedString {
    return new NormalizedString(this.original, this.normalized.slice(s, e), this.align, this.shift + s);
  }

  private setFrom(parts: string[], al: number[]): void {
    this.normalized = parts.join('');
    this.align = Int32Array.from(al);
    this.shift = 0;
  }

  /**
   * Replace every character by `fn(codePoint)`: '' removes it, a longer string inserts the extra
   * characters, all aligned to the source character (HF `transform` semantics).
   */
  mapChars(fn: (cp: number) => string): this {
    const s = this.normalized;
    const n = s.length;
    let changed = false;
    let sameShape = true;
    const outs: string[] = [];
    for (let i = 0; i < n; ) {
      const cp = codePointAt(s, i);
      const w = cp > 0xffff ? 2 : 1;
      const r = fn(cp);
      if (!changed && (w === 1 ? r !== s[i] : r !== s.slice(i, i + 2))) changed = true;
      if (r.length !== w) sameShape = false;
      outs.push(r);
      i += w;
    }
    if (!changed) return this;
    if (sameShape) {
      // every character kept its UTF-16 length: the unit alignment is unchanged
      this.normalized = outs.join('');
      return this;
    }
    const al: number[] = [];
    let k = 0;
    for (let i = 0; i < n; k++) {
      const cp = codePointAt(s, i);
      const w = cp > 0xffff ? 2 : 1;
      const r = outs[k];
      if (r.length === w) for (let u = 0; u < w; u++) al.push(this.origStart(i + u), this.origEnd(i + u));
      else {
        const os = this.origStart(i);
        const oe = this.origEnd(i + w - 1);
        for (let u = 0; u < r.length; u++) al.push(os, oe);
      }
      i += w;
    }
    this.setFrom(outs, al);
    return this;
  }

  /** Remove characters for which keep(cp) is false. */
  filter(keep: (cp: number) => boolean): this {
    return this.mapChars((cp) => (keep(cp) ? String.fromCodePoint(cp) : ''));
  }

  /**
   * Replace the normalized ranges (sorted, non-overlapping) by `content`; the inserted units align
   * to the last unit of the replaced range (HF `replace`).
   */
  replaceRanges(ranges: Array<[number, number]>, content: string): this {
    if (ranges.length === 0) return this;
    const s = this.normalized;
    const parts: string[] = [];
    const al: number[] = [];
    let last = 0;
    const copy = (a: number, b: number) => {
      parts.push(s.slice(a, b));
      for (let i = a; i < b; i++) al.push(this.origStart(i), this.origEnd(i));
    };
    for (const [a, b] of ranges) {
      copy(last, a);
      let os: number;
      let oe: number;
      if (b > a) {
        os = this.origStart(b - 1);
        oe = this.origEnd(b - 1);
      } else if (a > 0) {
        os = this.origStart(a - 1);
        oe = this.origEnd(a - 1);
      } else {
        os = oe = this.toOriginal(0, 0)[0];
      }
      parts.push(content);
      for (let k = 0; k < content.length; k++) al.push(os, oe);
      last = b;
    }
    copy(last, s.length);
    this.setFrom(parts, al);
    return this;
  }

  /** Prepend `str`, aligned (with the first character) to the first character. No-op when empty. */
  prepend(str: string): this {
    const s = this.normalized;
    if (s.length === 0 || str.length === 0) return this;
    const cp = codePointAt(s, 0);
    const w = cp > 0xffff ? 2 : 1;
    const os = this.origStart(0);
    const oe = this.origEnd(w - 1);
    const al: number[] = [];
    for (let k = 0; k < str.length + w; k++) al.push(os, oe);
    for (let i = w; i < s.length; i++) al.push(this.origStart(i), this.origEnd(i));
    this.setFrom([str, s], al);
    return this;
  }

  /** Append `str`, aligned to the last character. No-op when empty. */
  append(str: string): this {
    const s = this.normalized;
    if (s.length === 0 || str.length === 0) return this;
    const al: number[] = [];
    for (let i = 0; i < s.length; i++) al.push(this.origStart(i), this.origEnd(i));
    const os = this.origStart(s.length - 1);
    const oe = this.origEnd(s.length - 1);
    for (let k = 0; k < str.length; k++) al.push(os, oe);
    this.setFrom([s, str], al);
    return this;
  }

  /**
   * Unicode normalization (NFC/NFD/NFKC/NFKD), per combining sequence (a character followed by marks).
   * Output characters are mapped to input characters through their decomposed lengths: a composed
   * character aligns to the first character it replaces, decomposed pieces to their source character.
   */
  unicodeNormalize(form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'): this {
    const s = this.normalized;
    if (s.normalize(form) === s) return this;
    const decomposing = form === 'NFD' || form === 'NFKD';
    const decomp = form === 'NFC' || form === 'NFD' ? 'NFD' : 'NFKD';
    const dlen = (ch: string) => Array.from(ch.normalize(decomp)).length;
    const parts: string[] = [];
    const al: number[] = [];
    const isMark = /\p{M}/u;
    let i = 0;
    while (i < s.length) {
      const starts: number[] = [];
      let j = i;
      do {
        starts.push(j);
        const cp = codePointAt(s, j);
        j += cp > 0xffff ? 2 : 1;
      } while (j < s.length && isMark.test(String.fromCodePoint(codePointAt(s, j))));
      const seg = s.slice(i, j);
      const out = Array.from(seg.normalize(form));
      const n = starts.length;
      const range = (k: number): [number, number] => [
        this.origStart(starts[k]),
        this.origEnd((k + 1 < n ? starts[k + 1] : j) - 1),
      ];
      const push = (ch: string, r: [number, number]) => {
        parts.push(ch);
        for (let u = 0; u < ch.length; u++) al.push(r[0], r[1]);
      };
      if (decomposing) {
        // HF: each character decomposes into (first, change 0) + (rest, change +1); canonical
        // reordering moves the (char, change) items; then a change-0 item takes the next input
        // character's alignment and a +1 item the last one taken.
        const items: Array<{ ch: string; change: number; used: boolean }> = [];
        for (let k = 0; k < n; k++) {
          const d = Array.from(s.slice(starts[k], k + 1 < n ? starts[k + 1] : j).normalize(decomp));
          d.forEach((ch, q) => {
            items.push({ ch, change: q === 0 ? 0 : 1, used: false });
          });
        }
        let taken = -1;
        const before: [number, number] =
          i > 0 ? [this.origStart(i - 1), this.origEnd(i - 1)] : [this.origStart(0), this.origStart(0)];
        for (const ch of out) {
          const it = items.find((x) => !x.used && x.ch === ch);
          const change = it ? it.change : 0;
          if (it) it.used = true;
          if (change === 0 && taken + 1 < n) taken++;
          push(ch, taken >= 0 ? range(taken) : before);
        }
      } else {
        // composition: map output characters to input characters through decomposed lengths
        const cum: number[] = [0];
        for (let k = 0; k < n; k++)
          cum.push(cum[k] + dlen(s.slice(starts[k], k + 1 < n ? starts[k + 1] : j)));
        let d = 0;
        let src = 0;
        for (const ch of out) {
          while (src + 1 < n && cum[src + 1] <= d) src++;
          push(ch, range(src));
          d += dlen(ch);
        }
      }
      i = j;
    }
    this.setFrom(parts, al);
    return this;
  }
}
