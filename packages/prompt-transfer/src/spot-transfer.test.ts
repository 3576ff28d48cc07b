import { describeEachBackend } from '@selfevo/test-utils';
import { describe, expect, it } from 'vitest';
import { createPromptTuning } from './prompt-tuning.js';
import { SoftPrompt } from './soft-prompt.js';
import { rankSources, spotInit } from './spot.js';
import { SPOT_TASK_EMBEDDING_STEP, spotBestOfTopK, taskEmbeddingRecorder } from './spot-transfer.js';
import { tinyBatch, tinyClassifier } from './test-fixtures/tiny.js';
import { trainOnBatch } from './test-fixtures/train-prompt.js';

const p = (rows: number[][]) => ({
  shape: [rows.length, rows[0].length],
  data: Float32Array.from(rows.flat()),
});

describeEachBackend('SPoT task embeddings', () => {
  it('the recorder keeps the prompt right after step atStep (SPoT default 10k), or the last one of a shorter run', async () => {
    expect(SPOT_TASK_EMBEDDING_STEP).toBe(10_000);
    const batch = tinyBatch(7, 6, 5, 1);
    const run = async (steps: number, atStep?: number) => {
      const model = tinyClassifier(3);
      const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 3, seed: 4 });
      const tuning = createPromptTuning({ model, prompt, dropout: false });
      const rec = taskEmbeddingRecorder(prompt, atStep === undefined ? {} : { atStep });
      expect(rec.embedding).toBeNull();
      await trainOnBatch(tuning, batch, steps, { lr: 5e-2 }, { callbacks: [rec.callback] });
      const final = prompt.toData();
      prompt.dispose();
      model.dispose();
      return { rec, final };
    };
    const three = await run(3);
    const six = await run(6, 3);
    const byDefault = await run(4);
    expect(six.rec.atStep).toBe(3);
    expect(six.rec.step).toBe(3);
    // the prompt after 3 of 6 steps is the final prompt of a 3-step run (same seeds), not the 6-step one
    expect(Array.from(six.rec.embedding!.data)).toEqual(Array.from(three.final.data));
    expect(Array.from(six.rec.embedding!.data)).not.toEqual(Array.from(six.final.data));
    expect(byDefault.rec.atStep).toBe(10_000);
    expect(byDefault.rec.step).toBe(4); // the run ended first: its last prompt
    expect(Array.from(byDefault.rec.embedding!.data)).toEqual(Array.from(byDefault.final.data));
    const model = tinyClassifier(3);
    const prompt = SoftPrompt.create(model.encoder, { numVirtualTokens: 3 });
    expect(() => taskEmbeddingRecorder(prompt, { atStep: 0 })).toThrow(/^atStep:/);
    prompt.dispose();
    model.dispose();
  });
});

describe('SPoT source library', () => {
  it('ranks by the task embeddings, mixes the trained prompts', () => {
    const target = p([[1, 0]]);
    const sources = [
      // its embedding points away from the target, its trained prompt toward it: the embedding counts
      { name: 'a', embedding: p([[0, 1]]), prompt: p([[1, 0]]) },
      { name: 'b', embedding: p([[1, 1]]), prompt: p([[2, 4]]) },
      { name: 'c', prompt: p([[1, 0.1]]) }, // no embedding: its prompt is used
    ];
    const ranking = rankSources(target, sources);
    expect(ranking.map((r) => r.name)).toEqual(['c', 'b', 'a']);
    expect(ranking[1].similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(ranking[2].similarity).toBe(0);
    const init = spotInit(target, sources, { topK: 2 });
    const sc = 1 / Math.sqrt(1.01);
    const wc = sc / (sc + Math.SQRT1_2);
    expect(init.weights.map((w) => w.name)).toEqual(['c', 'b']);
    expect(init.weights[0].weight).toBeCloseTo(wc, 6);
    // mixes `prompt`, not `embedding`: c's [1, 0.1] and b's [2, 4]
    expect(init.prompt.data[0]).toBeCloseTo(wc * 1 + (1 - wc) * 2, 5);
    expect(init.prompt.data[1]).toBeCloseTo(wc * 0.1 + (1 - wc) * 4, 5);
  });

  it('best of top-k: trains from the k most similar only, keeps the best score, ties to the more similar', async () => {
    const ranking = [
      { name: 'x', similarity: 0.9 },
      { name: 'y', similarity: 0.5 },
      { name: 'z', similarity: 0.1 },
    ];
    const scores: Record<string, number> = { x: 0.6, y: 0.8, z: 0.99 };
    const tried: string[] = [];
    const out = await spotBestOfTopK(ranking, {
      topK: 2,
      run: async (s, rank) => {
        tried.push(`${rank}:${s.name}`);
        return { dev: scores[s.name] };
      },
      score: (r) => r.dev,
    });
    expect(tried).toEqual(['0:x', '1:y']);
    expect(out.best.name).toBe('y');
    expect(out.best.result.dev).toBe(0.8);
    expect(out.runs.map((r) => [r.name, r.similarity, r.score])).toEqual([
      ['x', 0.9, 0.6],
      ['y', 0.5, 0.8],
    ]);
    const tie = await spotBestOfTopK(ranking, { topK: 3, run: () => 1, score: (r) => r });
    expect(tie.best.name).toBe('x');
    await expect(spotBestOfTopK(ranking, { topK: 4, run: () => 1, score: (r) => r })).rejects.toThrow(
      /^topK:/,
    );
    await expect(spotBestOfTopK(ranking, { topK: 1, run: () => 1, score: () => Number.NaN })).rejects.toThrow(
      /^score: is NaN for source x/,
    );
  });
});
