// Command-line flags: parsed strictly and checked before any work, each bad one a `UsageError`
// naming the flag and the value (the CLI prints it as one line and exits 2).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SPLITS, type Split, TASKS } from '@selfevo/superglue-tasks';
import { UsageError } from './errors.js';

export type FlagValues = Record<string, string | boolean | undefined>;

/** Parses `args` with exactly the flags `options` names (plus `--help`); anything else is a `UsageError`. */
export function parseFlags(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
): FlagValues {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values as FlagValues;
  } catch (err) {
    // node:util's messages run on with advice; keep the first sentence (it names the flag or argument).
    const first = (err as Error).message.split('\n')[0]!.split('. ')[0]!;
    throw new UsageError(first.charAt(0).toLowerCase() + first.slice(1));
  }
}

function kind(path: string): 'folder' | 'file' | undefined {
  if (!existsSync(path)) return undefined;
  return statSync(path).isDirectory() ? 'folder' : 'file';
}

/** A flag's value, required and non-empty. */
export function required(v: FlagValues, flag: string): string {
  const value = v[flag];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

/** An existing file or folder (`--pred`, `--submission`). */
export function existingPath(v: FlagValues, flag: string): string {
  const path = resolve(required(v, flag));
  if (kind(path) === undefined) throw new UsageError(`--${flag} ${path}: no such file or folder`);
  return path;
}

/** An existing file, when the flag is given (`--record-reference`). */
export function optionalFile(v: FlagValues, flag: string): string | undefined {
  if (v[flag] === undefined) return undefined;
  const path = resolve(required(v, flag));
  const k = kind(path);
  if (k === undefined) throw new UsageError(`--${flag} ${path}: no such file`);
  if (k === 'folder') throw new UsageError(`--${flag} ${path}: is a folder, not a file`);
  return path;
}

/** A file to write, when the flag is given (`--out`, `--json`, `--zip`): it must not be a folder. */
export function outputFile(v: FlagValues, flag: string): string | undefined {
  if (v[flag] === undefined) return undefined;
  const path = resolve(required(v, flag));
  if (kind(path) === 'folder') throw new UsageError(`--${flag} ${path}: is a folder, not a file`);
  return path;
}

/** A folder to write into (`baseline --out`): absent or a folder. */
export function outputFolder(v: FlagValues, flag: string): string {
  const path = resolve(required(v, flag));
  if (kind(path) === 'file') throw new UsageError(`--${flag} ${path}: is a file, not a folder`);
  return path;
}

/**
 * The SuperGLUE folder: `--data`, else `$SELFEVO_DATA/superglue`. It must exist, be a folder and
 * hold at least one task folder (`CB/`, …) — else nothing could be scored and every task would
 * silently count as "no reference file".
 */
export function dataDir(v: FlagValues): string {
  let dir: string;
  if (v.data !== undefined) dir = resolve(required(v, 'data'));
  else if (process.env.SELFEVO_DATA) dir = resolve(process.env.SELFEVO_DATA, 'superglue');
  else throw new UsageError('--data DIR is required (or set SELFEVO_DATA)');
  const k = kind(dir);
  if (k === undefined) throw new UsageError(`--data ${dir}: no such folder`);
  if (k === 'file') throw new UsageError(`--data ${dir}: not a folder`);
  const names = new Set(readdirSync(dir));
  if (!TASKS.some((t) => names.has(t))) {
    throw new UsageError(`--data ${dir}: holds none of the SuperGLUE task folders (${TASKS.join(', ')})`);
  }
  return dir;
}

export function split(v: FlagValues, fallback: Split): Split {
  const value = v.split;
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(SPLITS as readonly string[]).includes(value))
    throw new UsageError(`--split must be one of ${SPLITS.join(', ')}; got ${JSON.stringify(value)}`);
  return value as Split;
}

/** `--seed`: an integer in [0, 2^32 - 1] (default 1). */
export function seed(v: FlagValues): number {
  const raw = v.seed ?? '1';
  const value = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value <= 0xffffffff))
    throw new UsageError(`--seed must be an integer in [0, 4294967295]; got ${JSON.stringify(raw)}`);
  return value;
}

/** `--kind`: majority or random. */
export function baselineKind(v: FlagValues): 'majority' | 'random' {
  const value = required(v, 'kind');
  if (value !== 'majority' && value !== 'random')
    throw new UsageError(`--kind must be majority or random; got ${JSON.stringify(value)}`);
  return value;
}
