import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertModel, linear } from '@selfevo/encoder-model';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import { fitTokenIds, frequentWordPieceIds, SoftPrompt } from './soft-prompt.js';
import { tinyConfig } from './test-fixtures/tiny.js';

const vocabFile = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..'),
  'shared',
  'data',
  'vocab',
  'bert-base-uncased',
  'vocab.txt',
);

function rows(backbone: BertModel, ids: number[]): number[][] {
  return tf.tidy(
    () => tf.gather(backbone.wordEmbeddings, tf.tensor1d(ids, 'int32')).arraySync() as number[][],
  );
}

describe('fitTokenIds (PEFT TEXT init: cut or repeat to L)', () => {
  it('cuts, repeats whole and cuts, or keeps', () => {
    expect(fitTokenIds([7, 8, 9, 10], 2)).toEqual([7, 8]);
    expect(fitTokenIds([7, 8, 9], 7)).toEqual([7, 8, 9, 7, 8, 9, 7]);
    expect(fitTokenIds([7, 8, 9], 3)).toEqual([7, 8, 9]);
    expect(() => fitTokenIds([], 3)).toThrow(PromptConfigError);
  });
});

describe('frequentWordPieceIds', () => {
  it('skips [special] and single-character tokens', () => {
    const vocab = ['[PAD]', '[unused0]', '[CLS]', '!', 'a', 'the', '##s', 'of', 'é', 'and'];
    expect(frequentWordPieceIds(vocab, 3)).toEqual([5, 6, 7]);
    expect(frequentWordPieceIds(vocab)).toEqual([5, 6, 7, 9]);
  });
  it.skipIf(!existsSync(vocabFile))('bert-base-uncased: starts at id 1996 "the", 5,000 ids', () => {
    const vocab = readFileSync(vocabFile, 'utf8').split('\n');
    const ids = frequentWordPieceIds(vocab, 5000);
    expect(ids.length).toBe(5000);
    expect(ids.slice(0, 4).map((i) => vocab[i])).toEqual(['the', 'of', 'and', 'in']);
    expect(ids[0]).toBe(1996);
  });
});

