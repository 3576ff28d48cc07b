import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AddedVocabulary, type Piece } from './added-vocabulary.js';
import { type Decoder, decoderFromJSON, decodeTokens, WordPieceDecoder } from './decoders/index.js';
import { type Encoding, RawEncoding } from './encoding.js';
import { PaddingError, TokenizerConfigError, TruncationError, VocabFormatError } from './errors.js';
import { BPE, parseMergesTxt } from './models/bpe.js';
import { modelFromJSON } from './models/index.js';
import type { Model } from './models/model.js';
import { vocabFromObject } from './models/model.js';
import { WordPiece } from './models/wordpiece.js';
import type { NormalizedString } from './normalized-string.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { type Normalizer, normalizerFromJSON } from './normalizers/index.js';
import { postProcessorFromJSON } from './post-processors/index.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import { TemplateProcessing } from './post-processors/template-processing.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import { type PreTokenizer, preTokenizerFromJSON } from './pre-tokenizers/index.js';

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS], [SEP], ...). Default true. */
  addSpecialTokens?: boolean;
  /** true = 'longest_first'. Needs `maxLength`. */
  truncation?: boolean | TruncationStrategy;
  /** Total length including special tokens (truncation, and padding 'max_length'). */
  maxLength?: number;
  /** Tokens shared by consecutive overflow windows (HF semantics). */
  stride?: number;
  /** Which end truncation removes. Default 'right'. */
  truncationSide?: 'right' | 'left';
  /**
   * Stop tokenizing a sequence once it holds `maxLength` tokens (whole pre-tokenized words, from the
   * start, or from the end for left truncation), as HF `tokenizers` >= 0.23 does. Faster on huge
   * inputs, but `overflowing` then only covers those tokens, and with left truncation word ids count
   * from the first word kept. Default false: overflow windows cover the whole input (the classic HF
   * sliding-window semantics).
   */
  truncationEarlyExit?: boolean;
  /** true = 'longest' (the longest encoding of the batch). */
  padding?: boolean | 'longest' | 'max_length';
  paddingSide?: 'right' | 'left';
  padToMultipleOf?: number;
}

interface TruncationConfig {
  maxLength: number;
  earlyExit: boolean;
  stride: number;
  strategy: TruncationStrategy;
  direction: 'right' | 'left';
}

interface PaddingConfig {
  strategy: 'longest' | 'max_length';
  maxLength?: number;
  side: 'right' | 'left';
  multiple?: number;
  padId: number;
  padTypeId: number;
  padToken: string;
}

const STRATEGY_FROM_HF: Record<string, TruncationStrategy> = {
  LongestFirst: 'longest_first',
  OnlyFirst: 'only_first',
  OnlySecond: 'only_second',
};

/**
 * A Hugging Face-compatible tokenizer: normalizer → pre-tokenizer → model → post-processor, with a
 * decoder for the way back. Offsets are UTF-16 code units into the caller's original string.
 */
export class Tokenizer {
  readonly addedVocabulary = new AddedVocabulary();
  /**
   * Recently encoded long sequences (passages are often encoded many times, once per question):
   * text + type id → untouched encoding, cloned on use. Bounded; cleared when a component changes
   * through addTokens / addSpecialTokens.
   */
  private readonly sequenceCache = new Map<string, RawEncoding>();
  private static readonly SEQUENCE_CACHE_SIZE = 64;
  private static readonly SEQUENCE_CACHE_MIN_CHARS = 256;
  private jsonTruncation: unknown = null;
  private jsonPadding: unknown = null;

  private modelValue: Model;
  private normalizerValue: Normalizer | null;
  private preTokenizerValue: PreTokenizer | null;

  constructor(
    model: Model,
    normalizer: Normalizer | null = null,
    preTokenizer: PreTokenizer | null = null,
    public postProcessor: PostProcessor | null = null,
    public decoder: Decoder | null = null,
  ) {
    this.modelValue = model;
    this.normalizerValue = normalizer;
    this.preTokenizerValue = preTokenizer;
  }

