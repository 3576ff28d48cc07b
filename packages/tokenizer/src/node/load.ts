import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BertVocabOptions } from '../bert-preset.js';
import { TokenizerConfigError } from '../errors.js';
import { parseMergesTxt } from '../models/bpe.js';
import { Tokenizer } from '../tokenizer.js';
import { gpt2Json, parseVocabJson, parseVocabTxt } from '../vocab-files.js';

/** A tokenizer.json file. */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TokenizerConfigError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return Tokenizer.fromJSON(json as object);
}

/** A BERT tokenizer from `vocab.txt` (one token per line, id = line number). */
export async function loadBertVocab(vocabTxtPath: string, opts: BertVocabOptions = {}): Promise<Tokenizer> {
  const vocab = parseVocabTxt(await readFile(vocabTxtPath, 'utf8'), vocabTxtPath);
  return Tokenizer.bertFromVocab(vocab, opts);
}

/** GPT-2 byte-level BPE from `vocab.json` + `merges.txt`. */
export async function loadGPT2(vocabJsonPath: string, mergesTxtPath: string): Promise<Tokenizer> {
  const vocab = parseVocabJson(await readFile(vocabJsonPath, 'utf8'), vocabJsonPath);
  const merges = parseMergesTxt(await readFile(mergesTxtPath, 'utf8'), mergesTxtPath);
  return Tokenizer.fromJSON(gpt2Json(vocab, merges));
}

const isFile = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;

/** `do_lower_case` of a tokenizer_config.json next to a vocab.txt (default true). */
async function bertLowercase(dir: string): Promise<boolean> {
  const cfgPath = join(dir, 'tokenizer_config.json');
  if (!(await isFile(cfgPath))) return true;
  const cfg = JSON.parse(await readFile(cfgPath, 'utf8'));
  return typeof cfg.do_lower_case === 'boolean' ? cfg.do_lower_case : true;
}

/** A folder with tokenizer.json, or vocab.txt (BERT), or vocab.json + merges.txt (GPT-2). */
export async function loadPretrained(dir: string): Promise<Tokenizer> {
  if (await isFile(join(dir, 'tokenizer.json'))) return loadTokenizer(join(dir, 'tokenizer.json'));
  if (await isFile(join(dir, 'vocab.txt')))
    return loadBertVocab(join(dir, 'vocab.txt'), { lowercase: await bertLowercase(dir) });
  if ((await isFile(join(dir, 'vocab.json'))) && (await isFile(join(dir, 'merges.txt'))))
    return loadGPT2(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
  throw new TokenizerConfigError(`${dir}: no tokenizer.json, vocab.txt or vocab.json + merges.txt`);
}
