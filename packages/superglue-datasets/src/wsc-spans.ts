import type { WscAlignment } from './formulated-example.js';
import type { WscRecord } from './types.js';

export interface WscCharSpan {
  /** `[start, end)` in `text`. */
  start: number;
  end: number;
  /** Word index into `text.split(" ")` where the span starts (may differ from the official one if relocated). */
  wordIndex: number;
  alignment: WscAlignment;
}

const TRAILING_PUNCT = /[\s.,;:!?"'`)\]]+$/;

function wordStarts(text: string): number[] {
  const starts: number[] = [];
  let pos = 0;
  for (const w of text.split(' ')) {
    starts.push(pos);
    pos += w.length + 1;
  }
  return starts;
}

/** Whether `text` has `needle` (case-insensitive, whitespace runs equal) at `pos`, ending at a word edge. */
function matchAt(text: string, pos: number, needle: string): number | null {
  let i = pos;
  let j = 0;
  while (j < needle.length) {
    if (i >= text.length) return null;
    const a = text[i]!;
    const b = needle[j]!;
    if (/\s/.test(b)) {
      if (!/\s/.test(a)) return null;
      while (i < text.length && /\s/.test(text[i]!)) i++;
      while (j < needle.length && /\s/.test(needle[j]!)) j++;
      continue;
    }
    if (a.toLowerCase() !== b.toLowerCase()) return null;
    i++;
    j++;
  }
  if (i < text.length && /[\p{L}\p{N}]/u.test(text[i]!)) return null;
  return i;
}

/**
 * Character span of WSC `span1`/`span2` in `text`. The official `spanK_index` is a word index into
 * `text.split(" ")`; `spanK_text` is the phrase. In the official files the two sometimes disagree
 * slightly (case, a word's trailing punctuation or `'s`, a newline inside the phrase, a trailing
 * period in the phrase) and a few times more:
 * - `exact`: the phrase is at the official index (case-insensitive, ending at a word edge);
 * - `normalized`: it is there once trailing punctuation is dropped from the phrase (the span never
 *   includes the phrase's trailing punctuation);
 * - `relocated`: it is not at the official index, but at another word start; the nearest one is used
 *   (WSC val idx 42: index 30 is "use", the pronoun "it" is word 31; test idx 81: "Stalin and
 *   Kamenev" is not at word 4 but appears later in the text);
 * - `unmatched`: the phrase is not contiguous in the text (WSC test idx 80 and 82, e.g. "Kamenev and
 *   Zinoviev"); the official index is kept, spanning as many words as the phrase has.
 */
export function wscCharSpan(record: WscRecord, which: 1 | 2): WscCharSpan {
  const { text } = record;
  const index = which === 1 ? record.target.span1_index : record.target.span2_index;
  const phrase = (which === 1 ? record.target.span1_text : record.target.span2_text).trim();
  const starts = wordStarts(text);
  const trimmed = phrase.replace(TRAILING_PUNCT, '');
  // Trailing punctuation of the phrase ("it,", "The traffic light.") is left out of the span.
  const needle = trimmed || phrase;
  const end = matchAt(text, starts[index]!, needle);
  if (end !== null) {
    return {
      start: starts[index]!,
      end,
      wordIndex: index,
      alignment: needle === phrase ? 'exact' : 'normalized',
    };
  }
  let best: WscCharSpan | null = null;
  for (let w = 0; w < starts.length; w++) {
    if (w === index) continue;
    const end = matchAt(text, starts[w]!, trimmed || phrase);
    if (end !== null && (best === null || Math.abs(w - index) < Math.abs(best.wordIndex - index))) {
      best = { start: starts[w]!, end, wordIndex: w, alignment: 'relocated' };
    }
  }
  if (best) return best;
  const words = text.split(' ');
  const count = Math.max(1, phrase.split(/\s+/).length);
  const last = Math.min(words.length - 1, index + count - 1);
  return {
    start: starts[index]!,
    end: starts[last]! + words[last]!.length,
    wordIndex: index,
    alignment: 'unmatched',
  };
}
