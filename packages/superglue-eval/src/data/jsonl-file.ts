// JSONL files on disk (Node only; exported from `@selfevo/superglue-eval/node`).
import { readFile, stat } from 'node:fs/promises';
import { DataFormatError, InputLimitError } from '../errors.js';
import { type JsonlRecord, parseJsonl } from './jsonl.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSONL file: at most `maxBytes` (`InputLimitError` naming the file otherwise,
 * before it is read) and strict UTF-8 (`DataFormatError`; never a silent U+FFFD).
 */
export async function readJsonl(file: string, maxBytes = Number.POSITIVE_INFINITY): Promise<JsonlRecord[]> {
  const size = (await stat(file)).size;
  if (size > maxBytes) throw new InputLimitError(file, 'maxReferenceFileBytes', size, maxBytes, 'bytes');
  const bytes = await readFile(file);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new DataFormatError(file, undefined, undefined, 'not valid UTF-8');
  }
  return parseJsonl(text, file);
}
