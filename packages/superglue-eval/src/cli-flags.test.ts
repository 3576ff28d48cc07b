// Every flag is checked before any work: a bad one is one line on stderr and exit code 2.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { BIN_TS, PACKAGE_ROOT, SUPERGLUE_DIR } from './test-fixtures/paths.js';

let root: string;
let pred: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-cli-flags-'));
  pred = join(root, 'pred');
  await mkdir(pred);
  await writeFile(join(pred, 'CB.jsonl'), '{"idx":0,"label":"neutral"}\n');
  await writeFile(join(root, 'file.txt'), 'x');
  await mkdir(join(root, 'empty'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    (s) => {
      stdout += s;
    },
    (s) => {
      stderr += s;
    },
  );
  return { code, stdout, stderr };
}

describe('flags are validated before any work (one line, exit 2)', () => {
  const nowhere = () => join(root, 'does-not-exist');
  it.each([
    [
      'score --data on a folder that does not exist',
      () => ['score', '--pred', pred, '--data', nowhere()],
      /--data .*does-not-exist: no such folder/,
    ],
    [
      'score --data on a file',
      () => ['score', '--pred', pred, '--data', join(root, 'file.txt')],
      /--data .*file\.txt: not a folder/,
    ],
    [
      'score --data on a folder with no task',
      () => ['score', '--pred', pred, '--data', join(root, 'empty')],
      /--data .*empty: holds none of the SuperGLUE task folders/,
    ],
    [
      'score --pred that does not exist',
      () => ['score', '--pred', nowhere(), '--data', SUPERGLUE_DIR],
      /--pred .*does-not-exist: no such file or folder/,
    ],
    [
      'score --record-reference that does not exist',
      () => ['score', '--pred', pred, '--data', SUPERGLUE_DIR, '--record-reference', nowhere()],
      /--record-reference .*: no such file/,
    ],
    [
      'score --out on a folder',
      () => ['score', '--pred', pred, '--data', SUPERGLUE_DIR, '--out', root],
      /--out .*: is a folder/,
    ],
    [
      'score --split bad',
      () => ['score', '--pred', pred, '--data', SUPERGLUE_DIR, '--split', 'dev'],
      /--split must be one of train, val, test; got "dev"/,
    ],
    [
      'score --split test',
      () => ['score', '--pred', pred, '--data', SUPERGLUE_DIR, '--split', 'test'],
      /--split test has no labels/,
    ],
    [
      'validate --data missing',
      () => ['validate', '--submission', pred, '--data', nowhere()],
      /--data .*: no such folder/,
    ],
    [
      'validate --submission missing',
      () => ['validate', '--submission', nowhere(), '--data', SUPERGLUE_DIR],
      /--submission .*: no such file or folder/,
    ],
    [
      'baseline --seed 1.5',
      () => [
        'baseline',
        '--kind',
        'random',
        '--out',
        join(root, 'b'),
        '--data',
        SUPERGLUE_DIR,
        '--seed',
        '1.5',
      ],
      /--seed must be an integer in \[0, 4294967295\]; got "1\.5"/,
    ],
    [
      'baseline --seed abc',
      () => [
        'baseline',
        '--kind',
        'random',
        '--out',
        join(root, 'b'),
        '--data',
        SUPERGLUE_DIR,
        '--seed',
        'abc',
      ],
      /--seed must be an integer/,
    ],
    [
      'baseline --kind bad',
      () => ['baseline', '--kind', 'best', '--out', join(root, 'b'), '--data', SUPERGLUE_DIR],
      /--kind must be majority or random; got "best"/,
    ],
    [
      'baseline --out on a file',
      () => ['baseline', '--kind', 'random', '--out', join(root, 'file.txt'), '--data', SUPERGLUE_DIR],
      /--out .*: is a file/,
    ],
    [
      'an unknown flag',
      () => ['score', '--pred', pred, '--data', SUPERGLUE_DIR, '--frobnicate'],
      /unknown option '--frobnicate'/,
    ],
    ['a flag without its value', () => ['score', '--pred'], /--pred/],
    ['a positional argument', () => ['score', 'extra'], /unexpected argument/],
    ['an empty value', () => ['score', '--pred', '', '--data', SUPERGLUE_DIR], /--pred is required/],
  ])('%s', async (_, args, message) => {
    const r = await run(args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\(see selfevo-superglue --help\)$/m);
  });

  it('nothing is written when a flag is bad', async () => {
    const out = join(root, 'b-untouched');
    await run([
      'baseline',
      '--kind',
      'random',
      '--out',
      out,
      '--data',
      join(root, 'nowhere'),
      '--zip',
      join(root, 'z.zip'),
    ]);
    const { existsSync } = await import('node:fs');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(root, 'z.zip'))).toBe(false);
  });

  it('the installed command exits non-zero for score --data on a missing folder', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', BIN_TS, 'score', '--pred', pred, '--data', join(root, 'nope')],
      {
        cwd: PACKAGE_ROOT,
        encoding: 'utf8',
        env: { ...process.env, SELFEVO_DATA: undefined },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
