import { AddedVocabulary } from './added-vocabulary.js';
import { type BertVocabOptions, bertParts } from './bert-preset.js';
import { checkDecodeArgs, checkEncodeArgs } from './call-args.js';
import { type Decoder, decoderFromJSON, decodeTokens } from './decoders/index.js';
import type { EncodeOptions } from './encode-options.js';
import { encodeSequence } from './encode-sequence.js';
import type { Encoding, RawEncoding } from './encoding.js';
import { PaddingError, preview } from './errors.js';
import { modelFromJSON } from './models/index.js';
import type { Model } from './models/model.js';
import { importNodeEntry } from './node-bridge.js';
import { type Normalizer, normalizerFromJSON } from './normalizers/index.js';
import { PackArena, type PackedEncoding } from './packed-encoding.js';
import { type PadAccess, type PadTokenResolver, paddingConfig, padEncodings } from './padding.js';
import { postProcess } from './post-process.js';
import { postProcessorFromJSON } from './post-processors/index.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import { type PreTokenizer, preTokenizerFromJSON } from './pre-tokenizers/index.js';
import { SequenceCache } from './sequence-cache.js';
import { parseTokenizerJson } from './tokenizer-json.js';
import { truncateEncodings, truncationBudget, truncationConfig } from './truncation.js';
import { decodeUtf8 } from './utf8.js';

/**
 * What the Node-only conveniences below call in `@selfevo/tokenizer/node` (./node/index.ts), which
 * the core reaches only through `importNodeEntry`, so the core bundles for browsers.
 */
export interface NodeLoaders {
  loadTokenizer(path: string): Promise<Tokenizer>;
  loadBertVocab(vocabTxtPath: string, opts?: BertVocabOptions): Promise<Tokenizer>;
  loadGPT2(vocabJsonPath: string, mergesTxtPath: string): Promise<Tokenizer>;
  loadPretrained(dir: string): Promise<Tokenizer>;
  saveTokenizer(tokenizer: Tokenizer, path: string): Promise<void>;
}

/** Padding of packed encodings: recorded in the encoding, applied when a field is read. */
const PACKED_PADDING: PadAccess<PackedEncoding> = {
  length: (e) => e.packedLength,
  windows: (e) => e.windows(),
  pad: (e, target, p) => e.padTo(target, { id: p.padId, typeId: p.padTypeId, token: p.padToken }, p.side),
};

const nodeLoaders = (what: string) => importNodeEntry(what) as Promise<NodeLoaders>;

/**
 * Names of special tokens a model folder declares (special_tokens_map.json, tokenizer_config.json):
 * they take precedence over the defaults ([PAD] / <pad>, [CLS] / <s>, ...). A declared token that is
 * not in the vocabulary makes its getter undefined, and padding with it a `PaddingError`.
 */
export type SpecialTokenNames = Partial<Record<'pad' | 'unk' | 'cls' | 'sep' | 'mask', string>>;

const DEFAULT_NAMES = {
  pad: ['[PAD]', '<pad>'],
  cls: ['[CLS]', '<s>'],
  sep: ['[SEP]', '</s>'],
  mask: ['[MASK]', '<mask>'],
  unk: ['[UNK]', '<unk>'],
} as const;

/**
 * A Hugging Face-compatible tokenizer: normalizer → pre-tokenizer → model → post-processor, with a
 * decoder for the way back. Offsets are UTF-16 code units into the caller's original string.
 *
 * Loading here is from strings, objects and bytes; file paths go through `@selfevo/tokenizer/node`
 * (the `fromFile` / `fromPretrained` / `save` conveniences below load it on demand, Node only).
 */
export class Tokenizer {
  readonly addedVocabulary = new AddedVocabulary();
  /**
   * Recently encoded long sequences (passages are often encoded many times, once per question),
   * cleared when a component changes through the setters or addTokens / addSpecialTokens.
   */
  private readonly sequenceCache = new SequenceCache();
  private jsonTruncation: unknown = null;
  private jsonPadding: unknown = null;
  /** Special tokens declared by the model folder (see `SpecialTokenNames`). */
  readonly declaredTokens: SpecialTokenNames = {};

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

  // ---------------------------------------------------------------- loading: strings, objects, bytes

  /**
   * From a tokenizer.json object, or its text. Every field is validated (config-schema.ts): a bad one
   * is a `TokenizerConfigError` naming `source` (the file), the field and the value; a regex that can
   * backtrack catastrophically is an `UnsafePatternError`.
   */
  static fromJSON(json: string | object, source = 'tokenizer.json'): Tokenizer {
    const j = parseTokenizerJson(json, source);
    const at = (field: string) => `${source}: ${field}`;
    const t = new Tokenizer(
      modelFromJSON(j.model, at('model')),
      normalizerFromJSON(j.normalizer, at('normalizer')),
      preTokenizerFromJSON(j.pre_tokenizer, at('pre_tokenizer')),
      postProcessorFromJSON(j.post_processor, at('post_processor')),
      decoderFromJSON(j.decoder, at('decoder')),
    );
    t.addedVocabulary.addAll(
      j.added_tokens.map((a) => ({
        id: a.id,
        content: a.content,
        singleWord: a.single_word,
        lstrip: a.lstrip,
        rstrip: a.rstrip,
        normalized: a.normalized ?? !a.special,
        special: a.special,
      })),
    );
    const raw = (typeof json === 'string' ? null : json) as {
      truncation?: unknown;
      padding?: unknown;
    } | null;
    t.jsonTruncation = (raw ?? j).truncation ?? null;
    t.jsonPadding = (raw ?? j).padding ?? null;
    return t;
  }

