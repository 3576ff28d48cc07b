import type { Plain } from './oracle.js';

const KEYS: Array<keyof Plain> = [
  'ids',
  'tokens',
  'typeIds',
  'specialTokensMask',
  'attentionMask',
  'wordIds',
  'sequenceIds',
  'offsets',
];

function sameArray(a: readonly unknown[], b: readonly unknown[], pairs: boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (pairs) {
      const x = a[i] as number[];
      const y = b[i] as number[];
      if (x[0] !== y[0] || x[1] !== y[1]) return false;
    } else if (a[i] !== b[i]) return false;
  }
  return true;
}

/** First difference between two encodings (recursing into overflowing), or null. */
export function diffPlain(a: Plain, b: Plain, path = ''): string | null {
  for (const k of KEYS) {
    if (!sameArray(a[k] as unknown[], b[k] as unknown[], k === 'offsets'))
      return `${path}${k}: ours ${JSON.stringify(a[k]).slice(0, 600)}\n   hf ${JSON.stringify(b[k]).slice(0, 600)}`;
  }
  if (a.overflowing.length !== b.overflowing.length)
    return `${path}overflowing length: ours ${a.overflowing.length} hf ${b.overflowing.length}`;
  for (let i = 0; i < a.overflowing.length; i++) {
    const d = diffPlain(a.overflowing[i], b.overflowing[i], `${path}overflowing[${i}].`);
    if (d) return d;
  }
  return null;
}
