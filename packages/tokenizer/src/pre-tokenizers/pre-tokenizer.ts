import type { NormalizedString } from '../normalized-string.js';
import { codePointAt } from '../unicode.js';

/** Splits one normalized piece into sub-pieces (empty pieces are dropped by the caller). */
export interface PreTokenizer {
  split(ns: NormalizedString): NormalizedString[];
  toJSON(): Record<string, unknown>;
}

export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

export const SPLIT_BEHAVIORS: readonly SplitBehavior[] = [
  'Removed',
  'Isolated',
  'MergedWithPrevious',
  'MergedWithNext',
  'Contiguous',
];

/** Turn sorted match ranges into a full cover of [0, n) with is-match flags (HF find_matches). */
export function coverMatches(matches: Array<[number, number]>, n: number): Array<[number, number, boolean]> {
  if (n === 0) return [[0, 0, false]];
  const out: Array<[number, number, boolean]> = [];
  let prev = 0;
  for (const [a, b] of matches) {
    if (prev < a) out.push([prev, a, false]);
    out.push([a, b, true]);
    prev = b;
  }
  if (prev < n) out.push([prev, n, false]);
  return out;
}

/** Match every single character for which pred(cp) holds. */
export function charMatches(s: string, pred: (cp: number) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < s.length; ) {
    const cp = codePointAt(s, i);
    const w = cp > 0xffff ? 2 : 1;
    if (pred(cp)) out.push([i, i + w]);
    i += w;
  }
  return out;
}

/** HF NormalizedString::split with a delimiter behavior; empty pieces are removed. */
export function splitWithBehavior(
  ns: NormalizedString,
  matches: Array<[number, number]>,
  behavior: SplitBehavior,
  invert = false,
): NormalizedString[] {
  let cover = coverMatches(matches, ns.length);
  if (invert) cover = cover.map(([a, b, m]) => [a, b, !m]);
  let splits: Array<[number, number, boolean]>; // [start, end, remove]
  switch (behavior) {
    case 'Isolated':
      splits = cover.map(([a, b]) => [a, b, false]);
      break;
    case 'Removed':
      splits = cover;
      break;
    case 'Contiguous': {
      splits = [];
      let prevMatch = false;
      for (const [a, b, m] of cover) {
        if (m === prevMatch && splits.length > 0) splits[splits.length - 1][1] = b;
        else splits.push([a, b, false]);
        prevMatch = m;
      }
      break;
    }
    case 'MergedWithPrevious': {
      splits = [];
      let prevMatch = false;
      for (const [a, b, m] of cover) {
        if (m && !prevMatch && splits.length > 0) splits[splits.length - 1][1] = b;
        else splits.push([a, b, false]);
        prevMatch = m;
      }
      break;
    }
    case 'MergedWithNext': {
      splits = [];
      let prevMatch = false;
      for (let i = cover.length - 1; i >= 0; i--) {
        const [a, b, m] = cover[i];
        if (m && !prevMatch && splits.length > 0) splits[splits.length - 1][0] = a;
        else splits.push([a, b, false]);
        prevMatch = m;
      }
      splits.reverse();
      break;
    }
  }
  const out: NormalizedString[] = [];
  for (const [a, b, remove] of splits) if (!remove && b > a) out.push(ns.slice(a, b));
  return out;
}