  /**
   * From the UTF-8 bytes of a tokenizer.json (e.g. `await (await fetch(url)).arrayBuffer()`); bytes
   * that are not UTF-8 are a `TextDecodeError` naming `source` and the byte offset.
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer, source = 'tokenizer.json'): Tokenizer {
    return Tokenizer.fromJSON(decodeUtf8(bytes, source), source);
  }

  /** Build a BERT tokenizer (BertNormalizer, BertPreTokenizer, WordPiece, [CLS]/[SEP] template). */
  static bertFromVocab(vocab: Map<string, number>, opts: BertVocabOptions = {}): Tokenizer {
    const p = bertParts(vocab, opts);
    const t = new Tokenizer(p.model, p.normalizer, p.preTokenizer, p.postProcessor, p.decoder);
    t.addedVocabulary.addAll(p.addedTokens);
    return t;
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

  // ---------------------------------------------------------------- files (Node only, loaded on demand)

  /** A tokenizer.json file. Node only: `loadTokenizer` of `@selfevo/tokenizer/node`. */
  static async fromFile(path: string): Promise<Tokenizer> {
    return (await nodeLoaders('Tokenizer.fromFile')).loadTokenizer(path);
  }

  /** BERT `vocab.txt` (one token per line, id = line number). Node only: `loadBertVocab`. */
  static async fromBertVocab(vocabTxtPath: string, opts: BertVocabOptions = {}): Promise<Tokenizer> {
    return (await nodeLoaders('Tokenizer.fromBertVocab')).loadBertVocab(vocabTxtPath, opts);
  }

  /** GPT-2 byte-level BPE from `vocab.json` + `merges.txt`. Node only: `loadGPT2`. */
  static async fromGPT2(vocabJsonPath: string, mergesTxtPath: string): Promise<Tokenizer> {
    return (await nodeLoaders('Tokenizer.fromGPT2')).loadGPT2(vocabJsonPath, mergesTxtPath);
  }

  /** A folder with tokenizer.json, or vocab.txt (BERT), or vocab.json + merges.txt (GPT-2). Node only. */
  static async fromPretrained(dir: string): Promise<Tokenizer> {
    return (await nodeLoaders('Tokenizer.fromPretrained')).loadPretrained(dir);
  }

  /** Write tokenizer.json atomically. Node only: `saveTokenizer` of `@selfevo/tokenizer/node`. */
  async save(path: string): Promise<void> {
    return (await nodeLoaders('Tokenizer.save')).saveTokenizer(this, path);
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

  /** The declared name of a special token, else the first default name in the vocabulary. */
  private specialName(kind: keyof SpecialTokenNames): string | undefined {
    return this.declaredTokens[kind] ?? DEFAULT_NAMES[kind].find((n) => this.tokenToId(n) !== undefined);
  }
  private specialId(kind: keyof SpecialTokenNames): number | undefined {
    const name = this.specialName(kind);
    return name === undefined ? undefined : this.tokenToId(name);
  }

  /**
   * The pad token: `request`'s (a tokenizer.json `padding` block), else the declared one, else
   * [PAD] / <pad>. A named token that is not in the vocabulary, or a `pad_id` that is not its id, is
   * a `PaddingError` naming it (never a silent pad id 0).
   */
  private readonly resolvePad: PadTokenResolver = (request) => {
    const token = request?.token ?? this.specialName('pad');
    if (token === undefined) {
      if (request?.id === undefined) return undefined;
      const content = this.idToToken(request.id);
      if (content === undefined)
        throw new PaddingError(`tokenizer.json padding: pad_id ${request.id} is not in the vocabulary`);
      return { id: request.id, token: content };
    }
    const id = this.tokenToId(token);
    if (id === undefined) throw new PaddingError(`the pad token ${preview(token)} is not in the vocabulary`);
    if (request?.id !== undefined && request.id !== id)
      throw new PaddingError(
        `tokenizer.json padding: pad_id ${request.id} is not the id of pad_token ${preview(token)} (${id})`,
      );
    return { id, token };
  };

  /** The pad token's id (tokenizer.json `padding`, declared, or [PAD] / <pad>); undefined when none is usable. */
  get padTokenId(): number | undefined {
    const p = this.jsonPadding as { pad_id?: number; pad_token?: string } | null;
    try {
      return this.resolvePad(
        p === null ? undefined : { id: p.pad_id ?? undefined, token: p.pad_token ?? undefined },
      )?.id;
    } catch {
      return undefined;
    }
  }
  get clsTokenId(): number | undefined {
    return this.specialId('cls');
  }
  get sepTokenId(): number | undefined {
    return this.specialId('sep');
  }
  get maskTokenId(): number | undefined {
    return this.specialId('mask');
  }
  get unkTokenId(): number | undefined {
    if (this.declaredTokens.unk !== undefined) return this.tokenToId(this.declaredTokens.unk);
    const m = this.model as { unkToken?: unknown; unkId?: unknown };
    if (typeof m.unkToken === 'string') return this.tokenToId(m.unkToken);
    if (typeof m.unkId === 'number') return m.unkId;
    return this.specialId('unk');
  }

  // ---------------------------------------------------------------- encoding

  private addedTokenCount(isPair: boolean): number {
    return this.postProcessor === null ? 0 : this.postProcessor.addedTokens(isPair);
  }

  /** One sequence through normalizer → pre-tokenizer → model; long untruncated ones are cached. */
  private sequence(text: string, typeId: number, limit: number, fromEnd: boolean): RawEncoding {
    const encode = () => encodeSequence(this, text, typeId, limit, fromEnd);
    if (limit !== Number.POSITIVE_INFINITY) return encode();
    return this.sequenceCache.get(text, typeId, encode);
  }

  /** The pipeline for one input: sequences → truncation → post-processor (padding is per batch). */
  private encodeOne(text: string, pair: string | null | undefined, o: EncodeOptions): RawEncoding {
    const isPair = pair !== null && pair !== undefined;
    const addSpecial = o.addSpecialTokens ?? true;
    const trunc = truncationConfig(o, this.jsonTruncation);
    const budget =
      trunc === null ? 0 : truncationBudget(trunc, addSpecial ? this.addedTokenCount(isPair) : 0, isPair);
    const limit = trunc?.earlyExit ? trunc.maxLength : Number.POSITIVE_INFINITY;
    const fromEnd = trunc?.direction === 'left';
    const enc = this.sequence(text, 0, limit, fromEnd);
    const pairEnc = isPair ? this.sequence(pair, 1, limit, fromEnd) : null;
    if (trunc !== null) truncateEncodings(enc, pairEnc, trunc, budget);
    return postProcess(this.postProcessor, enc, pairEnc, addSpecial);
  }

  /** Pad the batch in place when the options (or tokenizer.json) ask for it. */
  private padBatch(encs: RawEncoding[], o: EncodeOptions): void {
    const p = paddingConfig(o, this.jsonPadding, this.resolvePad);
    if (p !== null) padEncodings(encs, p);
  }

  /**
   * Encode a sequence or a pair. Wrong argument types are a `TokenizerInputError`; bad or absurd
   * options a `TruncationError` / `PaddingError` (bounds: `MAX_LENGTH`, `MAX_WINDOW_TOKENS`,
   * `MAX_PAD_TOKENS`), raised before anything large is allocated.
   */
  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    checkEncodeArgs('encode', [pair === undefined || pair === null ? text : [text, pair]], options);
    const e = this.encodeOne(text, pair, options);
    this.padBatch([e], options);
    return e.toEncoding();
  }

  /**
   * Encode many inputs; 'longest' padding pads to the longest of the batch. The results are packed
   * (packed-encoding.ts): each field is built when first read, so a kept batch stays small.
   */
  encodeBatch(inputs: Array<string | [string, string]>, options: EncodeOptions = {}): Encoding[] {
    checkEncodeArgs('encodeBatch', inputs, options);
    const arena = new PackArena();
    const packed: PackedEncoding[] = [];
    for (const x of inputs) {
      const e =
        typeof x === 'string' ? this.encodeOne(x, null, options) : this.encodeOne(x[0], x[1], options);
      const p = arena.pack(e);
      if (p === null) return this.encodeBatchUnpacked(inputs, options);
      packed.push(p);
    }
    const p = paddingConfig(options, this.jsonPadding, this.resolvePad);
    if (p !== null) padEncodings(packed, p, PACKED_PADDING);
    return packed;
  }

  /** encodeBatch with plain arrays (for values the packed columns cannot hold). */
  private encodeBatchUnpacked(inputs: Array<string | [string, string]>, options: EncodeOptions): Encoding[] {
    const encs = inputs.map((x) =>
      typeof x === 'string' ? this.encodeOne(x, null, options) : this.encodeOne(x[0], x[1], options),
    );
    this.padBatch(encs, options);
    return encs.map((e) => e.toEncoding());
  }

  // ---------------------------------------------------------------- decoding

  /** Ids back to text through the decoder (ids not in the vocabulary are skipped, as HF does). */
  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    checkDecodeArgs(ids, opts);
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
