// Corpus → packed rows and the masked held-out set, shared by the pretraining examples and the demo.
import { existsSync, statSync } from 'node:fs';
import {
  buildHeldOutSet,
  type HeldOutSet,
  loadPacked,
  maskingIds,
  type PackedSequences,
  packCorpus,
  savePacked,
} from '@selfevo/mlm-pretraining';
import { Tokenizer } from '@selfevo/tokenizer';
import { UsageError } from './cli.js';
import { corpusFile } from './paths.js';

/** A tokenizer from a folder (tokenizer.json / vocab.txt), a tokenizer.json or a vocab.txt. */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  if (!existsSync(path)) throw new UsageError(`tokenizer ${path}: no such file or folder`);
  if (statSync(path).isDirectory()) return Tokenizer.fromPretrained(path);
  if (path.endsWith('.json')) return Tokenizer.fromFile(path);
  return Tokenizer.fromBertVocab(path);
}

/** Packed `[CLS] … [SEP]` rows of `seqLength`, cached in `cache` (built once, then loaded). */
export async function packedRows(
  cache: string,
  files: readonly string[],
  tokenizer: Tokenizer,
  o: {
    seqLength: number;
    maxBytes?: number;
    maxSequences?: number;
    progress?: 'auto' | 'bar' | 'lines' | 'none';
  },
): Promise<PackedSequences> {
  if (existsSync(cache)) {
    const { packed } = await loadPacked(cache);
    if (packed.seqLength === o.seqLength) return packed;
  }
  const { packed, report } = await packCorpus(files.map(corpusFile), tokenizer, o);
  await savePacked(cache, packed, { files, ...o, progress: undefined, report });
  return packed;
}

/** The fixed masked held-out set (same rows, same masks for every model compared). */
export async function heldOutSet(
  cache: string,
  tokenizer: Tokenizer,
  o: { seqLength: number; sequences: number; seed?: number },
): Promise<HeldOutSet> {
  const rows = await packedRows(cache, ['gutenberg.valid.txt'], tokenizer, {
    seqLength: o.seqLength,
    maxSequences: o.sequences,
    progress: 'none',
  });
  return buildHeldOutSet(rows, { ...maskingIds(tokenizer), seed: o.seed ?? 1234 });
}