  get model(): Model {
    return this.modelValue;
  }
  set model(m: Model) {
    this.modelValue = m;
    this.sequenceCache.clear();
  }
  get normalizer(): Normalizer | null {
    return this.normalizerValue;
  }
  set normalizer(n: Normalizer | null) {
    this.normalizerValue = n;
    this.sequenceCache.clear();
  }
  get preTokenizer(): PreTokenizer | null {
    return this.preTokenizerValue;
  }
  set preTokenizer(p: PreTokenizer | null) {
    this.preTokenizerValue = p;
    this.sequenceCache.clear();
  }

  // ---------------------------------------------------------------- loading / saving

  static async fromFile(path: string): Promise<Tokenizer> {
    const text = await readFile(path, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new TokenizerConfigError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    return Tokenizer.fromJSON(json as object);
  }

  static fromJSON(json: string | object): Tokenizer {
    let j: any = json;
    if (typeof json === 'string') {
      try {
        j = JSON.parse(json);
      } catch (e) {
        throw new TokenizerConfigError(`tokenizer JSON does not parse: ${(e as Error).message}`);
      }
    }
    if (j === null || typeof j !== 'object')
      throw new TokenizerConfigError('tokenizer JSON must be an object');
    const t = new Tokenizer(
      modelFromJSON(j.model),
      normalizerFromJSON(j.normalizer),
      preTokenizerFromJSON(j.pre_tokenizer),
      postProcessorFromJSON(j.post_processor),
      decoderFromJSON(j.decoder),
    );
    for (const a of j.added_tokens ?? []) {
      if (typeof a?.id !== 'number' || typeof a?.content !== 'string')
        throw new TokenizerConfigError(
          `added_tokens entry needs numeric id and string content: ${JSON.stringify(a)}`,
        );
      t.addedVocabulary.add({
        id: a.id,
        content: a.content,
        singleWord: a.single_word ?? false,
        lstrip: a.lstrip ?? false,
        rstrip: a.rstrip ?? false,
        normalized: a.normalized ?? !a.special,
        special: a.special ?? false,
      });
    }
    t.jsonTruncation = j.truncation ?? null;
    t.jsonPadding = j.padding ?? null;
    return t;
  }

  /** BERT `vocab.txt` (one token per line, id = line number). */
  static async fromBertVocab(
    vocabTxtPath: string,
    opts: { lowercase?: boolean; stripAccents?: boolean; handleChineseChars?: boolean } = {},
  ): Promise<Tokenizer> {
    const vocab = parseVocabTxt(await readFile(vocabTxtPath, 'utf8'), vocabTxtPath);
    return Tokenizer.bertFromVocab(vocab, opts);
  }

  /** Build a BERT tokenizer (BertNormalizer, BertPreTokenizer, WordPiece, [CLS]/[SEP] template). */
  static bertFromVocab(
    vocab: Map<string, number>,
    opts: { lowercase?: boolean; stripAccents?: boolean; handleChineseChars?: boolean } = {},
  ): Tokenizer {
    const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
    const cls = vocab.get('[CLS]');
    const sep = vocab.get('[SEP]');
    if (cls === undefined || sep === undefined)
      throw new VocabFormatError('BERT vocab needs [CLS] and [SEP] tokens');
    if (!vocab.has('[UNK]')) throw new VocabFormatError('BERT vocab needs an [UNK] token');
    const t = new Tokenizer(
      new WordPiece(vocab, { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 }),
      new BertNormalizer({
        cleanText: true,
        handleChineseChars: opts.handleChineseChars ?? true,
        stripAccents: opts.stripAccents ?? null,
        lowercase: opts.lowercase ?? true,
      }),
      new BertPreTokenizer(),
      new TemplateProcessing('[CLS]:0 $A:0 [SEP]:0', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      }),
      new WordPieceDecoder('##', true),
    );
    for (const s of specials) {
      const id = vocab.get(s);
      if (id !== undefined)
        t.addedVocabulary.add({
          id,
          content: s,
          singleWord: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special: true,
        });
    }
    return t;
  }

