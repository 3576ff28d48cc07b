import { RawEncoding } from '../encoding.js';
import type { PostProcessor } from './post-processor.js';

/**
 * Surround an encoding with special tokens. `typeId` null keeps the sequence's own type ids (special
 * tokens then get 0); the sequence range of `seqId` is set to the wrapped tokens.
 */
export function wrapWithSpecialTokens(
  e: RawEncoding,
  before: Array<[string, number]>,
  after: Array<[string, number]>,
  typeId: number | null,
  seqId: number,
): RawEncoding {
  const st = typeId ?? 0;
  const out = new RawEncoding();
  const sp = (ts: Array<[string, number]>) =>
    RawEncoding.special(
      ts.map((t) => t[1]),
      ts.map((t) => t[0]),
      st,
    );
  const pre = sp(before);
  const post = sp(after);
  out.ids = [...pre.ids, ...e.ids, ...post.ids];
  out.typeIds = [...pre.typeIds, ...(typeId === null ? e.typeIds : e.ids.map(() => typeId)), ...post.typeIds];
  out.tokens = [...pre.tokens, ...e.tokens, ...post.tokens];
  out.words = [...pre.words, ...e.words, ...post.words];
  out.offsets = [...pre.offsets, ...e.offsets, ...post.offsets];
  out.specialTokensMask = [...pre.specialTokensMask, ...e.ids.map(() => 0), ...post.specialTokensMask];
  out.attentionMask = [...pre.attentionMask, ...e.ids.map(() => 1), ...post.attentionMask];
  out.sequenceRanges.set(seqId, [before.length, before.length + e.length]);
  return out;
}

/** [CLS] A [SEP] (B [SEP]) with type ids 0 / 1. */
export class BertProcessing implements PostProcessor {
  constructor(
    readonly sep: [string, number],
    readonly cls: [string, number],
  ) {}

  addedTokens(isPair: boolean): number {
    return isPair ? 3 : 2;
  }

  processEncodings(encodings: RawEncoding[], addSpecialTokens: boolean): RawEncoding[] {
    if (!addSpecialTokens) return encodings;
    return encodings.map((e, i) => {
      const before: Array<[string, number]> = i === 0 ? [this.cls] : [];
      const w = wrapWithSpecialTokens(e, before, [this.sep], i, i);
      w.overflowing = e.overflowing.map((o) => wrapWithSpecialTokens(o, before, [this.sep], i, i));
      return w;
    });
  }

  toJSON(): Record<string, unknown> {
    return { type: 'BertProcessing', sep: this.sep, cls: this.cls };
  }
}
