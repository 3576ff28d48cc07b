import { TrainerError } from '../errors.js';
import type { Progress } from './progress.js';

export interface BpeTrainerSettings {
  vocabSize: number;
  minFrequency: number;
  specialTokens: string[];
  limitAlphabet?: number;
  initialAlphabet: string[];
  continuingSubwordPrefix?: string;
  endOfWordSuffix?: string;
  maxTokenLength?: number;
}

export interface TrainedBpe {
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
}

const SHIFT = 2 ** 21;

interface QueueItem {
  pair: number;
  count: number;
  pos: number[];
}

/** Max-heap by count, ties broken by the smaller (first id, second id) pair — HF's order. */
class MergeQueue {
  private a: QueueItem[] = [];
  get size(): number {
    return this.a.length;
  }
  private static before(x: QueueItem, y: QueueItem): boolean {
    return x.count > y.count || (x.count === y.count && x.pair < y.pair);
  }
  push(it: QueueItem): void {
    const a = this.a;
    let i = a.length;
    a.push(it);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!MergeQueue.before(it, a[p])) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = it;
  }
  pop(): QueueItem | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && MergeQueue.before(a[r], a[l]) ? r : l;
        if (!MergeQueue.before(a[c], last)) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * HF's BpeTrainer algorithm: alphabet (optionally limited), words as symbol sequences, then merge the
 * most frequent pair until the vocab is full or no pair reaches `minFrequency`.
 */
export function trainBpeModel(
  wordCounts: Map<string, number>,
  s: BpeTrainerSettings,
  progress: Progress,
): TrainedBpe {
  if (!Number.isInteger(s.vocabSize) || s.vocabSize <= 0)
    throw new TrainerError('vocabSize must be a positive integer');
  if (!Number.isInteger(s.minFrequency) || s.minFrequency < 0)
    throw new TrainerError('minFrequency must be a non-negative integer');
  if (s.limitAlphabet !== undefined && (!Number.isInteger(s.limitAlphabet) || s.limitAlphabet < 0))
    throw new TrainerError('limitAlphabet must be a non-negative integer');
  const w2id = new Map<string, number>();
  const id2w: string[] = [];
  const addTok = (t: string): number => {
    let id = w2id.get(t);
    if (id === undefined) {
      id = id2w.length;
      id2w.push(t);
      w2id.set(t, id);
    }
    return id;
  };
  // 1. special tokens
  for (const t of s.specialTokens) addTok(t);
  // 2. alphabet
  const alphabet = new Map<string, number>();
  for (const [w, c] of wordCounts) for (const ch of w) alphabet.set(ch, (alphabet.get(ch) ?? 0) + c);
  for (const ch of s.initialAlphabet) alphabet.set(ch, Number.MAX_SAFE_INTEGER);
  let kept = [...alphabet];
  if (s.limitAlphabet !== undefined && kept.length > s.limitAlphabet) {
    kept.sort((a, b) => a[1] - b[1]);
    kept = kept.slice(kept.length - s.limitAlphabet);
  }
  kept.sort((a, b) => a[0].codePointAt(0)! - b[0].codePointAt(0)!);
  for (const [ch] of kept) addTok(ch);
  // 3. words → symbol ids
  const prefix = s.continuingSubwordPrefix ?? '';
  const suffix = s.endOfWordSuffix ?? '';
  const words: number[][] = [];
  const lens: number[][] = [];
  const counts: number[] = [];
  for (const [w, c] of wordCounts) {
    const chars = Array.from(w);
    const syms: number[] = [];
    const ls: number[] = [];
    chars.forEach((ch, i) => {
      if (!w2id.has(ch)) return;
      let t = ch;
      if (i > 0) t = prefix + t;
      if (i === chars.length - 1) t = t + suffix;
      syms.push(addTok(t));
      ls.push(1);
    });
    words.push(syms);
    lens.push(ls);
    counts.push(c);
  }
  if (id2w.length >= SHIFT) throw new TrainerError('alphabet too large');
  // 4. pair counts
  const pairCounts = new Map<number, number>();
  let where = new Map<number, Set<number>>();
  words.forEach((syms, wi) => {
    for (let i = 0; i + 1 < syms.length; i++) {
      const p = syms[i] * SHIFT + syms[i + 1];
      pairCounts.set(p, (pairCounts.get(p) ?? 0) + counts[wi]);
      let set = where.get(p);
      if (set === undefined) where.set(p, (set = new Set()));
      set.add(wi);
    }
  });
  const queue = new MergeQueue();
  const flush = () => {
    for (const [pair, pos] of where) {
      const c = pairCounts.get(pair) ?? 0;
      if (c > 0) queue.push({ pair, count: c, pos: [...pos] });
    }
    where = new Map();
  };
  flush();
  // 5. merges
  const maxLen = s.maxTokenLength ?? Number.POSITIVE_INFINITY;
  const merges: Array<[number, number]> = [];
  const target = s.vocabSize;
  progress.start('Compute merges', Math.max(0, target - id2w.length));
  const startSize = id2w.length;
  for (;;) {
    if (w2id.size >= target || queue.size === 0) break;
    const top = queue.pop()!;
    const cur = pairCounts.get(top.pair) ?? 0;
    if (top.count !== cur) {
      top.count = cur;
      queue.push(top);
      continue;
    }
    if (top.count < 1 || s.minFrequency > top.count) break;
    const a = Math.floor(top.pair / SHIFT);
    const b = top.pair % SHIFT;
    let partB = id2w[b];
    if (prefix && partB.startsWith(prefix)) partB = partB.slice(prefix.length);
    const newId = addTok(id2w[a] + partB);
    if (newId >= SHIFT) throw new TrainerError('vocab too large');
    merges.push([a, b]);
    const add = (p: number, delta: number, wi: number) => {
      pairCounts.set(p, (pairCounts.get(p) ?? 0) + delta);
      if (delta > 0) {
        let set = where.get(p);
        if (set === undefined) where.set(p, (set = new Set()));
        set.add(wi);
      }
    };
    for (const wi of top.pos) {
      const syms = words[wi];
      const ls = lens[wi];
      const c = counts[wi];
      for (let i = 0; i < syms.length; i++) {
        if (syms[i] === a && i + 1 < syms.length && syms[i + 1] === b) {
          const newLen = ls[i] + ls[i + 1];
          if (i > 0) {
            add(syms[i - 1] * SHIFT + a, -c, wi);
            if (ls[i - 1] + newLen < maxLen) add(syms[i - 1] * SHIFT + newId, c, wi);
          }
          syms.splice(i, 2, newId);
          ls.splice(i, 2, newLen);
          if (i < syms.length - 1) {
            add(b * SHIFT + syms[i + 1], -c, wi);
            if (ls[i + 1] + newLen < maxLen) add(newId * SHIFT + syms[i + 1], c, wi);
          }
        }
      }
    }
    flush();
    progress.update(id2w.length - startSize);
  }
  progress.stop();
  return { vocab: w2id, merges: merges.map(([a, b]) => [id2w[a], id2w[b]]) };
}
