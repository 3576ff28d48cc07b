import { SelectionFormatError, SelectionMismatchError } from './errors.js';

/**
 * One example's stage-1 selection: its id and the informative token positions (0-based indices
 * into the example's token sequence, [CLS] = 0, ascending). `scores` (optional) holds the
 * criterion's score at each position.
 */
export interface SelectionRecord {
  id: string | number;
  positions: number[];
  scores?: number[];
}

/**
 * How a stage-1 selection was made, with the values actually applied (defaults filled in):
 * `scoreInformativeTokens` attaches it to its records as `.selection`, and `writeSelection`
 * writes it into the file's header.
 */
export interface SelectionRule {
  criterion: 'nll' | 'argmax' | 'entropy' | 'topk';
  /** The test applied per token, in words: `nll > threshold`, `entropy > threshold`, `argmax ≠ gold`, … */
  rule: string;
  /** τ, for `nll` (default 0.1) and `entropy`. */
  threshold?: number;
  /** For `topk`: share of maskable tokens kept per sequence, and the score ranked. */
  topKRatio?: number;
  topKScore?: 'nll' | 'entropy';
}

/** Optional first line of a selection file, describing how it was made. */
export interface SelectionHeader extends Partial<SelectionRule> {
  format: 'selfevo-se-selection';
  version: 1;
  [key: string]: unknown;
}

export const SELECTION_FORMAT = 'selfevo-se-selection';

type Records = Iterable<SelectionRecord> | AsyncIterable<SelectionRecord>;

/**
 * Write a selection file (JSON Lines, UTF-8, `\n`-terminated): an optional header line
 * `{"format":"selfevo-se-selection","version":1,...meta,...rule}` then one line per example
 * `{"id":…,"positions":[…]}` (plus `"scores"` if present). Records are streamed (the iterable may
 * be async, e.g. straight from `scoreInformativeTokens`). When the records carry the rule they
 * were selected by (`records.selection`, as `scoreInformativeTokens` returns them), the header
 * is written and records that rule — the criterion and the τ actually applied, defaults
 * included — over any same-named `meta` field. Atomic: written to a temporary file in
 * the same directory, fsynced, then renamed over `path`; on error the temporary file is removed
 * and `path` is untouched. Node only (loads `node:fs` lazily). Returns the number of records.
 */
export async function writeSelection(
  path: string,
  records: Records,
  options: { meta?: Record<string, unknown> } = {},
): Promise<number> {
  // Read first: invalid scoring options throw here, before any file is created.
  const applied = (records as { selection?: SelectionRule }).selection;
  const fs = await import('node:fs');
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  const out = fs.createWriteStream(tmp, { encoding: 'utf8', flags: 'wx' });
  let count = 0;
  let failed: unknown = null;
  out.on('error', (e) => {
    failed = e;
  });
  const put = async (line: string): Promise<void> => {
    if (failed) throw failed;
    if (!out.write(line))
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          out.off('error', onError);
          resolve();
        };
        const onError = (e: Error) => {
          out.off('drain', onDrain);
          reject(e);
        };
        out.once('drain', onDrain);
        out.once('error', onError);
      });
  };
  try {
    if (options.meta || applied)
      await put(`${JSON.stringify({ format: SELECTION_FORMAT, version: 1, ...options.meta, ...applied })}\n`);
    for await (const r of records as AsyncIterable<SelectionRecord>) {
      checkRecord(r, path, count + 1);
      const rec: SelectionRecord = { id: r.id, positions: Array.from(r.positions) };
      if (r.scores) rec.scores = Array.from(r.scores);
      await put(`${JSON.stringify(rec)}\n`);
      count++;
    }
    await new Promise<void>((resolve, reject) => {
      out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (failed) throw failed;
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path);
    return count;
  } catch (err) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Stream the records of a selection file (the header line, if any, is checked and skipped). */
export async function* readSelection(path: string): AsyncGenerator<SelectionRecord> {
  const fs = await import('node:fs');
  const readline = await import('node:readline');
  const rl = readline.createInterface({
    input: fs.createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new SelectionFormatError(path, lineNo, `not JSON (${(e as Error).message})`);
    }
    if (lineNo === 1 && isHeader(v)) {
      if (v.version !== 1)
        throw new SelectionFormatError(path, lineNo, `unsupported version ${String(v.version)}`);
      continue;
    }
    yield checkRecord(v, path, lineNo);
  }
}

/** The header of a selection file, or null if it has none. */
export async function readSelectionHeader(path: string): Promise<SelectionHeader | null> {
  const fs = await import('node:fs');
  const readline = await import('node:readline');
  const rl = readline.createInterface({
    input: fs.createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  try {
    for await (const line of rl) {
      const v = JSON.parse(line);
      return isHeader(v) ? (v as SelectionHeader) : null;
    }
    return null;
  } finally {
    rl.close();
  }
}

/** Read a whole selection file into a map id → positions (for random access in stage 2). */
export async function loadSelectionMap(path: string): Promise<Map<string | number, Int32Array>> {
  const map = new Map<string | number, Int32Array>();
  for await (const r of readSelection(path)) map.set(r.id, Int32Array.from(r.positions));
  return map;
}

function isHeader(v: unknown): v is SelectionHeader {
  return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === SELECTION_FORMAT;
}

function checkRecord(v: unknown, path: string, line: number): SelectionRecord {
  const r = v as SelectionRecord;
  if (typeof r !== 'object' || r === null) throw new SelectionFormatError(path, line, 'expected an object');
  if (typeof r.id !== 'string' && !(typeof r.id === 'number' && Number.isFinite(r.id)))
    throw new SelectionFormatError(
      path,
      line,
      `id must be a string or a number, got ${JSON.stringify(r.id)}`,
    );
  const pos = r.positions as ArrayLike<number>;
  if (pos == null || typeof pos.length !== 'number')
    throw new SelectionFormatError(path, line, 'positions must be an array of integers');
  for (let k = 0; k < pos.length; k++)
    if (!Number.isInteger(pos[k]) || pos[k] < 0)
      throw new SelectionFormatError(path, line, `positions[${k}] = ${pos[k]} is not a non-negative integer`);
  if (r.scores !== undefined && (r.scores == null || r.scores.length !== pos.length))
    throw new SelectionFormatError(path, line, 'scores must have one number per position');
  return r;
}

/**
 * The stored positions for a batch's rows, in row order, ready for `seMask`. By default an id
 * with no record throws `SelectionMismatchError` (the selection was made on another corpus or
 * split); with `{ strict: false }` such rows get `undefined` and fall back to random masking.
 */
export function selectionsForBatch(
  selection: ReadonlyMap<string | number, ArrayLike<number>>,
  ids: ReadonlyArray<string | number>,
  options: { strict?: boolean } = {},
): (ArrayLike<number> | undefined)[] {
  const strict = options.strict ?? true;
  return ids.map((id, row) => {
    const pos = selection.get(id);
    if (pos === undefined && strict)
      throw new SelectionMismatchError(
        'ids',
        `row ${row}: no stored selection for id ${JSON.stringify(id)} (pass { strict: false } to fall back)`,
      );
    return pos;
  });
}
