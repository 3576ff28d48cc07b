// The one command-line approach of every example script (commander underneath):
// - flags are parsed and validated before any work; `--help` lists each with its default;
// - an unknown or malformed flag → one line on stderr, exit 2; `UsageError` from `main` → exit 2;
// - any other failure → one line on stderr, exit 1 (the stack with `--verbose`);
// - `--backend` is checked against what @selfevo/backend offers, and `startBackend` makes an
//   uncaught error after the wasm backend started exit 1 (emscripten's own handler exits 7).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BackendChoice, type BackendName, useBackend } from '@selfevo/backend';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

export { Option } from 'commander';

export const BACKENDS: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'node-gpu', 'webgpu'];
export const PROGRESS_MODES = ['auto', 'bar', 'lines', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Options every script has. */
export interface CommonOptions {
  backend: BackendName;
  progress: ProgressMode;
  verbose: boolean;
}

/** A bad flag value found after parsing (a missing file, two flags that do not fit): exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/** A parser for integer flags in [min, max]. */
export function int(min = 0, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isInteger(x) || x < min || x > max)
      throw new InvalidArgumentError(
        `expected an integer${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` in [${min}, ${max}]`}.`,
      );
    return x;
  };
}

/** A parser for number flags in [min, max]. */
export function num(min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): (v: string) => number {
  return (v) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || x < min || x > max)
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}].`);
    return x;
  };
}

/** A parser for comma-separated lists, each item one of `allowed` (when given). */
export function list(allowed?: readonly string[]): (v: string) => string[] {
  return (v) => {
    const items = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list.');
    const bad = allowed ? items.filter((i) => !allowed.includes(i)) : [];
    if (bad.length > 0)
      throw new InvalidArgumentError(`unknown ${bad.join(', ')} (choose from ${allowed!.join(', ')}).`);
    return items;
  };
}

/** A parser for a path that must exist (resolved against the working directory). */
export function existing(what = 'path'): (v: string) => string {
  return (v) => {
    const p = resolve(v);
    if (!existsSync(p)) throw new InvalidArgumentError(`no such ${what}: ${p}.`);
    return p;
  };
}

/** A commander program with one-line errors; `run` adds the common options (--backend, --progress, --verbose). */
export function program(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(`${name}: ${oneLine(s)}\n`) });
}

function addCommonOptions(cmd: Command, backend: boolean): void {
  if (backend)
    cmd.addOption(
      new Option('--backend <name>', 'tfjs backend (auto: node-gpu if it loads, else wasm)')
        .choices(BACKENDS)
        .default('auto'),
    );
  cmd
    .addOption(
      new Option('--progress <mode>', 'progress display (auto: a bar on a terminal, lines otherwise)')
        .choices(PROGRESS_MODES)
        .default('auto'),
    )
    .option('--verbose', 'print the stack trace of a failure', false);
}

let activeName = 'example';
let verbose = false;

function fail(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  const usage = e instanceof UsageError;
  const msg = oneLine(`${usage ? '' : `${e.name}: `}${e.message}`);
  process.stderr.write(
    `${activeName}: ${msg}${usage ? ' (see --help)' : verbose ? '' : ' (--verbose for the stack)'}\n`,
  );
  if (verbose && !usage && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(usage ? 2 : 1);
}

/**
 * Parses `argv` with `cmd` (exit 0 after --help, 2 on a bad flag), then runs `main` with the
 * options; exits 0 when it resolves, 2 on a `UsageError`, 1 on anything else.
 */
export async function run<O extends CommonOptions>(
  cmd: Command,
  main: (opts: O) => Promise<void>,
  { backend = true, argv = process.argv.slice(2) }: { backend?: boolean; argv?: readonly string[] } = {},
): Promise<never> {
  activeName = cmd.name();
  addCommonOptions(cmd, backend);
  try {
    cmd.parse(argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    fail(e);
  }
  const opts = cmd.opts<O>();
  verbose = opts.verbose;
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    await main(opts);
  } catch (e) {
    fail(e);
  }
  process.exit(0);
}

/**
 * `useBackend(name)`, printed. (`useBackend` keeps Node's uncaught-error handling as it was: the
 * wasm runtime's own handlers, which would make Node exit with code 7, are removed there.)
 */
export async function startBackend(name: BackendName): Promise<BackendChoice> {
  const choice = await useBackend(name);
  log(`backend: ${choice.backend} (${choice.reason})`);
  return choice;
}

/** A progress line on stderr (stdout stays for results). */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Seconds since `t0` (performance.now()), one decimal. */
export const since = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** A comma-separated list flag with a default shown as written (items checked against `allowed`). */
export function listOption(
  flags: string,
  description: string,
  defaults: readonly string[],
  allowed?: readonly string[],
): Option {
  return new Option(flags, description).argParser(list(allowed)).default([...defaults], defaults.join(','));
}
