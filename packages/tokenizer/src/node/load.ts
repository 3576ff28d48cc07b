import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BertVocabOptions } from '../bert-preset.js';
import { TokenizerConfigError } from '../errors.js';
import { parseMergesTxt } from '../models/bpe.js';
import {
  declaredSpecialTokens,
  parseSpecialTokensMap,
  parseTokenizerConfig,
  type TokenizerConfigJson,
} from '../pretrained-config.js';
import { type SpecialTokenNames, Tokenizer } from '../tokenizer.js';
import { decodeUtf8 } from '../utf8.js';
import { gpt2Json, parseVocabJson, parseVocabTxt, vocabText } from '../vocab-files.js';

/** A file's text, strictly UTF-8 (a `TextDecodeError` naming the file and byte offset otherwise). */
async function readText(path: string): Promise<string> {
  return decodeUtf8(await readFile(path), path);
}

/** A tokenizer.json file (errors name the file, the field and the value). */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  return Tokenizer.fromJSON(await readText(path), path);
}

/** A BERT tokenizer from `vocab.txt` (one token per line, id = line number; a leading BOM is dropped). */
export async function loadBertVocab(vocabTxtPath: string, opts: BertVocabOptions = {}): Promise<Tokenizer> {
  const vocab = parseVocabTxt(await readFile(vocabTxtPath), vocabTxtPath);
  return Tokenizer.bertFromVocab(vocab, opts);
}

/** GPT-2 byte-level BPE from `vocab.json` + `merges.txt`. */
export async function loadGPT2(vocabJsonPath: string, mergesTxtPath: string): Promise<Tokenizer> {
  const vocab = parseVocabJson(await readFile(vocabJsonPath), vocabJsonPath);
  const merges = parseMergesTxt(vocabText(await readFile(mergesTxtPath), mergesTxtPath), mergesTxtPath);
  return Tokenizer.fromJSON(gpt2Json(vocab, merges), vocabJsonPath);
}

const isFile = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;

/** The checked tokenizer_config.json and special tokens of a model folder (each file optional). */
async function folderConfig(
  dir: string,
): Promise<{ config: TokenizerConfigJson; special: SpecialTokenNames }> {
  const cfgPath = join(dir, 'tokenizer_config.json');
  const mapPath = join(dir, 'special_tokens_map.json');
  const config = (await isFile(cfgPath)) ? parseTokenizerConfig(await readText(cfgPath), cfgPath) : {};
  const fromMap = (await isFile(mapPath)) ? parseSpecialTokensMap(await readText(mapPath), mapPath) : {};
  return { config, special: { ...declaredSpecialTokens(config), ...fromMap } };
}

/**
 * A folder with tokenizer.json, or vocab.txt (BERT), or vocab.json + merges.txt (GPT-2). Its
 * tokenizer_config.json and special_tokens_map.json, when present, are checked (a
 * `TokenizerConfigError` naming the file and field) and their special tokens declared on the
 * tokenizer (special_tokens_map.json wins); for vocab.txt, `do_lower_case`, `strip_accents` and
 * `tokenize_chinese_chars` configure the BERT normalizer.
 */
export async function loadPretrained(dir: string): Promise<Tokenizer> {
  const { config, special } = await folderConfig(dir);
  let tok: Tokenizer;
  if (await isFile(join(dir, 'tokenizer.json'))) tok = await loadTokenizer(join(dir, 'tokenizer.json'));
  else if (await isFile(join(dir, 'vocab.txt')))
    tok = await loadBertVocab(join(dir, 'vocab.txt'), {
      lowercase: config.do_lower_case ?? true,
      stripAccents: config.strip_accents ?? undefined,
      handleChineseChars: config.tokenize_chinese_chars ?? true,
    });
  else if ((await isFile(join(dir, 'vocab.json'))) && (await isFile(join(dir, 'merges.txt'))))
    tok = await loadGPT2(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
  else throw new TokenizerConfigError(`${dir}: no tokenizer.json, vocab.txt or vocab.json + merges.txt`);
  Object.assign(tok.declaredTokens, special);
  return tok;
}
