import { parseTaskName, type TaskName } from '@selfevo/superglue-tasks';
import { DatasetOptionError } from './errors.js';
import { formulateCopa } from './formulate-copa.js';
import { formulateMultiRc } from './formulate-multirc.js';
import { formulatePair } from './formulate-pair.js';
import { formulateRecord } from './formulate-record.js';
import { formulateWic } from './formulate-wic.js';
import { formulateWsc } from './formulate-wsc.js';
import type { FormulatedExample, FormulateOptions, TaskExampleMap } from './formulated-example.js';
import { FormulateOptionsSchema, parseOptions } from './input-schemas.js';
import type { TokenizerLike } from './tokenizer-contract.js';
import type { TaskRecordMap } from './types.js';

/**
 * Model inputs of one official record (one or more examples: COPA 2, MultiRC/ReCoRD many).
 * `task` goes through the allow-list and `options` through their schema (`maxLength` an integer
 * in [4, 65536], `stride` an integer below it): `UnknownTaskError` / `DatasetOptionError`.
 */
export function formulateOne<T extends TaskName>(
  name: T,
  record: TaskRecordMap[T],
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): TaskExampleMap[T][] {
  const task = parseTaskName(name) as T;
  parseOptions(FormulateOptionsSchema, options);
  const r = record as never;
  let out: FormulatedExample[];
  switch (task) {
    case 'BoolQ':
    case 'CB':
    case 'RTE':
    case 'AX-b':
    case 'AX-g':
      out = [formulatePair(task, r, tokenizer, options)];
      break;
    case 'COPA':
      out = formulateCopa(r, tokenizer, options);
      break;
    case 'MultiRC':
      out = formulateMultiRc(r, tokenizer, options);
      break;
    case 'ReCoRD':
      out = formulateRecord(r, tokenizer, options);
      break;
    case 'WiC':
      out = [formulateWic(r, tokenizer, options)];
      break;
    case 'WSC':
      out = [formulateWsc(r, tokenizer, options)];
      break;
    default:
      throw new DatasetOptionError('task', `unknown task ${String(task)}`);
  }
  return out as TaskExampleMap[T][];
}

/** Model inputs of all records (see `formulateOne`). */
export function formulate<T extends TaskName>(
  task: T,
  records: Iterable<TaskRecordMap[T]>,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): TaskExampleMap[T][] {
  const out: TaskExampleMap[T][] = [];
  for (const r of records) {
    for (const e of formulateOne(task, r, tokenizer, options)) out.push(e);
  }
  return out;
}

/** Streaming variant for large files: formulates records as they are read. */
export async function* formulateStream<T extends TaskName>(
  task: T,
  records: AsyncIterable<TaskRecordMap[T]> | Iterable<TaskRecordMap[T]>,
  tokenizer: TokenizerLike,
  options: FormulateOptions = {},
): AsyncGenerator<TaskExampleMap[T]> {
  for await (const r of records) yield* formulateOne(task, r, tokenizer, options);
}
