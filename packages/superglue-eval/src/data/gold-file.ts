// Reference files on disk (Node only; exported from `@selfevo/superglue-eval/node`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDiagnostic, parseTaskName, type Split, splitFile, type TaskName } from '@selfevo/superglue-tasks';
import { MissingReferenceError } from '../errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { type GoldSet, goldFromRecords, type ReadGoldOptions } from './gold.js';
import { readJsonl } from './jsonl-file.js';

/** Path of a task's reference file: `<dir>/<Task>/<split>.jsonl`, or `AX-b/AX-b.jsonl` for diagnostics. */
export function referenceFilePath(dataDir: string, name: TaskName, split: Split): string {
  const task = parseTaskName(name);
  // The diagnostics have one file, whatever split the other tasks are scored on.
  return join(dataDir, task, splitFile(task, isDiagnostic(task) ? 'test' : split));
}

/**
 * Reads an official SuperGLUE JSONL file of `task` into a {@link GoldSet}: the task name through
 * the allow-list (`UnknownTaskError`), the file at most `maxBytes`, strict UTF-8, every record
 * checked field by field (`DataFormatError` naming file, line and field).
 */
export async function readGoldFile(
  name: TaskName,
  file: string,
  options: ReadGoldOptions = {},
): Promise<GoldSet> {
  const task = parseTaskName(name);
  if (!existsSync(file)) throw new MissingReferenceError(task, file);
  const records = await readJsonl(file, options.maxBytes ?? DEFAULT_LIMITS.maxReferenceFileBytes);
  return goldFromRecords(task, records, file, options);
}
