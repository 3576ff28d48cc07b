import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createProgress, type ProgressMode, writeFileAtomic } from '@selfevo/utils/node';
import { PretrainingConfigError } from './errors.js';
import type { MaskingIds } from './held-out.js';
import { type PackedSequences, type PackingOptions, type PackingReport, SequencePacker } from './packing.js';

/** The part of `@selfevo/tokenizer`'s `Tokenizer` the runner uses. */
export interface PretrainingTokenizer {
  encode(text: string, pair?: string | null, options?: { addSpecialTokens?: boolean }): { ids: number[] };
  tokenToId(token: string): number | undefined;
  getVocabSize(): number;
}

export interface CorpusReadOptions {
  /** Stop after this many bytes in total (whole lines; the line that crosses the limit is the last). */
  maxBytes?: number;
  /** Skip this many bytes at the start of the first file (whole lines: reading starts after the line that crosses it). */
  skipBytes?: number;
  /** Called with the bytes read so far. */
  onBytes?: (bytes: number) => void;
}

/** Lines of `files` in order (UTF-8, `\n` or `\r\n`), streamed. A missing file throws naming it. */
export async function* readCorpusLines(
  files: readonly string[],
  options: CorpusReadOptions = {},
): AsyncGenerator<string> {
  if (!Array.isArray(files) || files.length === 0)
    throw new PretrainingConfigError('files', 'need at least one text file');
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (!(maxBytes > 0)) throw new PretrainingConfigError('maxBytes', `must be > 0, got ${options.maxBytes}`);
  let skip = options.skipBytes ?? 0;
  let bytes = 0;
  for (const file of files) {
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) throw new PretrainingConfigError(file, 'corpus file not found (or not a file)');
    const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      for await (const line of rl) {
        const n = Buffer.byteLength(line, 'utf8') + 1;
        if (skip > 0) {
          skip -= n;
          continue;
        }
        bytes += n;
        options.onBytes?.(bytes);
        yield line;
        if (bytes >= maxBytes) return;
      }
    } finally {
      rl.close();
    }
  }
}

export interface PackCorpusOptions
  extends Omit<PackingOptions, 'clsId' | 'sepId' | 'padId'>,
    Omit<CorpusReadOptions, 'onBytes'> {
  progress?: ProgressMode;
}

/**
 * Text files → content token ids (no special tokens, line by line, empty lines skipped) →
 * packed `[CLS] … [SEP]` rows of `seqLength` (see `SequencePacker`). The special ids come from the
 * tokenizer's `[CLS]`, `[SEP]`, `[PAD]`.
 */
export async function packCorpus(
  files: readonly string[],
  tokenizer: PretrainingTokenizer,
  options: PackCorpusOptions,
): Promise<{ packed: PackedSequences; report: PackingReport & { bytesRead: number; lines: number } }> {
  const ids = specialIds(tokenizer);
  const packer = new SequencePacker({ ...options, clsId: ids.cls, sepId: ids.sep, padId: ids.pad });
  let total = 0;
  for (const f of files) total += (await stat(f).catch(() => ({ size: 0 }))).size;
  if (options.maxBytes !== undefined) total = Math.min(total, options.maxBytes);
  const bar = createProgress({ label: 'tokenize+pack', total, unit: 'bytes', mode: options.progress });
  let bytesRead = 0;
  let lines = 0;
  for await (const line of readCorpusLines(files, {
    maxBytes: options.maxBytes,
    skipBytes: options.skipBytes,
    onBytes: (b) => {
      bytesRead = b;
    },
  })) {
    lines++;
    if (line.trim() === '') continue;
    packer.push(tokenizer.encode(line, null, { addSpecialTokens: false }).ids);
    if (lines % 2000 === 0) bar.update(bytesRead, `${packer.sequenceCount} sequences`);
    if (packer.isFull) break;
  }
  const { packed, report } = packer.finish();
  bar.update(bytesRead);
  bar.stop(
    `${packed.count} sequences of ${packed.seqLength}, tail ${report.tailTokens} tokens ${report.tail}`,
  );
  return { packed, report: { ...report, bytesRead, lines } };
}

/** `[CLS]`, `[SEP]`, `[PAD]`, `[MASK]`, `[UNK]` ids of a BERT-style tokenizer (throws naming a missing one). */
export function specialIds(tokenizer: PretrainingTokenizer): {
  cls: number;
  sep: number;
  pad: number;
  mask: number;
  unk: number;
} {
  const get = (t: string) => {
    const id = tokenizer.tokenToId(t);
    if (id === undefined) throw new PretrainingConfigError('tokenizer', `vocabulary has no ${t} token`);
    return id;
  };
  return { cls: get('[CLS]'), sep: get('[SEP]'), pad: get('[PAD]'), mask: get('[MASK]'), unk: get('[UNK]') };
}

/** The ids the maskers need: `[MASK]`, the vocabulary size, and the specials never masked or used as replacements. */
export function maskingIds(tokenizer: PretrainingTokenizer): MaskingIds {
  const s = specialIds(tokenizer);
  return {
    maskTokenId: s.mask,
    vocabSize: tokenizer.getVocabSize(),
    specialTokenIds: [s.pad, s.unk, s.cls, s.sep, s.mask],
  };
}

const MAGIC = 'selfevo-packed/1';

/** Save packed rows (atomic): a 4-byte header length, a JSON header (`meta` included), ids, lengths. */
export async function savePacked(
  path: string,
  p: PackedSequences,
  meta: Record<string, unknown> = {},
): Promise<void> {
  const header = Buffer.from(
    JSON.stringify({ format: MAGIC, seqLength: p.seqLength, count: p.count, meta }),
    'utf8',
  );
  const out = Buffer.alloc(4 + header.length + p.ids.byteLength + p.lengths.byteLength);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let o = 4 + header.length;
  Buffer.from(p.ids.buffer, p.ids.byteOffset, p.ids.byteLength).copy(out, o);
  o += p.ids.byteLength;
  Buffer.from(p.lengths.buffer, p.lengths.byteOffset, p.lengths.byteLength).copy(out, o);
  await writeFileAtomic(path, out);
}

/** Load what `savePacked` wrote; throws naming the file when it is not such a file or is cut short. */
export async function loadPacked(
  path: string,
): Promise<{ packed: PackedSequences; meta: Record<string, unknown> }> {
  const buf = await readFile(path).catch((e: Error) => {
    throw new PretrainingConfigError(path, `cannot read packed sequences (${e.message})`);
  });
  if (buf.length < 4) throw new PretrainingConfigError(path, 'not a packed-sequences file (too short)');
  const hl = buf.readUInt32LE(0);
  let h: { format?: string; seqLength: number; count: number; meta: Record<string, unknown> };
  try {
    h = JSON.parse(buf.subarray(4, 4 + hl).toString('utf8'));
  } catch {
    throw new PretrainingConfigError(path, 'not a packed-sequences file (bad header)');
  }
  if (h.format !== MAGIC) throw new PretrainingConfigError(path, `format ${h.format}, expected ${MAGIC}`);
  const n = h.count * h.seqLength;
  const need = 4 + hl + 4 * n + 4 * h.count;
  if (buf.length !== need)
    throw new PretrainingConfigError(path, `size ${buf.length}, expected ${need} (cut short?)`);
  const body = new Uint8Array(buf.buffer, buf.byteOffset + 4 + hl, 4 * (n + h.count)).slice();
  const all = new Int32Array(body.buffer);
  return {
    packed: { ids: all.slice(0, n), seqLength: h.seqLength, count: h.count, lengths: all.slice(n) },
    meta: h.meta ?? {},
  };
}
