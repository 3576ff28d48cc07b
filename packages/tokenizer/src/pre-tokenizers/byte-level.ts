import type { NormalizedString } from '../normalized-string.js';
import type { PreTokenizer } from './pre-tokenizer.js';
import { splitWithBehavior } from './pre-tokenizer.js';

/** GPT-2's byte → printable-character table. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const table: string[] = new Array(256);
  for (let i = 0; i < bs.length; i++) table[bs[i]] = String.fromCharCode(cs[i]);
  return table;
}

export const BYTE_TO_CHAR = bytesToUnicode();
export const CHAR_TO_BYTE = new Map<string, number>(BYTE_TO_CHAR.map((c, b) => [c, b]));

const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** GPT-2 split regex; `\s` spelled out as Unicode White_Space like Oniguruma/Rust. */
export const GPT2_PATTERN = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  'gu',
);

const UTF8 = new TextEncoder();
const byteLevelCache = new Map<number, string>();
/** Byte-level characters for one code point (lone surrogates encode as U+FFFD). */
export function byteLevelChar(cp: number): string {
  if (cp < 128) return BYTE_TO_CHAR[cp];
  let r = byteLevelCache.get(cp);
  if (r === undefined) {
    const bytes = UTF8.encode(String.fromCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp));
    r = '';
    for (const b of bytes) r += BYTE_TO_CHAR[b];
    byteLevelCache.set(cp, r);
  }
  return r;
}

/** Byte-level pre-tokenizer (GPT-2, RoBERTa). */
export class ByteLevelPreTokenizer implements PreTokenizer {
  constructor(
    readonly addPrefixSpace = true,
    readonly trimOffsets = true,
    readonly useRegex = true,
  ) {}
  split(ns: NormalizedString): NormalizedString[] {
    if (this.addPrefixSpace && !ns.normalized.startsWith(' ')) ns.prepend(' ');
    let pieces: NormalizedString[];
    if (this.useRegex) {
      const s = ns.normalized;
      const matches: Array<[number, number]> = [];
      const re = GPT2_PATTERN;
      re.lastIndex = 0;
      for (let m = re.exec(s); m !== null; m = re.exec(s)) matches.push([m.index, m.index + m[0].length]);
      pieces = splitWithBehavior(ns, matches, 'Isolated');
    } else pieces = ns.length > 0 ? [ns] : [];
    for (const p of pieces) p.mapChars(byteLevelChar);
    return pieces;
  }
  toJSON(): Record<string, unknown> {
    return {
      type: 'ByteLevel',
      add_prefix_space: this.addPrefixSpace,
      trim_offsets: this.trimOffsets,
      use_regex: this.useRegex,
    };
  }
}
