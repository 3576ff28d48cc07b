import type { AddedVocabulary, Piece } from './added-vocabulary.js';
import { RawEncoding } from './encoding.js';
import type { Model } from './models/model.js';
import type { NormalizedString } from './normalized-string.js';
import type { Normalizer } from './normalizers/normalizer.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';

/** The components one sequence goes through before special tokens are added. */
export interface SequenceStages {
  readonly addedVocabulary: AddedVocabulary;
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly model: Model;
}

/** Tokens are appended to `e`, word by word, with the sequence's type id. */
class SequenceWriter {
  word = 0;
  constructor(
    readonly e: RawEncoding,
    private readonly model: Model,
    private readonly typeId: number,
  ) {}

  /** A pre-tokenized word through the model; its tokens share one word id. */
  modelWord(ns: NormalizedString): void {
    const { e, typeId } = this;
    const wt = this.model.tokenize(ns.normalized);
    const o = wt.offsets;
    for (let k = 0; k < wt.ids.length; k++) {
      e.ids.push(wt.ids[k]);
      e.tokens.push(wt.values[k]);
      e.offsets.push(ns.toOriginal(o[2 * k], o[2 * k + 1]));
      e.words.push(this.word);
      e.typeIds.push(typeId);
      e.specialTokensMask.push(0);
      e.attentionMask.push(1);
    }
    this.word++;
  }

  /** An added token found in the text: one token, one word. */
  added(p: Piece): void {
    const { e } = this;
    e.ids.push(p.tokenId);
    e.tokens.push(p.ns.normalized);
    e.offsets.push(p.ns.toOriginal(0, p.ns.length));
    e.words.push(this.word++);
    e.typeIds.push(this.typeId);
    e.specialTokensMask.push(0);
    e.attentionMask.push(1);
  }

  /** A unit from `words()`: an added token, or a word for the model. */
  unit(p: Piece): void {
    if (p.tokenId >= 0) this.added(p);
    else this.modelWord(p.ns);
  }
}

/** Added tokens and pre-tokenized words of the pieces, in order (empty words dropped). */
function words(pieces: Piece[], pre: PreTokenizer | null): Piece[] {
  const units: Piece[] = [];
  for (const p of pieces) {
    if (p.tokenId >= 0 || pre === null) {
      if (p.tokenId >= 0 || p.ns.length > 0) units.push(p);
    } else for (const w of pre.split(p.ns)) if (w.length > 0) units.push({ ns: w, tokenId: -1 });
  }
  return units;
}

/**
 * One sequence through added-token extraction → normalizer → pre-tokenizer → model (no special tokens,
 * no truncation). With a `limit`, stop once that many tokens are held, taking whole words from the
 * start (`fromEnd` false) or from the end (true), as HF `tokenizers` >= 0.23 does; word ids then count
 * from the first word kept.
 */
export function encodeSequence(
  s: SequenceStages,
  text: string,
  typeId: number,
  limit = Number.POSITIVE_INFINITY,
  fromEnd = false,
): RawEncoding {
  const norm = s.normalizer;
  const pieces = s.addedVocabulary.extractAndNormalize(
    text,
    norm === null ? null : (ns: NormalizedString) => norm.normalize(ns),
  );
  const e = new RawEncoding();
  e.source = text;
  const out = new SequenceWriter(e, s.model, typeId);
  const pre = s.preTokenizer;
  if (fromEnd && limit !== Number.POSITIVE_INFINITY) {
    // all words first, then keep the last ones until `limit` tokens are reached
    const units = words(pieces, pre);
    let first = units.length;
    let count = 0;
    while (first > 0 && count < limit) {
      const u = units[--first];
      count += u.tokenId >= 0 ? 1 : s.model.tokenize(u.ns.normalized).ids.length;
    }
    for (let k = first; k < units.length; k++) out.unit(units[k]);
    return e;
  }
  for (const p of pieces) {
    if (e.length >= limit) break;
    if (p.tokenId >= 0) out.added(p);
    else if (pre === null) {
      if (p.ns.length > 0) out.modelWord(p.ns);
    } else
      for (const w of pre.split(p.ns)) {
        if (e.length >= limit) break;
        if (w.length > 0) out.modelWord(w);
      }
  }
  return e;
}
