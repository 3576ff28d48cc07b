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
   * Rebuild from sorted, non-overlapping edits: unit range [pos[k], pos[k] + len[k]) becomes text[k],
   * whose units align to al[k] (two numbers per unit). Unchanged runs keep their alignment.
   */
  private applyEdits(pos: number[], len: number[], text: string[], al: number[][]): void {
    const s = this.normalized;
    const parts: string[] = [];
    let last = 0;
    let delta = 0;
    for (let k = 0; k < pos.length; k++) {
      parts.push(s.slice(last, pos[k]), text[k]);
      last = pos[k] + len[k];
      delta += text[k].length - len[k];
    }
    parts.push(s.slice(last));
    const out = new Int32Array(2 * (s.length + delta));
    let o = 0;
    const copyRun = (a: number, b: number) => {
      if (this.align === null) {
        for (let u = a; u < b; u++) {
          out[o++] = this.shift + u;
          out[o++] = this.shift + u + 1;
        }
      } else {
        out.set(this.align.subarray(2 * (this.shift + a), 2 * (this.shift + b)), o);
        o += 2 * (b - a);
      }
    };
    last = 0;
    for (let k = 0; k < pos.length; k++) {
      copyRun(last, pos[k]);
      const a = al[k];
      for (let u = 0; u < a.length; u++) out[o++] = a[u];
      last = pos[k] + len[k];
    }
    copyRun(last, s.length);
    this.normalized = parts.join('');
    this.align = out;
    this.shift = 0;
  }

  /**
   * Replace every character by `fn(codePoint)` (null keeps it): '' removes it, a longer string
   * inserts the extra characters, all aligned to the source character (HF `transform` semantics).
   * Only changed characters cost more than a scan; length-preserving changes keep the alignment.
   */
  mapChars(fn: (cp: number) => string | null): this {
    const s = this.normalized;
    const n = s.length;
    const pos: number[] = [];
    const len: number[] = [];
    const text: string[] = [];
    let sameShape = true;
    for (let i = 0; i < n; ) {
      const c = s.charCodeAt(i);
      let cp = c;
      let w = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      const r = fn(cp);
      if (r !== null) {
        const same =
          w === 1
            ? r.length === 1 && r.charCodeAt(0) === c
            : r.length === 2 && r.charCodeAt(0) === c && r.charCodeAt(1) === s.charCodeAt(i + 1);
        if (!same) {
          pos.push(i);
          len.push(w);
          text.push(r);
          if (r.length !== w) sameShape = false;
        }
      }
      i += w;
    }
    if (pos.length === 0) return this;
    if (sameShape) {
      // every changed character kept its UTF-16 length: the unit alignment is unchanged
      const parts: string[] = [];
      let last = 0;
      for (let k = 0; k < pos.length; k++) {
        parts.push(s.slice(last, pos[k]), text[k]);
        last = pos[k] + len[k];
      }
      parts.push(s.slice(last));
      this.normalized = parts.join('');
      return this;
    }
    const al: number[][] = pos.map((i, k) => {
      const w = len[k];
      const r = text[k];
      const a: number[] = [];
      if (r.length === w) for (let u = 0; u < w; u++) a.push(this.origStart(i + u), this.origEnd(i + u));
      else {
        const os = this.origStart(i);
        const oe = this.origEnd(i + w - 1);
        for (let u = 0; u < r.length; u++) a.push(os, oe);
      }
      return a;
    });
    this.applyEdits(pos, len, text, al);
    return this;
  }

  /** Remove characters for which keep(cp) is false. */
  filter(keep: (cp: number) => boolean): this {
    return this.mapChars((cp) => (keep(cp) ? null : ''));
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
    const isMark = /\p{M}/u;
    const pos: number[] = [];
    const len: number[] = [];
    const text: string[] = [];
    const als: number[][] = [];
    const n = s.length;
    let i = 0;
    while (i < n) {
      // an ASCII character not followed by a (possibly combining) non-ASCII one never changes
      if (s.charCodeAt(i) < 0x80 && (i + 1 >= n || s.charCodeAt(i + 1) < 0x80)) {
        i++;
        continue;
      }
      const starts: number[] = [];
      let j = i;
      do {
        starts.push(j);
        const cp = codePointAt(s, j);
        j += cp > 0xffff ? 2 : 1;
      } while (j < n && s.charCodeAt(j) >= 0x80 && isMark.test(String.fromCodePoint(codePointAt(s, j))));
      const seg = s.slice(i, j);
      const outStr = seg.normalize(form);
      if (outStr === seg) {
        i = j;
        continue;
      }
      const out = Array.from(outStr);
      const m = starts.length;
      const range = (k: number): [number, number] => [
        this.origStart(starts[k]),
        this.origEnd((k + 1 < m ? starts[k + 1] : j) - 1),
      ];
      const al: number[] = [];
      const push = (ch: string, r: [number, number]) => {
        for (let u = 0; u < ch.length; u++) al.push(r[0], r[1]);
      };
      if (decomposing) {
        // HF: each character decomposes into (first, change 0) + (rest, change +1); canonical
        // reordering moves the (char, change) items; then a change-0 item takes the next input
        // character's alignment and a +1 item the last one taken.
        const items: Array<{ ch: string; change: number; used: boolean }> = [];
        for (let k = 0; k < m; k++) {
          const d = Array.from(s.slice(starts[k], k + 1 < m ? starts[k + 1] : j).normalize(decomp));
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
          if (change === 0 && taken + 1 < m) taken++;
          push(ch, taken >= 0 ? range(taken) : before);
        }
      } else {
        // composition: map output characters to input characters through decomposed lengths
        const cum: number[] = [0];
        for (let k = 0; k < m; k++)
          cum.push(cum[k] + dlen(s.slice(starts[k], k + 1 < m ? starts[k + 1] : j)));
        let d = 0;
        let src = 0;
        for (const ch of out) {
          while (src + 1 < m && cum[src + 1] <= d) src++;
          push(ch, range(src));
          d += dlen(ch);
        }
      }
      pos.push(i);
      len.push(j - i);
      text.push(outStr);
      als.push(al);
      i = j;
    }
    if (pos.length > 0) this.applyEdits(pos, len, text, als);
    return this;
  }
}