  /** GPT-2 byte-level BPE from `vocab.json` + `merges.txt`. */
  static async fromGPT2(vocabJsonPath: string, mergesTxtPath: string): Promise<Tokenizer> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(vocabJsonPath, 'utf8'));
    } catch (e) {
      if (e instanceof SyntaxError)
        throw new VocabFormatError(`${vocabJsonPath}: not valid JSON (${e.message})`);
      throw e;
    }
    const vocab = vocabFromObject(raw, vocabJsonPath, VocabFormatError);
    const merges = parseMergesTxt(await readFile(mergesTxtPath, 'utf8'), mergesTxtPath);
    return Tokenizer.fromJSON(gpt2Json(vocab, merges));
  }

  /** A folder with tokenizer.json, or vocab.txt (BERT), or vocab.json + merges.txt (GPT-2). */
  static async fromPretrained(dir: string): Promise<Tokenizer> {
    const exists = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;
    if (await exists(join(dir, 'tokenizer.json'))) return Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    if (await exists(join(dir, 'vocab.txt'))) {
      let lowercase = true;
      const cfgPath = join(dir, 'tokenizer_config.json');
      if (await exists(cfgPath)) {
        const cfg = JSON.parse(await readFile(cfgPath, 'utf8'));
        if (typeof cfg.do_lower_case === 'boolean') lowercase = cfg.do_lower_case;
      }
      return Tokenizer.fromBertVocab(join(dir, 'vocab.txt'), { lowercase });
    }
    if ((await exists(join(dir, 'vocab.json'))) && (await exists(join(dir, 'merges.txt'))))
      return Tokenizer.fromGPT2(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
    throw new TokenizerConfigError(`${dir}: no tokenizer.json, vocab.txt or vocab.json + merges.txt`);
  }

  toJSON(): object {
    return {
      version: '1.0',
      truncation: this.jsonTruncation,
      padding: this.jsonPadding,
      added_tokens: this.addedVocabulary.toJSON(),
      normalizer: this.normalizer?.toJSON() ?? null,
      pre_tokenizer: this.preTokenizer?.toJSON() ?? null,
      post_processor: this.postProcessor?.toJSON() ?? null,
      decoder: this.decoder?.toJSON() ?? null,
      model: this.model.toJSON(),
    };
  }

  /** Write tokenizer.json atomically (temp file in the same folder, then rename). */
  async save(path: string): Promise<void> {
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(this.toJSON(), null, 2));
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  // ---------------------------------------------------------------- vocabulary

  tokenToId(token: string): number | undefined {
    return this.addedVocabulary.idOf(token) ?? this.model.tokenToId(token);
  }

  idToToken(id: number): string | undefined {
    return this.addedVocabulary.tokenOf(id)?.content ?? this.model.idToToken(id);
  }

  /** Model vocab plus added tokens that are not in it. */
  getVocabSize(): number {
    let n = this.model.getVocabSize();
    for (const t of this.addedVocabulary.tokens) if (this.model.idToToken(t.id) !== t.content) n++;
    return n;
  }

  /** Add special tokens (matched verbatim in the input, skipped by `decode(.., {skipSpecialTokens})`). */
  addSpecialTokens(tokens: string[]): number {
    this.sequenceCache.clear();
    return this.addedVocabulary.addTokens(tokens, true, this.model);
  }

  /** Add regular tokens that must never be split. */
  addTokens(tokens: string[]): number {
    this.sequenceCache.clear();
    return this.addedVocabulary.addTokens(tokens, false, this.model);
  }

  get specialTokens(): string[] {
    return this.addedVocabulary.tokens.filter((t) => t.special).map((t) => t.content);
  }

  private firstId(names: string[]): number | undefined {
    for (const n of names) {
      const id = this.tokenToId(n);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  get padTokenId(): number | undefined {
    const p = this.jsonPadding as any;
    if (p && typeof p.pad_id === 'number') return p.pad_id;
    return this.firstId(['[PAD]', '<pad>']);
  }
  get clsTokenId(): number | undefined {
    return this.firstId(['[CLS]', '<s>']);
  }
  get sepTokenId(): number | undefined {
    return this.firstId(['[SEP]', '</s>']);
  }
  get maskTokenId(): number | undefined {
    return this.firstId(['[MASK]', '<mask>']);
  }
  get unkTokenId(): number | undefined {
    const m = this.model as any;
    if (typeof m.unkToken === 'string') return this.tokenToId(m.unkToken);
    if (typeof m.unkId === 'number') return m.unkId;
    return this.firstId(['[UNK]', '<unk>']);
  }

  // ---------------------------------------------------------------- encoding

  /** Normalize + pre-tokenize + tokenize one sequence (no special tokens, no truncation). */
  /**
   * Normalize + pre-tokenize + tokenize one sequence (no special tokens, no truncation). With a
   * `limit`, stop once that many tokens are held, taking whole words from the start (`fromEnd`
   * false) or from the end (true), as HF `tokenizers` >= 0.23 does; word ids then count from the
   * first word kept.
   */
  private encodeSequence(
    text: string,
    typeId: number,
    limit = Number.POSITIVE_INFINITY,
    fromEnd = false,
  ): RawEncoding {
    const norm = this.normalizer;
    const pieces: Piece[] = this.addedVocabulary.extractAndNormalize(
      text,
      norm === null ? null : (ns: NormalizedString) => norm.normalize(ns),
    );
    const e = new RawEncoding();
    e.source = text;
    const { ids, tokens, offsets, words, typeIds, specialTokensMask, attentionMask } = e;
    const pre = this.preTokenizer;
    const model = this.model;
    let word = 0;
    const emit = (ns: NormalizedString) => {
      const wt = model.tokenize(ns.normalized);
      const o = wt.offsets;
      for (let k = 0; k < wt.ids.length; k++) {
        ids.push(wt.ids[k]);
        tokens.push(wt.values[k]);
        offsets.push(ns.toOriginal(o[2 * k], o[2 * k + 1]));
        words.push(word);
        typeIds.push(typeId);
        specialTokensMask.push(0);
        attentionMask.push(1);
      }
      word++;
    };
    const emitAdded = (p: Piece) => {
      ids.push(p.tokenId);
      tokens.push(p.ns.normalized);
      offsets.push(p.ns.toOriginal(0, p.ns.length));
      words.push(word++);
      typeIds.push(typeId);
      specialTokensMask.push(0);
      attentionMask.push(1);
    };
    if (fromEnd && limit !== Number.POSITIVE_INFINITY) {
      // all words first, then keep the last ones until `limit` tokens are reached
      const units: Piece[] = [];
      for (const p of pieces) {
        if (p.tokenId >= 0 || pre === null) {
          if (p.tokenId >= 0 || p.ns.length > 0) units.push(p);
        } else for (const w of pre.split(p.ns)) if (w.length > 0) units.push({ ns: w, tokenId: -1 });
      }
      let first = units.length;
      let count = 0;
      while (first > 0 && count < limit) {
        const u = units[--first];
        count += u.tokenId >= 0 ? 1 : model.tokenize(u.ns.normalized).ids.length;
      }
      for (let k = first; k < units.length; k++) {
        const u = units[k];
        if (u.tokenId >= 0) emitAdded(u);
        else emit(u.ns);
      }
      return e;
    }
    for (const p of pieces) {
      if (ids.length >= limit) break;
      if (p.tokenId >= 0) {
        emitAdded(p);
        continue;
      }
      if (pre === null) {
        if (p.ns.length > 0) emit(p.ns);
      } else
        for (const w of pre.split(p.ns)) {
          if (ids.length >= limit) break;
          if (w.length > 0) emit(w);
        }
    }
    return e;
  }

  private cachedSequence(text: string, typeId: number, limit: number, fromEnd: boolean): RawEncoding {
    if (limit !== Number.POSITIVE_INFINITY || text.length < Tokenizer.SEQUENCE_CACHE_MIN_CHARS)
      return this.encodeSequence(text, typeId, limit, fromEnd);
    const key = `${typeId}\u0000${text}`;
    const hit = this.sequenceCache.get(key);
    if (hit !== undefined) {
      // move to the back (most recent)
      this.sequenceCache.delete(key);
      this.sequenceCache.set(key, hit);
      return hit.clone();
    }
    const e = this.encodeSequence(text, typeId, limit, fromEnd);
    if (this.sequenceCache.size >= Tokenizer.SEQUENCE_CACHE_SIZE)
      this.sequenceCache.delete(this.sequenceCache.keys().next().value!);
    this.sequenceCache.set(key, e.clone());
    return e;
  }

  private addedTokenCount(isPair: boolean): number {
    return this.postProcessor === null ? 0 : this.postProcessor.addedTokens(isPair);
  }

  private truncationConfig(o: EncodeOptions): TruncationConfig | null {
    if (o.truncation === undefined && this.jsonTruncation) {
      const j = this.jsonTruncation as any;
      return {
        maxLength: j.max_length,
        earlyExit: o.truncationEarlyExit ?? false,
        stride: j.stride ?? 0,
        strategy: STRATEGY_FROM_HF[j.strategy] ?? 'longest_first',
        direction: j.direction === 'Left' ? 'left' : 'right',
      };
    }
    if (!o.truncation) return null;
    const strategy: TruncationStrategy = o.truncation === true ? 'longest_first' : o.truncation;
    if (!['longest_first', 'only_first', 'only_second'].includes(strategy))
      throw new TruncationError(`unknown truncation strategy ${JSON.stringify(strategy)}`);
    if (o.maxLength === undefined || !Number.isInteger(o.maxLength) || o.maxLength < 0)
      throw new TruncationError('truncation needs a non-negative integer `maxLength`');
    const stride = o.stride ?? 0;
    if (!Number.isInteger(stride) || stride < 0)
      throw new TruncationError('`stride` must be a non-negative integer');
    return {
      maxLength: o.maxLength,
      earlyExit: o.truncationEarlyExit ?? false,
      stride,
      strategy,
      direction: o.truncationSide ?? 'right',
    };
  }

  private paddingConfig(o: EncodeOptions): PaddingConfig | null {
    let strategy: 'longest' | 'max_length' | null = null;
    let maxLength = o.maxLength;
    let side = o.paddingSide ?? 'right';
    let multiple = o.padToMultipleOf;
    if (o.padding === undefined && this.jsonPadding) {
      const j = this.jsonPadding as any;
      strategy = j.strategy === 'BatchLongest' ? 'longest' : 'max_length';
      if (j.strategy?.Fixed !== undefined) maxLength = j.strategy.Fixed;
      side = j.direction === 'Left' ? 'left' : 'right';
      multiple = j.pad_to_multiple_of ?? undefined;
      return {
        strategy,
        maxLength,
        side,
        multiple,
        padId: j.pad_id,
        padTypeId: j.pad_type_id ?? 0,
        padToken: j.pad_token,
      };
    }
    if (!o.padding) return null;
    strategy = o.padding === true ? 'longest' : o.padding;
    if (strategy !== 'longest' && strategy !== 'max_length')
      throw new PaddingError(`unknown padding strategy ${JSON.stringify(o.padding)}`);
    if (
      strategy === 'max_length' &&
      (maxLength === undefined || !Number.isInteger(maxLength) || maxLength < 0)
    )
      throw new PaddingError("padding 'max_length' needs a non-negative integer `maxLength`");
    if (multiple !== undefined && (!Number.isInteger(multiple) || multiple <= 0))
      throw new PaddingError('`padToMultipleOf` must be a positive integer');
    const padId = this.padTokenId;
    if (padId === undefined) throw new PaddingError('padding requested but the tokenizer has no pad token');
    return {
      strategy,
      maxLength,
      side,
      multiple,
      padId,
      padTypeId: 0,
      padToken: this.idToToken(padId) ?? '[PAD]',
    };
  }

  /** HF `truncate_encodings`. */
  private truncate(enc: RawEncoding, pair: RawEncoding | null, t: TruncationConfig, maxLength: number): void {
    const { stride, direction } = t;
    if (maxLength === 0) {
      enc.truncate(0, stride, direction);
      pair?.truncate(0, stride, direction);
      return;
    }
    const total = enc.length + (pair?.length ?? 0);
    if (total <= maxLength) return;
    const toRemove = total - maxLength;
    if (t.strategy === 'longest_first') {
      if (pair === null) {
        enc.truncate(total - toRemove, stride, direction);
        return;
      }
      let n1 = enc.length;
      let n2 = pair.length;
      let swap = false;
      if (n1 > n2) {
        swap = true;
        [n1, n2] = [n2, n1];
      }
      if (n1 > maxLength) n2 = n1;
      else n2 = Math.max(n1, maxLength - n1);
      if (n1 + n2 > maxLength) {
        n1 = Math.floor(maxLength / 2);
        n2 = n1 + (maxLength % 2);
      }
      if (swap) [n1, n2] = [n2, n1];
      enc.truncate(n1, stride, direction);
      pair.truncate(n2, stride, direction);
      return;
    }
    const target = t.strategy === 'only_first' ? enc : pair;
    if (target === null) throw new TruncationError("truncation 'only_second' needs a pair of sequences");
    if (target.length > toRemove) target.truncate(target.length - toRemove, stride, direction);
    else
      throw new TruncationError(
        `cannot truncate with '${t.strategy}': the sequence has ${target.length} tokens but ${toRemove} must be removed ` +
          `to reach maxLength ${t.maxLength}`,
      );
  }

  private encodeOne(text: string, pair: string | null | undefined, o: EncodeOptions): RawEncoding {
    if (typeof text !== 'string') throw new TypeError('encode: text must be a string');
    const isPair = pair !== null && pair !== undefined;
    const addSpecial = o.addSpecialTokens ?? true;
    const trunc = this.truncationConfig(o);
    let effMax = 0;
    if (trunc !== null) {
      if (trunc.strategy === 'only_second' && !isPair)
        throw new TruncationError("truncation 'only_second' needs a pair of sequences");
      const nAdded = addSpecial ? this.addedTokenCount(isPair) : 0;
      if (trunc.maxLength < nAdded)
        throw new TruncationError(
          `maxLength ${trunc.maxLength} is shorter than the ${nAdded} special tokens added to ${isPair ? 'a pair' : 'a sequence'}`,
        );
      effMax = trunc.maxLength - nAdded;
      if (trunc.stride > 0 && trunc.stride >= effMax)
        throw new TruncationError(
          `stride ${trunc.stride} must be smaller than the window (${effMax} = maxLength ${trunc.maxLength} - ${nAdded} special tokens)`,
        );
    }
    const limit = trunc?.earlyExit ? trunc.maxLength : Number.POSITIVE_INFINITY;
    const fromEnd = trunc?.direction === 'left';
    const enc = this.cachedSequence(text, 0, limit, fromEnd);
    const pairEnc = isPair ? this.cachedSequence(pair, 1, limit, fromEnd) : null;
    if (trunc !== null) this.truncate(enc, pairEnc, trunc, effMax);
    const encs = pairEnc === null ? [enc] : [enc, pairEnc];
    const pp = this.postProcessor;
    if (pp instanceof TemplateProcessing) {
      // Fast path, same result as HF's merge when at most one side has overflow windows (the usual
      // only_first / only_second / single cases): window k = template(window_k, other sequence).
      const aO = enc.overflowing;
      const bO = pairEnc?.overflowing ?? [];
      const flat = aO.every((o) => o.overflowing.length === 0) && bO.every((o) => o.overflowing.length === 0);
      if (flat && (aO.length === 0 || bO.length === 0)) {
        for (const o of aO) o.setSequenceId(0);
        for (const o of bO) o.setSequenceId(1);
        // windows first (they read the untouched sequences), then the main encoding, built in
        // place around enc, which belongs to this call
        const windows =
          aO.length > 0
            ? aO.map((o) =>
                pp.processDirect(pairEnc === null ? [o] : [o, pairEnc], addSpecial, [true, false]),
              )
            : bO.map((o) => pp.processDirect([enc, o], addSpecial, [false, true]));
        enc.overflowing = [];
        const main = pp.processDirect(encs, addSpecial, [], true);
        main.overflowing = windows;
        return main;
      }
    }
    if (this.postProcessor !== null) {
      // HF PostProcessor::process marks each sequence and its overflowing windows
      encs.forEach((e, i) => {
        e.setSequenceId(i);
        for (const o of e.overflowing) o.setSequenceId(i);
      });
      return RawEncoding.merge(this.postProcessor.processEncodings(encs, addSpecial));
    }
    if (encs.length === 1) return enc;
    const out = new RawEncoding();
    encs.forEach((e, i) => {
      e.setSequenceId(i);
      out.mergeWith(e);
    });
    return out;
  }

  private pad(encs: RawEncoding[], p: PaddingConfig): void {
    let target = 0;
    if (p.strategy === 'max_length') target = p.maxLength!;
    else for (const e of encs) target = Math.max(target, e.length);
    if (p.multiple !== undefined && target % p.multiple !== 0) target += p.multiple - (target % p.multiple);
    for (const e of encs) e.pad(target, p.padId, p.padTypeId, p.padToken, p.side);
  }

  /** Encode a sequence or a pair. */
  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    const e = this.encodeOne(text, pair, options);
    const p = this.paddingConfig(options);
    if (p !== null) this.pad([e], p);
    return e.toEncoding();
  }

  /** Encode many inputs; 'longest' padding pads to the longest of the batch. */
  encodeBatch(inputs: Array<string | [string, string]>, options: EncodeOptions = {}): Encoding[] {
    const encs = inputs.map((x) =>
      typeof x === 'string' ? this.encodeOne(x, null, options) : this.encodeOne(x[0], x[1], options),
    );
    const p = this.paddingConfig(options);
    if (p !== null) this.pad(encs, p);
    return encs.map((e) => e.toEncoding());
  }

  /** Ids back to text through the decoder. */
  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    const skip = opts.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (const id of ids) {
      const t = this.idToToken(id);
      if (t === undefined) continue;
      if (skip && this.addedVocabulary.isSpecialId(id)) continue;
      tokens.push(t);
    }
    return decodeTokens(this.decoder, tokens);
  }
}

