import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASKS, type TaskName } from '@selfevo/superglue-tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { majorityBaseline, randomBaseline } from './baselines.js';
import type { GoldSet } from './data/gold.js';
import { readGoldFile, referenceFilePath } from './data/gold-file.js';
import { type PredictionsByTask, writeSubmission } from './submission/write.js';
import { BIN_TS, ORACLE_SCRIPT, PACKAGE_ROOT, SUPERGLUE_DIR } from './test-fixtures/paths.js';

const PYTHON = '/usr/bin/python3';
const hasSklearn =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
if (!hasSklearn) {
  console.warn(
    '[superglue-eval] SKIPPING the scikit-learn comparison: /usr/bin/python3 with sklearn is absent ' +
      '(apt-get install -y python3-sklearn to enable it).',
  );
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN_TS, ...args], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
    env: { ...process.env, SELFEVO_DATA: undefined },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let root: string;
const kinds = ['majority', 'random'] as const;
const SEED = 13;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-cli-'));
  for (const kind of kinds) {
    const preds: PredictionsByTask = {};
    const reference: Partial<Record<TaskName, GoldSet>> = {};
    for (const task of TASKS) {
      if (task === 'ReCoRD') continue; // no ReCoRD val file here
      const gold = await readGoldFile(task, referenceFilePath(SUPERGLUE_DIR, task, 'val'), {
        requireLabels: true,
      });
      reference[task] = gold;
      preds[task] = kind === 'majority' ? majorityBaseline(task, gold) : randomBaseline(task, gold, SEED);
    }
    await writeSubmission(join(root, kind), preds, { reference });
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface JsonReport {
  leaderboard: { score: number | null; partialScore: number | null; missingTasks: string[] };
  tasks: {
    task: string;
    status: string;
    result?: { metrics: Record<string, number>; missing: number; unparseable: number };
  }[];
}

async function scoreWithCli(kind: string): Promise<JsonReport> {
  const md = join(root, `${kind}.md`);
  const json = join(root, `${kind}.json`);
  const r = cli([
    'score',
    '--pred',
    join(root, kind),
    '--data',
    SUPERGLUE_DIR,
    '--split',
    'val',
    '--out',
    md,
    '--json',
    json,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(await readFile(md, 'utf8')).toBe(r.stdout);
  return JSON.parse(await readFile(json, 'utf8'));
}

describe('CLI score on val baselines (child process)', () => {
  for (const kind of kinds) {
    it(`${kind}: scores every val task, no missing predictions, ReCoRD reported as absent`, async () => {
      const rep = await scoreWithCli(kind);
      expect(rep.leaderboard.score).toBeNull();
      expect(rep.leaderboard.missingTasks).toEqual(['ReCoRD']);
      for (const t of rep.tasks) {
        if (t.task === 'ReCoRD') {
          expect(t.status).toBe('no reference file');
          continue;
        }
        expect(t.result!.missing).toBe(0);
        expect(t.result!.unparseable).toBe(0);
      }
      const m = Object.fromEntries(rep.tasks.map((t) => [t.task, t.result?.metrics]));
      if (kind === 'majority') {
        // majority of the val labels: known from SOURCES.md counts
        expect(m.BoolQ!.accuracy).toBeCloseTo(2033 / 3270, 15);
        expect(m.CB!.accuracy).toBeCloseTo(28 / 56, 15);
        expect(m['AX-b']!.mcc).toBe(0);
        expect(m['AX-g']!.genderParity).toBe(1);
        expect(m.MultiRC!.f1a).toBe(0);
      }
    });

    it.skipIf(!hasSklearn)(`${kind}: equals an independent scikit-learn computation`, async () => {
      const rep = await scoreWithCli(kind);
      const py = spawnSync(PYTHON, [ORACLE_SCRIPT, join(root, kind), SUPERGLUE_DIR, 'val'], {
        encoding: 'utf8',
      });
      expect(py.stderr).toBe('');
      expect(py.status).toBe(0);
      const oracle = JSON.parse(py.stdout) as Record<string, Record<string, number>>;
      let compared = 0;
      for (const [task, metrics] of Object.entries(oracle)) {
        const ours = rep.tasks.find((t) => t.task === task)!.result!.metrics;
        for (const [name, value] of Object.entries(metrics)) {
          expect(ours[name], `${task} ${name}`).toBeCloseTo(value, 12);
          compared++;
        }
      }
      // accuracy ×8, CB macro-F1, MultiRC F1a + EM, AX-b MCC, AX-g parity
      expect(compared).toBe(13);
    });
  }
});

describe('CLI baseline / validate / usage', () => {
  it('baseline --kind random writes the same files as the API and they validate against val', async () => {
    const out = join(root, 'cli-random');
    const zip = join(root, 'cli-random.zip');
    const r = cli([
      'baseline',
      '--kind',
      'random',
      '--seed',
      String(SEED),
      '--data',
      SUPERGLUE_DIR,
      '--split',
      'val',
      '--out',
      out,
      '--zip',
      zip,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ReCoRD: no reference file');
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(9);
    for (const f of files)
      expect(await readFile(join(out, f), 'utf8')).toBe(await readFile(join(root, 'random', f), 'utf8'));
    const v = cli(['validate', '--submission', zip, '--data', SUPERGLUE_DIR, '--split', 'val']);
    // ReCoRD.jsonl is absent, so the submission is incomplete: exit 1, with the reason printed
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('ERROR ReCoRD.jsonl: missing file ReCoRD.jsonl');
    expect(v.stdout.match(/^- ERROR/gm)).toHaveLength(1);
  });

  it('validate exits 0 on a complete valid test submission', async () => {
    const out = join(root, 'cli-test');
    const rec = join(PACKAGE_ROOT, 'src', 'test-fixtures', 'record-test.jsonl');
    const b = cli([
      'baseline',
      '--kind',
      'majority',
      '--data',
      SUPERGLUE_DIR,
      '--split',
      'test',
      '--out',
      out,
      '--record-reference',
      rec,
    ]);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('BoolQ: majority class of BoolQ/val');
    expect(b.stdout).toContain('AX-b: majority class of RTE/train');
    const v = cli(['validate', '--submission', out, '--data', SUPERGLUE_DIR, '--record-reference', rec]);
    expect(v.stdout).toContain('VALID');
    expect(v.code).toBe(0);
    const noRef = cli(['validate', '--submission', out, '--data', SUPERGLUE_DIR]);
    expect(noRef.code).toBe(0);
    expect(noRef.stdout).toContain('| ReCoRD | ReCoRD.jsonl | no reference test file |');
  });

  it('usage errors (flags checked before any work, a missing path included) exit 2 with one line pointing to --help', () => {
    const a = cli(['score', '--data', SUPERGLUE_DIR]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe('error: --pred is required (see selfevo-superglue --help)\n');
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['score', '--pred', root, '--data', SUPERGLUE_DIR, '--split', 'dev']).stderr).toContain(
      '--split must be one of',
    );
    const missing = cli(['validate', '--submission', join(root, 'nope'), '--data', SUPERGLUE_DIR]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(root, 'nope')}: no such file or folder`);
    expect(cli(['--help']).code).toBe(0);
    expect(cli(['--help']).stdout).toContain('Usage: selfevo-superglue');
  });
});
