/**
 * Character classes that match the Rust `tokenizers` crate (char::is_whitespace, unicode general
 * categories), computed once per BMP code point into a flag table and cached for astral ones.
 */

export const WHITESPACE = 1;
/** General category C (Cc, Cf, Cs, Co, Cn) except \t \n \r: BERT's `is_control`. */
export const CONTROL = 2;
/** ASCII punctuation or Unicode category P: BERT's `is_bert_punc`. */
export const BERT_PUNCT = 4;
/** CJK ideographs as BERT defines them. */
export const CHINESE = 8;
/** General category Mn (nonspacing mark). */
export const MARK_NONSPACING = 16;
/** Unicode category P only (Rust `is_punctuation`). */
export const PUNCT = 32;

import { COMPAT_FLIPS } from './unicode-compat.js';

/** Control = Cc, Cf, Co, Cs (the Rust crate's `is_other` leaves unassigned code points alone). */
const RE_C = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const RE_P = /^\p{P}$/u;
const RE_MN = /^\p{Mn}$/u;

/** Rust char::is_whitespace (White_Space property). */
export function isWhitespaceCp(cp: number): boolean {
  if (cp <= 0x20) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  if (cp < 0x85) return false;
  return (
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

export function isChineseCp(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function isAsciiPunct(cp: number): boolean {
  return (
    (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)
  );
}

let flips: Map<number, number> | null = null;
/** Per code point, the flag bits whose value differs in the Rust crate's Unicode 8 tables. */
function compatFlips(): Map<number, number> {
  if (flips === null) {
    flips = new Map();
    const add = (rs: Array<[number, number]>, bits: number) => {
      for (const [a, b] of rs) for (let cp = a; cp <= b; cp++) flips!.set(cp, (flips!.get(cp) ?? 0) | bits);
    };
    add(COMPAT_FLIPS.control, CONTROL);
    add(COMPAT_FLIPS.punct, BERT_PUNCT | PUNCT);
    add(COMPAT_FLIPS.mn, MARK_NONSPACING);
  }
  return flips;
}

function computeFlags(cp: number): number {
  return rawFlags(cp) ^ (compatFlips().get(cp) ?? 0);
}

function rawFlags(cp: number): number {
  const s = String.fromCodePoint(cp);
  let f = 0;
  if (isWhitespaceCp(cp)) f |= WHITESPACE;
  if (cp !== 9 && cp !== 10 && cp !== 13 && RE_C.test(s)) f |= CONTROL;
  const p = RE_P.test(s);
  if (p) f |= PUNCT;
  if (p || isAsciiPunct(cp)) f |= BERT_PUNCT;
  if (isChineseCp(cp)) f |= CHINESE;
  if (RE_MN.test(s)) f |= MARK_NONSPACING;
  return f;
}

let bmp: Uint8Array | null = null;
const astral = new Map<number, number>();

function buildBmp(): Uint8Array {
  const t = new Uint8Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) {
    // lone surrogates are category Cs
    t[cp] = cp >= 0xd800 && cp <= 0xdfff ? CONTROL : computeFlags(cp);
  }
  return t;
}

/** Flags of a code point (bitwise OR of the constants above). */
export function charFlags(cp: number): number {
  if (cp < 0x10000) {
    if (bmp === null) bmp = buildBmp();
    return bmp[cp];
  }
  let f = astral.get(cp);
  if (f === undefined) {
    f = computeFlags(cp);
    astral.set(cp, f);
  }
  return f;
}

/** Code point at UTF-16 index i (handles surrogate pairs; lone surrogates are returned as is). */
export function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Number of Unicode scalar values (Rust chars) in s. */
export function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const lowerCache = new Map<number, string>();
/** Rust char::to_lowercase of one code point (no context-sensitive rules). */
export function lowerChar(cp: number): string {
  if (cp < 128) return String.fromCharCode(cp >= 65 && cp <= 90 ? cp + 32 : cp);
  let r = lowerCache.get(cp);
  if (r === undefined) {
    const s = String.fromCodePoint(cp);
    // U+03A3 alone lowercases to σ in JS (final-sigma needs a preceding letter), as in Rust.
    r = s.toLowerCase();
    lowerCache.set(cp, r);
  }
  return r;
}

const nfdCache = new Map<number, string>();
export function nfdChar(cp: number): string {
  let r = nfdCache.get(cp);
  if (r === undefined) {
    r = String.fromCodePoint(cp).normalize('NFD');
    nfdCache.set(cp, r);
  }
  return r;
}

const nfkdCache = new Map<number, string>();
export function nfkdChar(cp: number): string {
  let r = nfkdCache.get(cp);
  if (r === undefined) {
    r = String.fromCodePoint(cp).normalize('NFKD');
    nfkdCache.set(cp, r);
  }
  return r;
}
