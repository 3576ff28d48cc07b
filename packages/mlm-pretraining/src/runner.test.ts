import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '@selfevo/backend';
import { BertForMaskedLM, makeConfig } from '@selfevo/encoder-model';
import { loadSelectionMap } from '@selfevo/self-evolution-masking/node';
import { readJsonlLog } from '@selfevo/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPacked, maskingIds, packCorpus, savePacked, specialIds } from './corpus.js';
import { buildHeldOutSet, evaluateHeldOut, type HeldOutSet, type MaskingIds } from './held-out.js';
import { type PackedSequences, sliceSequences } from './packing.js';
import { type PretrainingRunOptions, runPretraining } from './runner.js';
import { scoreSelections } from './stage1.js';
import { loadOrBuildTokenizer } from './vocab.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.SELFEVO_DATA ?? resolve(here, '../../../../shared/data');
const corpus = join(dataDir, 'corpus', 'gutenberg.valid.txt');
const baseVocab = join(dataDir, 'vocab', 'bert-base-uncased', 'vocab.txt');

let tmp: string;
let ids: MaskingIds;
let trainRows: PackedSequences;
let heldRows: PackedSequences;
let heldOut: HeldOutSet;
let vocabSize: number;

const config = () =>
  makeConfig({
    vocabSize,
    hiddenSize: 16,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 32,
  });

function weights(m: BertForMaskedLM): Map<string, Float32Array> {
  return new Map([...m.namedParameters()].map(([k, v]) => [k, v.dataSync() as Float32Array]));
}

beforeAll(async () => {
  await useBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'selfevo-pretraining-'));
  const { tokenizer, built } = await loadOrBuildTokenizer({
    vocabPath: join(tmp, 'vocab.txt'),
    build: { baseVocabPath: baseVocab, files: [corpus], maxBytes: 60_000, size: 400, progress: 'none' },
  });
  expect(built?.size).toBe(400);
  vocabSize = tokenizer.getVocabSize();
  const s = specialIds(tokenizer);
  ids = maskingIds(tokenizer);
  expect(ids).toEqual({
    maskTokenId: s.mask,
    vocabSize,
    specialTokenIds: [s.pad, s.unk, s.cls, s.sep, s.mask],
  });
  const { packed, report } = await packCorpus([corpus], tokenizer, {
    seqLength: 32,
    maxBytes: 40_000,
    progress: 'none',
  });
  expect(report.tokensPacked + report.tailTokens).toBe(report.tokensIn);
  // Round trip through the packed-file format.
  await savePacked(join(tmp, 'rows.bin'), packed, { what: 'test' });
  const back = (await loadPacked(join(tmp, 'rows.bin'))).packed;
  expect(Array.from(back.ids)).toEqual(Array.from(packed.ids));
  trainRows = sliceSequences(back, 0, 48);
  heldRows = sliceSequences(back, 48, 60);
  heldOut = buildHeldOutSet(heldRows, { ...ids, seed: 7, batchSize: 8 });
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('held-out set', () => {
  it('same seed → identical masked text; another seed → different; evaluation is deterministic', () => {
    const again = buildHeldOutSet(heldRows, { ...ids, seed: 7, batchSize: 8 });
    expect(again.fingerprint).toBe(heldOut.fingerprint);
    expect(again.numMasked).toBe(heldOut.numMasked);
    again.batches.forEach((b, i) => {
      expect(Array.from(b.inputIds)).toEqual(Array.from(heldOut.batches[i].inputIds));
      expect(Array.from(b.labels)).toEqual(Array.from(heldOut.batches[i].labels));
    });
    const other = buildHeldOutSet(heldRows, { ...ids, seed: 8, batchSize: 8 });
    expect(other.fingerprint).not.toBe(heldOut.fingerprint);
    const m = new BertForMaskedLM(config(), { seed: 1 });
    const a = evaluateHeldOut(m, heldOut);
    const b = evaluateHeldOut(m, heldOut);
    expect(a).toEqual(b);
    expect(a.loss).toBeGreaterThan(Math.log(vocabSize) - 1);
    expect(a.numMasked).toBe(heldOut.numMasked);
    m.dispose();
  });

  it('scores a subset of the masked positions: [MASK] only, or a predicate; the parts add up to the whole', () => {
    const m = new BertForMaskedLM(config(), { seed: 2 });
    const all = evaluateHeldOut(m, heldOut);
    let atMask = 0;
    for (const b of heldOut.batches)
      for (const p of b.maskedPositions) if (b.inputIds[p] === ids.maskTokenId) atMask++;
    const mask = evaluateHeldOut(m, heldOut, { positions: 'mask', maskTokenId: ids.maskTokenId });
    expect(mask.numMasked).toBe(atMask);
    expect(atMask).toBeGreaterThan(0.7 * all.numMasked);
    expect(atMask).toBeLessThan(all.numMasked);
    const isMask = (bi: number, p: number) => heldOut.batches[bi].inputIds[p] === ids.maskTokenId;
    const notMask = evaluateHeldOut(m, heldOut, { positions: (bi, p) => !isMask(bi, p) });
    expect(mask.numMasked + notMask.numMasked).toBe(all.numMasked);
    // the loss is a mean per token: the two parts, weighted by their counts, give the whole
    expect((mask.loss * mask.numMasked + notMask.loss * notMask.numMasked) / all.numMasked).toBeCloseTo(
      all.loss,
      4,
    );
    expect(evaluateHeldOut(m, heldOut, { positions: (bi, p) => isMask(bi, p) })).toEqual(mask);
    expect(() => evaluateHeldOut(m, heldOut, { positions: 'mask' })).toThrow(/maskTokenId/);
    expect(() => evaluateHeldOut(m, heldOut, { positions: () => false })).toThrow(
      /at the positions asked for/,
    );
    m.dispose();
  });
});

