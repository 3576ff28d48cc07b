import { readFile } from 'node:fs/promises';
import { parseVocabTxt, Tokenizer } from '@selfevo/tokenizer';
import { createProgress, type ProgressMode, writeFileAtomic } from '@selfevo/utils/node';
import { readCorpusLines } from './corpus.js';
import { PretrainingConfigError } from './errors.js';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

export interface CorpusVocabOptions {
  /** A BERT `vocab.txt` (WordPiece) whose pieces are the candidates, e.g. bert-base-uncased. */
  baseVocabPath: string;
  /** Text files to count on. */
  files: readonly string[];
  /** Bytes of text to count on (from the start of `files`). */
  maxBytes?: number;
  /** Target vocabulary size (specials + every character seen + the most frequent pieces). */
  size: number;
  lowercase?: boolean;
  progress?: ProgressMode;
}

export interface CorpusVocabReport {
  size: number;
  /** Single-character pieces (`c` and `##c`) kept so that every seen character stays encodable. */
  characterPieces: number;
  /** Share of the base tokenization's tokens (on the counted text) whose piece was kept as is. */
  coverage: number;
  tokensCounted: number;
}

/**
 * A smaller WordPiece vocabulary fitted to a corpus: tokenize the text with the base vocabulary,
 * count pieces, keep the specials (`[PAD] [UNK] [CLS] [SEP] [MASK]` as ids 0–4), the single
 * characters (`c`, `##c`) of every character that occurs, then the most frequent pieces (ties by
 * base id) up to `size`. WordPiece with the result still encodes all seen text without `[UNK]`
 * (longest-match-first falls back to shorter pieces down to characters). Deterministic.
 */
export async function buildCorpusVocab(
  o: CorpusVocabOptions,
): Promise<{ vocab: string[]; report: CorpusVocabReport }> {
  if (!Number.isInteger(o.size) || o.size < SPECIALS.length + 1)
    throw new PretrainingConfigError('size', `must be an integer > ${SPECIALS.length}, got ${o.size}`);
  const baseText = await readFile(o.baseVocabPath, 'utf8').catch((e: Error) => {
    throw new PretrainingConfigError(o.baseVocabPath, `cannot read base vocab (${e.message})`);
  });
  const base = parseVocabTxt(baseText, o.baseVocabPath);
  const tok = Tokenizer.bertFromVocab(base, { lowercase: o.lowercase ?? true });
  const byId: string[] = [];
  for (const [t, id] of base) byId[id] = t;
  const counts = new Float64Array(byId.length);
  const bar = createProgress({ label: 'vocab count', total: o.maxBytes, unit: 'bytes', mode: o.progress });
  let bytes = 0;
  let lines = 0;
  let tokens = 0;
  for await (const line of readCorpusLines(o.files, { maxBytes: o.maxBytes, onBytes: (b) => (bytes = b) })) {
    if (++lines % 2000 === 0) bar.update(bytes);
    if (line.trim() === '') continue;
    for (const id of tok.encode(line, null, { addSpecialTokens: false }).ids) {
      counts[id]++;
      tokens++;
    }
  }
  bar.update(bytes);
  bar.stop(`${tokens} tokens`);
  const chars = new Set<string>();
  for (let id = 0; id < counts.length; id++) {
    if (!counts[id] || byId[id] === undefined || SPECIALS.includes(byId[id])) continue;
    for (const c of byId[id].replace(/^##/, '')) chars.add(c);
  }
  const kept = new Set<string>(SPECIALS);
  const vocab = [...SPECIALS];
  const add = (t: string) => {
    if (!kept.has(t) && base.has(t)) {
      kept.add(t);
      vocab.push(t);
    }
  };
  for (const c of [...chars].sort()) {
    add(c);
    add(`##${c}`);
  }
  const characterPieces = vocab.length - SPECIALS.length;
  if (vocab.length > o.size)
    throw new PretrainingConfigError(
      'size',
      `${o.size} is too small: specials and single characters alone need ${vocab.length}`,
    );
  const order = Array.from({ length: counts.length }, (_, i) => i)
    .filter((i) => counts[i] > 0 && byId[i] !== undefined)
    .sort((a, b) => counts[b] - counts[a] || a - b);
  for (const id of order) {
    if (vocab.length >= o.size) break;
    add(byId[id]);
  }
  let covered = 0;
  for (let id = 0; id < counts.length; id++) if (counts[id] && kept.has(byId[id])) covered += counts[id];
  return {
    vocab,
    report: {
      size: vocab.length,
      characterPieces,
      coverage: tokens ? covered / tokens : 0,
      tokensCounted: tokens,
    },
  };
}

/** Write a `vocab.txt` (one token per line, id = line number) atomically. */
export async function saveVocabTxt(path: string, vocab: readonly string[]): Promise<void> {
  await writeFileAtomic(path, `${vocab.join('\n')}\n`);
}

/**
 * The runner's tokenizer: `{ vocabPath }` loads a BERT `vocab.txt`; `{ build, vocabPath }` builds a
 * corpus vocabulary with `buildCorpusVocab` and saves it to `vocabPath` first, unless that file
 * already exists (then it is loaded: reruns and resumes use the same vocabulary).
 */
export async function loadOrBuildTokenizer(o: {
  vocabPath: string;
  build?: CorpusVocabOptions;
  lowercase?: boolean;
}): Promise<{ tokenizer: Tokenizer; built: CorpusVocabReport | null }> {
  const exists = await readFile(o.vocabPath, 'utf8').then(
    () => true,
    () => false,
  );
  let built: CorpusVocabReport | null = null;
  if (!exists) {
    if (!o.build)
      throw new PretrainingConfigError(o.vocabPath, 'vocab file not found (and no build options given)');
    const r = await buildCorpusVocab(o.build);
    await saveVocabTxt(o.vocabPath, r.vocab);
    built = r.report;
  }
  const tokenizer = await Tokenizer.fromBertVocab(o.vocabPath, {
    lowercase: o.lowercase ?? o.build?.lowercase ?? true,
  });
  return { tokenizer, built };
}
