/** Helpers shared by `pretrain.ts` (one run) and `se-experiment.ts` (the SE ablation grid). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertForMaskedLM, makeConfig, writeFileAtomic } from '@selfevo/encoder-model';
import {
  loadOrBuildTokenizer,
  loadPacked,
  type MaskingIds,
  type PackedSequences,
  packCorpus,
  savePacked,
  specialIds,
} from '@selfevo/mlm-pretraining';
import type { ProgressMode } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';

const here = dirname(fileURLToPath(import.meta.url));
/** `$SELFEVO_DATA`, else `<repo root>/../shared/data`. */
export const dataDir = process.env.SELFEVO_DATA ?? resolve(here, '../../../../shared/data');
export const corpusFile = (name: string) => join(dataDir, 'corpus', name);

/**
 * The vocabulary and encoder-shape flags (with the pipeline's tiny-encoder defaults) that
 * pretrain.ts and se-experiment.ts share, for `parseArgs` options.
 */
export const modelShapeFlags = {
  'vocab-size': { type: 'string', default: '8000' },
  'vocab-bytes': { type: 'string', default: '8000000' },
  'seq-length': { type: 'string', default: '128' },
  'batch-size': { type: 'string', default: '16' },
  hidden: { type: 'string', default: '128' },
  layers: { type: 'string', default: '2' },
  heads: { type: 'string', default: '2' },
  ffn: { type: 'string', default: '512' },
} as const;

export async function prepareTokenizer(o: {
  vocabPath: string;
  baseVocabPath?: string;
  files: string[];
  vocabBytes: number;
  vocabSize: number;
  progress?: ProgressMode;
}) {
  const { tokenizer, built } = await loadOrBuildTokenizer({
    vocabPath: o.vocabPath,
    build: o.baseVocabPath
      ? {
          baseVocabPath: o.baseVocabPath,
          files: o.files,
          maxBytes: o.vocabBytes,
          size: o.vocabSize,
          progress: o.progress,
        }
      : undefined,
  });
  const s = specialIds(tokenizer);
  const ids: MaskingIds = {
    maskTokenId: s.mask,
    vocabSize: tokenizer.getVocabSize(),
    specialTokenIds: [s.pad, s.unk, s.cls, s.sep, s.mask],
  };
  return { tokenizer, ids, built };
}

/** Packed rows cached in `path` (built once from the text files, then loaded). */
export async function packedRows(
  path: string,
  files: string[],
  tokenizer: Parameters<typeof packCorpus>[1],
  o: {
    seqLength: number;
    maxBytes?: number;
    skipBytes?: number;
    maxSequences?: number;
    progress?: ProgressMode;
  },
): Promise<{ packed: PackedSequences; meta: Record<string, unknown> }> {
  if (existsSync(path)) {
    const r = await loadPacked(path);
    if (r.packed.seqLength !== o.seqLength)
      throw new Error(
        `${path}: packed with seqLength ${r.packed.seqLength}, expected ${o.seqLength}; delete it to rebuild`,
      );
    return r;
  }
  const { packed, report } = await packCorpus(files, tokenizer, o);
  const meta = { files, ...o, progress: undefined, report };
  await savePacked(path, packed, meta);
  return { packed, meta };
}

export interface TinyModelOptions {
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  seqLength: number;
  dropout: number;
}

export function newMlmModel(o: TinyModelOptions, seed: number): BertForMaskedLM {
  const config = makeConfig({
    vocabSize: o.vocabSize,
    hiddenSize: o.hidden,
    numHiddenLayers: o.layers,
    numAttentionHeads: o.heads,
    intermediateSize: o.ffn,
    maxPositionEmbeddings: o.seqLength,
    hiddenDropoutProb: o.dropout,
    attentionProbsDropoutProb: o.dropout,
    padTokenId: 0,
  });
  return new BertForMaskedLM(config, { seed });
}

/** A `BertForMaskedLM` from an HF-layout folder (`savePretrained`), dropout seeded by `seed`. */
export async function loadMlmModel(dir: string, seed: number): Promise<BertForMaskedLM> {
  const { model } = await BertForMaskedLM.fromPretrained(dir, { seed, onProgress: false });
  return model;
}

/** Tensors alive right now (to check for leaks between runs). */
export const liveTensors = () => tf.memory().numTensors;

/**
 * Train a WordPiece vocabulary on `files` with `@selfevo/tokenizer` (HF WordPieceTrainer semantics,
 * streamed, with progress) and write it as `vocabPath` (BERT `vocab.txt`, one token per line in id
 * order) plus `tokenizer.json` beside it. Both writes are atomic (temp file + rename).
 */
export async function trainVocab(o: {
  vocabPath: string;
  files: string[];
  vocabSize: number;
  progress?: ProgressMode;
}): Promise<{ size: number; seconds: number }> {
  const { trainWordPiece } = await import('@selfevo/tokenizer');
  const { mkdir } = await import('node:fs/promises');
  const t0 = performance.now();
  const tok = await trainWordPiece(o.files, {
    vocabSize: o.vocabSize,
    progress: o.progress === 'none' ? false : 'auto',
  });
  const lines: string[] = [];
  for (let id = 0; id < tok.getVocabSize(); id++) {
    const t = tok.idToToken(id);
    if (t === undefined) throw new Error(`trainVocab: trained vocabulary has no token for id ${id}`);
    lines.push(t);
  }
  await mkdir(dirname(o.vocabPath), { recursive: true });
  await writeFileAtomic(o.vocabPath, `${lines.join('\n')}\n`);
  await tok.save(join(dirname(o.vocabPath), 'tokenizer.json'));
  return { size: lines.length, seconds: (performance.now() - t0) / 1000 };
}
