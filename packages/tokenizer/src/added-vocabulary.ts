import { TokenizerConfigError } from './errors.js';
import { LiteralMatcher } from './literal-matcher.js';
import type { Model } from './models/model.js';
import { NormalizedString } from './normalized-string.js';
import { charFlags, codePointAt, WHITESPACE } from './unicode.js';

export interface AddedToken {
  id: number;
  content: string;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  /** Matched on the normalized text (true) or the original text (false). */
  normalized: boolean;
  special: boolean;
}

/** A piece of the input: either still to tokenize, or already one added token. */
export interface Piece {
  ns: NormalizedString;
  tokenId: number;
}

const WORD_CHAR = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
const isWordChar = (s: string) => WORD_CHAR.test(s);

/** Tokens added on top of the model vocab; matched in the text before the normalizer/pre-tokenizer. */
export class AddedVocabulary {
  readonly tokens: AddedToken[] = [];
  private readonly byContent = new Map<string, AddedToken>();
  private readonly byId = new Map<number, AddedToken>();
  private rawMatcher: LiteralMatcher | null = null;
  private normMatcher: LiteralMatcher | null = null;

  add(t: AddedToken): void {
    this.addAll([t]);
  }

  /** Add (or update) many tokens, building the matching regexes once (linear in their number). */
  addAll(tokens: readonly AddedToken[]): void {
    for (const t of tokens) {
      if (typeof t.content !== 'string' || t.content.length === 0)
        throw new TokenizerConfigError('added token with empty content');
      const prev = this.byContent.get(t.content);
      if (prev) Object.assign(prev, t);
      else {
        this.tokens.push(t);
        this.byContent.set(t.content, t);
      }
      this.byId.set(t.id, this.byContent.get(t.content)!);
    }
    this.rebuild();
  }

  private rebuild(): void {
    const mk = (normalized: boolean): LiteralMatcher | null => {
      const ts = this.tokens.filter((t) => t.normalized === normalized).map((t) => t.content);
      return ts.length === 0 ? null : new LiteralMatcher(ts);
    };
    this.rawMatcher = mk(false);
    this.normMatcher = mk(true);
  }

  get size(): number {
    return this.tokens.length;
  }

  idOf(content: string): number | undefined {
    return this.byContent.get(content)?.id;
  }
  tokenOf(id: number): AddedToken | undefined {
    return this.byId.get(id);
  }
  isSpecialId(id: number): boolean {
    return this.byId.get(id)?.special ?? false;
  }
  isSpecialContent(content: string): boolean {
    return this.byContent.get(content)?.special ?? false;
  }

  /** Split `text` at added tokens and normalize the other pieces (HF `extract_and_normalize`). */
  extractAndNormalize(text: string, normalize: ((ns: NormalizedString) => void) | null): Piece[] {
    const root = NormalizedString.from(text);
    const first =
      this.rawMatcher === null ? [{ ns: root, tokenId: -1 }] : this.splitOn(root, this.rawMatcher);
    const out: Piece[] = [];
    for (const p of first) {
      if (p.tokenId >= 0) {
        out.push(p);
        continue;
      }
      if (normalize !== null) normalize(p.ns);
      if (this.normMatcher === null) {
        if (p.ns.length > 0) out.push(p);
      } else for (const q of this.splitOn(p.ns, this.normMatcher)) out.push(q);
    }
    return out;
  }

  private splitOn(ns: NormalizedString, matcher: LiteralMatcher): Piece[] {
    const s = ns.normalized;
    const out: Piece[] = [];
    let startOffset = 0;
    let pos = 0;
    for (let m = matcher.find(s, pos); m !== null; m = matcher.find(s, pos)) {
      let [start, stop] = m;
      pos = stop;
      const tok = this.byContent.get(s.slice(start, stop))!;
      if (tok.singleWord) {
        const startOk = start === 0 || !isWordChar(lastChar(s, start));
        const stopOk = stop === s.length || !isWordChar(String.fromCodePoint(codePointAt(s, stop)));
        if (!startOk || !stopOk) continue;
      }
      if (tok.lstrip) {
        let a = start;
        while (a > 0 && charFlags(s.charCodeAt(a - 1)) & WHITESPACE) a--;
        start = Math.max(a, startOffset);
      }
      if (tok.rstrip) {
        while (stop < s.length && charFlags(s.charCodeAt(stop)) & WHITESPACE) stop++;
        pos = Math.max(pos, stop);
      }
      if (startOffset < start) out.push({ ns: ns.slice(startOffset, start), tokenId: -1 });
      out.push({ ns: ns.slice(start, stop), tokenId: tok.id });
      startOffset = stop;
    }
    if (startOffset === 0) {
      if (s.length > 0) out.push({ ns, tokenId: -1 });
    } else if (startOffset < s.length) out.push({ ns: ns.slice(startOffset, s.length), tokenId: -1 });
    return out;
  }

  /** Resolve the ids of `tokens` against the model (existing vocab ids win) and add them. */
  addTokens(
    contents: Array<string | (Partial<AddedToken> & { content: string })>,
    special: boolean,
    model: Model,
  ): number {
    let added = 0;
    // the next free id: past the model's vocab and every added token (no spread: it can be huge)
    let nextId = model.getVocabSize();
    for (const t of this.tokens) nextId = Math.max(nextId, t.id + 1);
    const batch: AddedToken[] = [];
    const seen = new Set<string>();
    for (const c of contents) {
      const spec = typeof c === 'string' ? { content: c } : c;
      if (this.byContent.has(spec.content) || seen.has(spec.content)) continue;
      seen.add(spec.content);
      let id = model.tokenToId(spec.content);
      if (id === undefined) {
        id = nextId++;
        added++;
      }
      batch.push({
        id,
        content: spec.content,
        singleWord: spec.singleWord ?? false,
        lstrip: spec.lstrip ?? false,
        rstrip: spec.rstrip ?? false,
        normalized: spec.normalized ?? !special,
        special,
      });
      nextId = Math.max(nextId, id + 1);
    }
    this.addAll(batch);
    return added;
  }

  toJSON(): Array<Record<string, unknown>> {
    return [...this.tokens]
      .sort((a, b) => a.id - b.id)
      .map((t) => ({
        id: t.id,
        content: t.content,
        single_word: t.singleWord,
        lstrip: t.lstrip,
        rstrip: t.rstrip,
        normalized: t.normalized,
        special: t.special,
      }));
  }
}

function lastChar(s: string, end: number): string {
  const c = s.charCodeAt(end - 1);
  if (c >= 0xdc00 && c <= 0xdfff && end >= 2) return s.slice(end - 2, end);
  return s[end - 1];
}
