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

/** True for the optional header line of a selection file. */
export function isHeader(v: unknown): v is SelectionHeader {
  return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === SELECTION_FORMAT;
}

export function checkRecord(v: unknown, path: string, line: number): SelectionRecord {
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
 * Records of a selection file's lines (JSON Lines; the header line, if any, is checked and
 * skipped; blank lines are ignored). `source` names the file in errors. Shared by the Node reader
 * (`@selfevo/self-evolution-masking/node`) and `parseSelection`.
 */
export async function* selectionRecords(
  lines: Iterable<string> | AsyncIterable<string>,
  source: string,
): AsyncGenerator<SelectionRecord> {
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new SelectionFormatError(source, lineNo, `not JSON (${(e as Error).message})`);
    }
    if (lineNo === 1 && isHeader(v)) {
      if (v.version !== 1)
        throw new SelectionFormatError(source, lineNo, `unsupported version ${String(v.version)}`);
      continue;
    }
    yield checkRecord(v, source, lineNo);
  }
}

/**
 * A whole selection file's text (e.g. a browser `File`'s `.text()`) as a map id → positions,
 * checked like the Node reader checks a file. `source` names it in errors.
 */
export async function parseSelection(
  text: string,
  source = '<selection>',
): Promise<Map<string | number, Int32Array>> {
  const map = new Map<string | number, Int32Array>();
  for await (const r of selectionRecords(text.split(/\r?\n/), source))
    map.set(r.id, Int32Array.from(r.positions));
  return map;
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
