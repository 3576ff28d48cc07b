// Selection files on disk (Node only): the browser-safe format, checks and `parseSelection` are
// in ../selection-format.ts, exported from the package's main entry.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import {
  checkRecord,
  isHeader,
  SELECTION_FORMAT,
  type SelectionHeader,
  type SelectionRecord,
  type SelectionRule,
  selectionRecords,
} from '../selection-format.js';

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
 * and `path` is untouched. Returns the number of records.
 */
export async function writeSelection(
  path: string,
  records: Records,
  options: { meta?: Record<string, unknown> } = {},
): Promise<number> {
  // Read first: invalid scoring options throw here, before any file is created.
  const applied = (records as { selection?: SelectionRule }).selection;
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
  const rl = readline.createInterface({
    input: fs.createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  try {
    yield* selectionRecords(rl, path);
  } finally {
    rl.close();
  }
}

/** The header of a selection file, or null if it has none. */
export async function readSelectionHeader(path: string): Promise<SelectionHeader | null> {
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
