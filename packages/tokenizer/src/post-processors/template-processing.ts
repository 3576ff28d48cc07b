import { RawEncoding } from '../encoding.js';
import { preview, TokenizerConfigError } from '../errors.js';
import type { PostProcessor } from './post-processor.js';

export type TemplatePiece =
  | { SpecialToken: { id: string; type_id: number } }
  | { Sequence: { id: 'A' | 'B'; type_id: number } };

export interface TemplateSpecialToken {
  id: string;
  ids: number[];
  tokens: string[];
}

/** Parse "[CLS]:0 $A:0 [SEP]:0" style template strings. */
export function parseTemplate(t: string | TemplatePiece[]): TemplatePiece[] {
  if (Array.isArray(t)) return t;
  return t
    .split(/\s+/)
    .filter((x) => x.length > 0)
    .map((piece): TemplatePiece => {
      const m = /^(.*?)(?::(\d+))?$/.exec(piece)!;
      const name = m[1];
      const typeId = m[2] === undefined ? 0 : Number(m[2]);
      if (name === '$' || name === '$A' || name === '$a') return { Sequence: { id: 'A', type_id: typeId } };
      if (name === '$B' || name === '$b') return { Sequence: { id: 'B', type_id: typeId } };
      if (/^\$\d+$/.test(name)) return { Sequence: { id: 'A', type_id: Number(name.slice(1)) } };
      return { SpecialToken: { id: name, type_id: typeId } };
    });
}

/** HF TemplateProcessing: templates of special tokens and sequences with type ids. */
export class TemplateProcessing implements PostProcessor {
  readonly single: TemplatePiece[];
  readonly pair: TemplatePiece[];

  constructor(
    single: string | TemplatePiece[],
    pair: string | TemplatePiece[] | null,
    readonly specialTokens: Record<string, TemplateSpecialToken>,
    where = 'TemplateProcessing',
  ) {
    this.single = parseTemplate(single);
    this.pair = pair === null ? [...this.single, { Sequence: { id: 'B', type_id: 1 } }] : parseTemplate(pair);
    for (const p of [...this.single, ...this.pair]) {
      if ('SpecialToken' in p) {
        const st = specialTokens[p.SpecialToken.id];
        if (!st)
          throw new TokenizerConfigError(
            `${where}: the template uses special token ${preview(p.SpecialToken.id)}, which \`special_tokens\` does not define`,
          );
        if (!Array.isArray(st.ids) || !Array.isArray(st.tokens) || st.ids.length !== st.tokens.length)
          throw new TokenizerConfigError(
            `${where}.special_tokens[${preview(p.SpecialToken.id)}]: needs as many \`ids\` as \`tokens\``,
          );
      } else if (!('Sequence' in p))
        throw new TokenizerConfigError('TemplateProcessing: unknown template piece');
    }
  }

  addedTokens(isPair: boolean): number {
    let n = 0;
    for (const p of isPair ? this.pair : this.single)
      if ('SpecialToken' in p) n += this.specialTokens[p.SpecialToken.id].ids.length;
    return n;
  }

  processEncodings(encodings: RawEncoding[], addSpecialTokens: boolean): RawEncoding[] {
    const template = encodings.length === 2 ? this.pair : this.single;
    const out: RawEncoding[] = [];
    for (const p of template) {
      if ('Sequence' in p) {
        const i = p.Sequence.id === 'A' ? 0 : 1;
        const e = encodings[i];
        e.setTypeIds(p.Sequence.type_id);
        e.setSequenceId(i);
        out.push(e.clone());
      } else if (addSpecialTokens) {
        const st = this.specialTokens[p.SpecialToken.id];
        out.push(RawEncoding.special(st.ids, st.tokens, p.SpecialToken.type_id));
      }
    }
    return out;
  }

  /**
   * Fast path: the same result as merging `processEncodings` output, built in one pass without
   * intermediate encodings. `ownTypeIds[i]` keeps sequence i's type ids (HF leaves the type ids of
   * overflow windows as they were).
   */
  processDirect(
    encodings: RawEncoding[],
    addSpecialTokens: boolean,
    ownTypeIds: boolean[] = [],
    reuseFirst = false,
  ): RawEncoding {
    const template = encodings.length === 2 ? this.pair : this.single;
    const aAt = template.findIndex((p) => 'Sequence' in p && p.Sequence.id === 'A');
    const aOnce = template.filter((p) => 'Sequence' in p && p.Sequence.id === 'A').length === 1;
    if (reuseFirst && aAt >= 0 && aOnce) {
      // build around the first sequence's own arrays (it belongs to this call): no copy of its tokens
      const out = encodings[0];
      const a = template[aAt] as { Sequence: { id: 'A'; type_id: number } };
      if (ownTypeIds[0] !== true) out.typeIds.fill(a.Sequence.type_id);
      const pre = new RawEncoding();
      this.appendPieces(pre, template.slice(0, aAt), encodings, addSpecialTokens, ownTypeIds);
      const k = pre.ids.length;
      if (k > 0) {
        out.ids.unshift(...pre.ids);
        out.typeIds.unshift(...pre.typeIds);
        out.tokens.unshift(...pre.tokens);
        out.words.unshift(...pre.words);
        out.offsets.unshift(...pre.offsets);
        out.specialTokensMask.unshift(...pre.specialTokensMask);
        out.attentionMask.unshift(...pre.attentionMask);
      }
      const lenA = out.ids.length - k;
      out.sequenceRanges = new Map([[0, [k, k + lenA]]]);
      this.appendPieces(out, template.slice(aAt + 1), encodings, addSpecialTokens, ownTypeIds);
      return out;
    }
    const out = new RawEncoding();
    this.appendPieces(out, template, encodings, addSpecialTokens, ownTypeIds);
    return out;
  }

  private appendPieces(
    out: RawEncoding,
    pieces: TemplatePiece[],
    encodings: RawEncoding[],
    addSpecialTokens: boolean,
    ownTypeIds: boolean[],
  ): void {
    const { ids, typeIds, tokens, words, offsets, specialTokensMask, attentionMask } = out;
    for (const p of pieces) {
      if ('Sequence' in p) {
        const i = p.Sequence.id === 'A' ? 0 : 1;
        const e = encodings[i];
        const t = p.Sequence.type_id;
        const own = ownTypeIds[i] === true;
        const start = ids.length;
        for (let k = 0; k < e.ids.length; k++) {
          ids.push(e.ids[k]);
          typeIds.push(own ? e.typeIds[k] : t);
          tokens.push(e.tokens[k]);
          words.push(e.words[k]);
          offsets.push(e.offsets[k]);
          specialTokensMask.push(e.specialTokensMask[k]);
          attentionMask.push(e.attentionMask[k]);
        }
        out.sequenceRanges.set(i, [start, ids.length]);
      } else if (addSpecialTokens) {
        const st = this.specialTokens[p.SpecialToken.id];
        for (let k = 0; k < st.ids.length; k++) {
          ids.push(st.ids[k]);
          typeIds.push(p.SpecialToken.type_id);
          tokens.push(st.tokens[k]);
          words.push(null);
          offsets.push([0, 0]);
          specialTokensMask.push(1);
          attentionMask.push(1);
        }
      }
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'TemplateProcessing',
      single: this.single,
      pair: this.pair,
      special_tokens: this.specialTokens,
    };
  }
}
