import { existsSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { useBackend } from '@selfevo/backend';
import { makeConfig } from '@selfevo/encoder-model';
import { SCORED_TASKS } from '@selfevo/superglue-datasets';
import { readGoldFile, readJsonl, referenceFilePath } from '@selfevo/superglue-eval/node';
import { Tokenizer } from '@selfevo/tokenizer';
import { readJsonlLog } from '@selfevo/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuperGlue } from './run-superglue.js';
import type { EncoderSource } from './task-model.js';
import { hasSharedData, makeTinySuperGlue, VOCAB } from './test-fixtures/tiny-superglue.js';

const tinyEncoder = (vocabSize: number): EncoderSource => ({
  config: makeConfig({
    vocabSize,
    hiddenSize: 32,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 64,
    maxPositionEmbeddings: 128,
  }),
  origin: 'H32/L1 test encoder',
});

describe.skipIf(!hasSharedData)('runSuperGlue end to end (tiny model, tiny files)', () => {
  let tok: Tokenizer;
  const dirs: string[] = [];
  beforeAll(async () => {
    // wasm: the cpu backend's UnsortedSegmentSum (embedding gradient) is far too slow for a 30k vocab.
    await useBackend('wasm');
    tok = await Tokenizer.fromBertVocab(VOCAB);
  });
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('trains every task (hand-made BoolQ train and ReCoRD included), scores val, writes a valid submission', async () => {
    const data = await makeTinySuperGlue();
    const out = join(data, 'out');
    dirs.push(data);
    const lines: string[] = [];
    const report = await runSuperGlue({
      dataDir: data,
      outDir: out,
      encoder: tinyEncoder(tok.getVocabSize()),
      tokenizer: tok,
      overrides: { epochs: 2, maxLength: 64, batchSize: 8 },
      taskOverrides: { ReCoRD: { maxLength: 128 } },
      maxTrainExamples: 24,
      seed: 3,
      progress: 'none',
      log: (l) => lines.push(l),
    });
    expect(report.tasks.map((t) => [t.task, t.status])).toEqual(SCORED_TASKS.map((t) => [t, 'trained']));
    for (const t of report.tasks) {
      // Every val record is scored, none missing or unparseable: predictions map back to official idx.
      expect(t.val!.missing, t.task).toBe(0);
      expect(t.val!.unparseable, t.task).toBe(0);
      expect(t.val!.extra, t.task).toBe(0);
      expect(t.valMajority!.missing, t.task).toBe(0);
      expect(t.val!.score).toBeGreaterThanOrEqual(0);
      expect(t.speed!.trainTokensPerSecond).toBeGreaterThan(0);
      expect(t.steps, t.task).toBeGreaterThanOrEqual(2);
      // tokens/s are in the JSONL log (eval records), and the loss curve was drawn.
      const log = await readJsonlLog(t.logPath!);
      const evals = log.filter((r) => r.type === 'eval');
      expect(evals.length).toBe(2);
      for (const e of evals) expect(e.eval_train_tokens_per_s).toBeGreaterThan(0);
      expect(existsSync(join(out, t.task, 'training-curves.svg'))).toBe(true);
      // The val predictions file holds one line per val record (MultiRC: per paragraph).
      const valFile = referenceFilePath(data, t.task, 'val');
      const written = await readJsonl(join(out, t.task, 'val-predictions.jsonl'));
      expect(written.length).toBe((await readJsonl(valFile)).length);
    }
    // AX-b/AX-g predicted by the RTE model and scored on their labels.
    expect(report.diagnostics.map((d) => d.task)).toEqual(['AX-b', 'AX-g']);
    expect(report.diagnostics[0]!.metrics!.count).toBe(6);
    // Submission: ten files, all checked against the reference test files (ReCoRD too: hand-made test file).
    expect(report.submission.valid).toBe(true);
    expect(report.submission.validExceptMissingTestFiles).toBe(true);
    expect(report.submission.files).toHaveLength(10);
    for (const f of report.submission.files) {
      expect(f.status, f.file).toBe('ok');
      expect(f.predictions).toBe(f.expected);
    }
    expect(report.submission.files.find((f) => f.task === 'AX-b')!.source).toBe('RTE model');
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| BoolQ | trained |');
    expect(md).toContain('## Submission (valid)');
    const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(json.tasks).toHaveLength(8);
    expect(lines.some((l) => l.includes('val score'))).toBe(true);
  });

  it('a task that fails is reported and falls back to the majority class; the others still run', async () => {
    const data = await makeTinySuperGlue({ boolqTrain: false, record: false });
    dirs.push(data);
    // A CB train line with an unknown label: the strict reader throws naming file, line and field.
    await appendFile(
      join(data, 'CB', 'train.jsonl'),
      '{"premise": "a", "hypothesis": "b", "idx": 999, "label": "maybe"}\n',
    );
    const report = await runSuperGlue({
      dataDir: data,
      outDir: join(data, 'out'),
      encoder: tinyEncoder(tok.getVocabSize()),
      tokenizer: tok,
      tasks: ['CB', 'WSC'],
      // WSC at 16 tokens: some pronoun spans fall outside the input and get the majority class.
      overrides: { epochs: 1, maxLength: 16 },
      progress: 'none',
      log: () => {},
    });
    const cb = report.tasks.find((t) => t.task === 'CB')!;
    expect(cb.status).toBe('failed');
    expect(cb.notes[0]).toMatch(/^failed: SuperGlueFormatError: .*CB\/train\.jsonl:13 field "label"/);
    expect(cb.majoritySource).toBe('val labels (no usable train file)');
    expect(report.warnings.join('\n')).toMatch(/CB failed/);
    const wsc = report.tasks.find((t) => t.task === 'WSC')!;
    expect(wsc.status).toBe('trained');
    expect(wsc.notes.join('\n')).toMatch(
      /val record\(s\) without their span in the first 16 tokens .*majority class/,
    );
    expect(wsc.val!.missing).toBe(0);
    const files = report.submission.files;
    expect(files.find((f) => f.task === 'CB')!.status).toBe('ok');
    expect(files.find((f) => f.task === 'CB')!.source).toMatch(/majority class of CB val labels/);
    expect(files.find((f) => f.task === 'WSC')!.status).toBe('ok');
  });

  it('skips tasks without a train file, says so, and writes majority predictions for the rest', async () => {
    const data = await makeTinySuperGlue({ boolqTrain: false, record: false });
    dirs.push(data);
    const out = join(data, 'out');
    const report = await runSuperGlue({
      dataDir: data,
      outDir: out,
      encoder: tinyEncoder(tok.getVocabSize()),
      tokenizer: tok,
      tasks: ['BoolQ', 'CB'],
      overrides: { epochs: 1, maxLength: 200 }, // > the encoder's 128 positions: clamped, and said
      maxTrainExamples: 8,
      progress: 'none',
      log: () => {},
    });
    const boolq = report.tasks.find((t) => t.task === 'BoolQ')!;
    expect(boolq.status).toBe('skipped');
    expect(boolq.notes[0]).toMatch(/BoolQ\/train\.jsonl not found/);
    expect(boolq.majoritySource).toBe('val labels (no usable train file)');
    // The majority baseline is the real majority of the val labels.
    const gold = await readGoldFile('BoolQ', referenceFilePath(data, 'BoolQ', 'val'), {
      requireLabels: true,
    });
    const labels = gold.kind === 'single' ? gold.examples.map((e) => e.label) : [];
    const trues = labels.filter((l) => l === true).length;
    expect(boolq.valMajority!.metrics.accuracy).toBeCloseTo(
      Math.max(trues, labels.length - trues) / labels.length,
      10,
    );
    const cb = report.tasks.find((t) => t.task === 'CB')!;
    expect(cb.status).toBe('trained');
    expect(cb.recipe.maxLength).toBe(128);
    expect(cb.notes[0]).toBe("max length 200 clamped to the encoder's max_position_embeddings 128");
    expect(report.tasks.find((t) => t.task === 'RTE')!.status).toBe('not selected');
    // ReCoRD has no test file here: its submission file cannot be written, and that is the only error.
    expect(report.submission.problems.filter((p) => p.startsWith('error'))).toEqual([
      'error: ReCoRD.jsonl missing file ReCoRD.jsonl',
    ]);
    expect(report.submission.valid).toBe(false);
    expect(report.submission.validExceptMissingTestFiles).toBe(true);
    expect(report.submission.missingTestFiles).toEqual(['ReCoRD']);
    expect(report.submission.files.find((f) => f.task === 'ReCoRD')!.status).toBe('missing file');
    expect(report.warnings.join('\n')).toMatch(/ReCoRD: no test file/);
    expect(report.submission.files.find((f) => f.task === 'AX-g')!.source).toMatch(
      /majority class of RTE train labels/,
    );
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/\| BoolQ \| skipped \|/);
    expect(md).toContain('## Submission (valid except ReCoRD.jsonl: no test file here)');
  });
});
