import { AddedVocabulary } from './added-vocabulary.js';
import { type BertVocabOptions, bertParts } from './bert-preset.js';
import { type Decoder, decoderFromJSON, decodeTokens } from './decoders/index.js';
import type { EncodeOptions } from './encode-options.js';
import { encodeSequence } from './encode-sequence.js';
import type { Encoding, RawEncoding } from './encoding.js';
import { TokenizerConfigError } from './errors.js';
import { modelFromJSON } from './models/index.js';
import type { Model } from './models/model.js';
import { importNodeEntry } from './node-bridge.js';
import { type Normalizer, normalizerFromJSON } from './normalizers/index.js';
import { paddingConfig, padEncodings } from './padding.js';
import { postProcess } from './post-process.js';
import { postProcessorFromJSON } from './post-processors/index.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import { type PreTokenizer, preTokenizerFromJSON } from './pre-tokenizers/index.js';
import { SequenceCache } from './sequence-cache.js';
import { truncateEncodings, truncationBudget, truncationConfig } from './truncation.js';

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

const nodeLoaders = (what: string) => importNodeEntry(what) as Promise<NodeLoaders>;

/** JSON text (or bytes of it) → object, a `TokenizerConfigError` when it does not parse. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerConfigError(`tokenizer JSON does not parse: ${(e as Error).message}`);
  }
}

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

  /** From a tokenizer.json object, or its text. */
  static fromJSON(json: string | object): Tokenizer {
    const j: any = typeof json === 'string' ? parseJsonText(json) : json;
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

  /** From the UTF-8 bytes of a tokenizer.json (e.g. `await (await fetch(url)).arrayBuffer()`). */
  static fromBytes(bytes: Uint8Array | ArrayBuffer): Tokenizer {
    return Tokenizer.fromJSON(parseJsonText(new TextDecoder().decode(bytes)) as object);
  }

  /** Build a BERT tokenizer (BertNormalizer, BertPreTokenizer, WordPiece, [CLS]/[SEP] template). */
  static bertFromVocab(vocab: Map<string, number>, opts: BertVocabOptions = {}): Tokenizer {
    const p = bertParts(vocab, opts);
    const t = new Tokenizer(p.model, p.normalizer, p.preTokenizer, p.postProcessor, p.decoder);
    for (const a of p.addedTokens) t.addedVocabulary.add(a);
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
    if (typeof text !== 'string') throw new TypeError('encode: text must be a string');
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
    const p = paddingConfig(o, this.jsonPadding, () => {
      const id = this.padTokenId;
      return id === undefined ? undefined : { id, token: this.idToToken(id) ?? '[PAD]' };
    });
    if (p !== null) padEncodings(encs, p);
  }

  /** Encode a sequence or a pair. */
  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    const e = this.encodeOne(text, pair, options);
    this.padBatch([e], options);
    return e.toEncoding();
  }

  /** Encode many inputs; 'longest' padding pads to the longest of the batch. */
  encodeBatch(inputs: Array<string | [string, string]>, options: EncodeOptions = {}): Encoding[] {
    const encs = inputs.map((x) =>
      typeof x === 'string' ? this.encodeOne(x, null, options) : this.encodeOne(x[0], x[1], options),
    );
    this.padBatch(encs, options);
    return encs.map((e) => e.toEncoding());
  }

  // ---------------------------------------------------------------- decoding

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