describeEachBackend('SoftPrompt', () => {
  let backbone: BertModel;
  beforeAll(() => {
    backbone = new BertModel(tinyConfig, { seed: 7 });
  });
  afterAll(() => backbone.dispose());
  const H = tinyConfig.hiddenSize;
  const N = tinyConfig.numHiddenLayers;

  it('RANDOM: seeded normal(0, std), shape [L, H]; same seed same values', () => {
    const a = SoftPrompt.create(backbone, { numVirtualTokens: 50, seed: 3, randomInitStd: 0.5 });
    const b = SoftPrompt.create(backbone, { numVirtualTokens: 50, seed: 3, randomInitStd: 0.5 });
    const c = SoftPrompt.create(backbone, { numVirtualTokens: 50, seed: 4, randomInitStd: 0.5 });
    expect(a.variable.shape).toEqual([50, H]);
    expect(a.mode).toBe('prompt');
    const da = a.toData().data;
    expect(Array.from(b.toData().data)).toEqual(Array.from(da));
    expect(Array.from(c.toData().data)).not.toEqual(Array.from(da));
    const mean = da.reduce((s, x) => s + x, 0) / da.length;
    const std = Math.sqrt(da.reduce((s, x) => s + (x - mean) ** 2, 0) / da.length);
    expect(Math.abs(mean)).toBeLessThan(0.05); // 800 samples: se 0.018
    expect(std).toBeGreaterThan(0.45);
    expect(std).toBeLessThan(0.55);
    for (const p of [a, b, c]) p.dispose();
  });

  it('VOCAB: rows are word embeddings of seeded ids among the top-k candidates', () => {
    const p = SoftPrompt.create(backbone, {
      numVirtualTokens: 12,
      promptTuningInit: 'VOCAB',
      vocabInitOffset: 40,
      vocabInitTopK: 5,
      seed: 2,
    });
    const ids = p.init.tokenIds!;
    expect(ids.length).toBe(12);
    expect(ids.every((i) => i >= 40 && i < 45)).toBe(true);
    expect(new Set(ids).size).toBeGreaterThan(1);
    expectAllClose(p.variable, rows(backbone, ids), 0);
    const q = SoftPrompt.create(backbone, {
      numVirtualTokens: 12,
      promptTuningInit: 'VOCAB',
      frequentTokenIds: [30, 11, 52, 9, 8],
      vocabInitTopK: 3,
      seed: 2,
    });
    expect(q.init.tokenIds!.every((i) => [30, 11, 52].includes(i))).toBe(true);
    expectAllClose(q.variable, rows(backbone, q.init.tokenIds!), 0);
    // offset near the end: candidates are clipped to the vocabulary
    const r = SoftPrompt.create(backbone, {
      numVirtualTokens: 20,
      promptTuningInit: 'VOCAB',
      vocabInitOffset: 58,
    });
    expect(r.init.tokenIds!.every((i) => i === 58 || i === 59)).toBe(true);
    for (const x of [p, q, r]) x.dispose();
  });

  it('TEXT: tokenized ids repeated to L, their embeddings copied', () => {
    const p = SoftPrompt.create(backbone, {
      numVirtualTokens: 5,
      promptTuningInit: 'TEXT',
      promptTuningInitText: 'is it positive',
      tokenize: (t) => t.split(' ').map((w) => w.length + 20),
    });
    expect(p.init.tokenIds).toEqual([22, 22, 28, 22, 22]);
    expect(p.init.text).toBe('is it positive');
    expectAllClose(p.variable, rows(backbone, [22, 22, 28, 22, 22]), 0);
    const q = SoftPrompt.create(backbone, {
      numVirtualTokens: 2,
      promptTuningInit: 'TEXT',
      promptTuningInitIds: [9, 8, 7],
    });
    expectAllClose(q.variable, rows(backbone, [9, 8]), 0);
    p.dispose();
    q.dispose();
  });

  it('SOURCE: copies a saved prompt; a wrong shape is a PromptMismatchError naming sourcePrompt', () => {
    const src = SoftPrompt.create(backbone, { numVirtualTokens: 4, seed: 9 });
    const p = SoftPrompt.create(backbone, {
      numVirtualTokens: 4,
      promptTuningInit: 'SOURCE',
      sourcePrompt: src.toData(),
    });
    expectAllClose(p.variable, src.variable, 0);
    expect(p.variable).not.toBe(src.variable);
    expect(() =>
      SoftPrompt.create(backbone, {
        numVirtualTokens: 5,
        promptTuningInit: 'SOURCE',
        sourcePrompt: src.toData(),
      }),
    ).toThrow(/sourcePrompt: source prompt has shape \[4,16\], this prompt needs \[5,16\]/);
    expect(() => SoftPrompt.create(backbone, { numVirtualTokens: 4, promptTuningInit: 'SOURCE' })).toThrow(
      PromptConfigError,
    );
    src.dispose();
    p.dispose();
  });

  it('prefix: [N, 2, L, H]; TEXT init = per-layer key/value projections of the tokens (Li & Liang)', () => {
    const ids = [3, 17, 42];
    const p = SoftPrompt.create(backbone, {
      numVirtualTokens: 3,
      promptTuningInit: 'TEXT',
      promptTuningInitIds: ids,
      prefix: true,
    });
    expect(p.variable.shape).toEqual([N, 2, 3, H]);
    expect(p.numLayers).toBe(N);
    expect(p.numVirtualTokens).toBe(3);
    const expected = tf.tidy(() => {
      const out = backbone.forward({ inputIds: [ids], training: false, outputHiddenStates: true });
      const per: number[][][][] = [];
      for (let i = 0; i < N; i++) {
        const h = tf.reshape(out.hiddenStates![i], [3, H]) as tf.Tensor2D;
        const w = (n: string) => backbone.p<tf.Rank.R2>(`encoder.layer.${i}.attention.self.${n}`);
        per.push(
          ['key', 'value'].map(
            (m) =>
              linear(h, w(`${m}.weight`), w(`${m}.bias`) as unknown as tf.Tensor1D).arraySync() as number[][],
          ),
        );
      }
      return per;
    });
    expectAllClose(p.variable, expected, 1e-6);
    const r = SoftPrompt.create(backbone, { numVirtualTokens: 2, prefix: true, seed: 1 });
    expect(r.variable.shape).toEqual([N, 2, 2, H]);
    p.dispose();
    r.dispose();
  });

  it('encoderInputs: a prefix prompt gives the same output as passing the slices by hand', () => {
    const p = SoftPrompt.create(backbone, { numVirtualTokens: 2, prefix: true, seed: 5, randomInitStd: 0.3 });
    const inp = { inputIds: [[1, 9, 12, 4]], training: false };
    const [ours, byHand, none] = tf.tidy(() => {
      const v = p.variable.arraySync() as number[][][][];
      const prefixes = v.map(([k, val]) => ({ key: tf.tensor2d(k), value: tf.tensor2d(val) }));
      return [
        backbone.forward({ ...inp, ...p.encoderInputs() }).lastHiddenState.arraySync(),
        backbone.forward({ ...inp, pastKeyValuePrefixes: prefixes }).lastHiddenState.arraySync(),
        backbone.forward(inp).lastHiddenState.arraySync(),
      ];
    });
    expectAllClose(ours, byHand, 1e-6);
    expect(() => expectAllClose(ours, none, 1e-3)).toThrow();
    const q = SoftPrompt.create(backbone, { numVirtualTokens: 3, seed: 5 });
    const shape = tf.tidy(() => backbone.forward({ ...inp, ...q.encoderInputs() }).lastHiddenState.shape);
    expect(shape).toEqual([1, 7, H]);
    p.dispose();
    q.dispose();
  });

  it('rejects bad options with PromptConfigError naming the option', () => {
    const bad: [object, RegExp][] = [
      [{ numVirtualTokens: 0 }, /^numVirtualTokens: must be a positive integer/],
      [{ numVirtualTokens: 2.5 }, /^numVirtualTokens/],
      [
        { numVirtualTokens: 2, promptTuningInit: 'SAMPLE' },
        /^promptTuningInit: must be RANDOM, VOCAB, TEXT or SOURCE/,
      ],
      [{ numVirtualTokens: 2, promptTuningInit: 'TEXT' }, /^promptTuningInitText/],
      [{ numVirtualTokens: 2, promptTuningInit: 'TEXT', promptTuningInitText: 'x' }, /^tokenize/],
      [
        { numVirtualTokens: 2, promptTuningInit: 'TEXT', promptTuningInitIds: [3, 99] },
        /^tokenIds: token id 99/,
      ],
      [{ numVirtualTokens: 2, promptTuningInit: 'VOCAB', vocabInitOffset: 60 }, /^vocabInitOffset/],
      [{ numVirtualTokens: 2, promptTuningInit: 'VOCAB', vocabInitTopK: 0 }, /^vocabInitTopK/],
      [{ numVirtualTokens: 2, randomInitStd: -1 }, /^randomInitStd/],
    ];
    const before = tf.memory().numTensors;
    for (const [cfg, re] of bad) {
      const err = (() => {
        try {
          SoftPrompt.create(backbone, cfg as never);
        } catch (e) {
          return e;
        }
      })();
      expect(err, JSON.stringify(cfg)).toBeInstanceOf(PromptConfigError);
      expect((err as Error).message).toMatch(re);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(
      () =>
        new SoftPrompt(
          'prefix',
          { shape: [2, 3, 4], data: new Float32Array(24) },
          { promptTuningInit: 'RANDOM', seed: 0 },
        ),
    ).toThrow(PromptMismatchError);
  });
});