/** Parse a BERT vocab.txt: one token per line (trailing whitespace trimmed), id = line index. */
export function parseVocabTxt(text: string, file = 'vocab.txt'): Map<string, number> {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new VocabFormatError(`${file}: empty vocab file`);
  const vocab = new Map<string, number>();
  lines.forEach((raw, i) => {
    const tok = raw.trimEnd();
    if (tok === '') throw new VocabFormatError(`${file}:${i + 1}: empty token line`);
    const prev = vocab.get(tok);
    if (prev !== undefined)
      throw new VocabFormatError(
        `${file}:${i + 1}: duplicate token ${JSON.stringify(tok)} (first on line ${prev + 1})`,
      );
    vocab.set(tok, i);
  });
  return vocab;
}

/** tokenizer.json for GPT-2 byte-level BPE (as HF's GPT2TokenizerFast saves it). */
export function gpt2Json(vocab: Map<string, number>, merges: Array<[string, string]>): object {
  const model = new BPE(vocab, merges, {}).toJSON();
  const eot = vocab.get('<|endoftext|>');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens:
      eot === undefined
        ? []
        : [
            {
              id: eot,
              content: '<|endoftext|>',
              single_word: false,
              lstrip: false,
              rstrip: false,
              normalized: true,
              special: true,
            },
          ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model,
  };
}