describe('runPretraining', () => {
  const common = (): Omit<PretrainingRunOptions, 'model' | 'outputDir' | 'masking' | 'loss'> => ({
    train: trainRows,
    heldOut,
    ids,
    batchSize: 4,
    maxSteps: 6,
    optimizer: { lr: 1e-3, weightDecay: 0.01 },
    schedule: { schedule: 'linear', peakLr: 1e-3, warmupSteps: 2 },
    evalEverySteps: 3,
    logEverySteps: 1,
    seed: 11,
    progress: 'none',
  });

  it('vanilla MLM: trains, evaluates the held-out set, writes checkpoints, final model and result', async () => {
    const out = join(tmp, 'mlm');
    const model = new BertForMaskedLM(config(), { seed: 3 });
    const before = evaluateHeldOut(model, heldOut).loss;
    const r = await runPretraining({ ...common(), model, outputDir: out, masking: 'random', loss: 'ce' });
    expect(r.steps).toBe(6);
    expect((await readdir(out)).filter((d) => d.startsWith('checkpoint-')).sort()).toEqual([
      'checkpoint-3',
      'checkpoint-6',
    ]);
    expect(existsSync(join(out, 'final', 'model.safetensors'))).toBe(true);
    expect(r.heldOut?.fingerprint).toBe(heldOut.fingerprint);
    expect(r.heldOut!.loss).toBeLessThan(before);
    expect(r.budget.rows).toBe(24);
    expect(r.budget.maskedTokens).toBeGreaterThan(0);
    const log = await readJsonlLog(join(out, 'log.jsonl'));
    expect(log.filter((l) => l.type === 'eval').map((l) => l.step)).toEqual([3, 6]);
    expect(log.filter((l) => l.type === 'eval').every((l) => typeof l.eval_accuracy === 'number')).toBe(true);
    const saved = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    expect(saved.heldOut.loss).toBe(r.heldOut!.loss);
    model.dispose();
  });

  it('SE mode (stage 1 + SE masks + rectified smooth labels): stop at step 3 and resume = straight run, bit for bit', async () => {
    const base = new BertForMaskedLM(config(), { seed: 5 });
    const selPath = join(tmp, 'selection.jsonl');
    const stats = await scoreSelections(base, trainRows, {
      path: selPath,
      specialTokenIds: ids.specialTokenIds,
      criterion: 'topk',
      topKRatio: 0.15,
      batchSize: 8,
      progress: 'none',
    });
    expect(stats.examples).toBe(trainRows.count);
    expect(stats.selectedShare).toBeGreaterThan(0.1);
    const selections = await loadSelectionMap(selPath);
    expect(selections.size).toBe(trainRows.count);
    const baseWeights = weights(base);
    base.dispose();
    const fresh = () => {
      const m = new BertForMaskedLM(config(), { seed: 99 });
      for (const [k, v] of m.namedParameters()) v.assign(tf.tensor(baseWeights.get(k)!, v.shape));
      return m;
    };
    const se = { ...common(), masking: 'se' as const, loss: 'rectified' as const, selections };

    const a = fresh();
    const ra = await runPretraining({ ...se, model: a, outputDir: join(tmp, 'se-straight') });
    expect(ra.budget.maskedTokens).toBeGreaterThan(0);

    const b = fresh();
    const stop = new Error('stop here');
    await expect(
      runPretraining({
        ...se,
        model: b,
        outputDir: join(tmp, 'se-stopped'),
        callbacks: [
          {
            onSave: ({ step }) => {
              if (step === 3) throw stop;
            },
          },
        ],
      }),
    ).rejects.toBe(stop);
    b.dispose();
    const c = fresh(); // a new model, as a new process would build it
    const rc = await runPretraining({ ...se, model: c, outputDir: join(tmp, 'se-stopped') });
    expect(rc.resumedFromStep).toBe(3);
    const wa = weights(a);
    const wc = weights(c);
    for (const [k, v] of wa)
      expect(Buffer.from(wc.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);
    expect(rc.heldOut).toEqual(ra.heldOut);
    expect(rc.budget).toEqual(ra.budget);
    // Weights moved away from the start.
    expect(
      Buffer.from(wa.get('cls.predictions.bias')!.buffer).equals(
        Buffer.from(baseWeights.get('cls.predictions.bias')!.buffer),
      ),
    ).toBe(false);
    a.dispose();
    c.dispose();
  });
});
