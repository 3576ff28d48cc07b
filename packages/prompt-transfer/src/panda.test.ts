import { describeEachBackend, expectAllClose } from '@selfevo/backend/test';
import { BertForSequenceClassification, BertModel } from '@selfevo/encoder-model';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { PromptConfigError, PromptMismatchError } from './errors.js';
import {
  activationSimilarity,
  ffnActivations,
  PandaDistiller,
  pandaKdWeight,
  pandaLambda,
  pandaLoss,
} from './panda.js';
import { PromptTrainer } from './prompt-trainer.js';
import { SoftPrompt } from './soft-prompt.js';
import { changed, snapshot, tinyBatch, tinyConfig } from './test-fixtures/tiny.js';

describe('PANDA KD weight', () => {
  it('λ = 0.1·β with β = 0.1 by default (0.01, as released); λ = c·sim from transferability', () => {
    expect(pandaLambda()).toBeCloseTo(0.01, 15);
    expect(pandaLambda({ beta: 0.5 })).toBeCloseTo(0.05, 15);
    expect(pandaLambda({ lambda: 0.3 })).toBe(0.3);
    expect(() => pandaLambda({ lambda: 0.3, beta: 0.1 })).toThrow(/^lambda: give lambda or beta/);
    expect(() => pandaLambda({ beta: -1 })).toThrow(PromptConfigError);
    expect(pandaKdWeight(0.5, 0.4)).toBeCloseTo(0.2, 15);
    expect(pandaKdWeight(2, -0.3)).toBe(0);
    expect(() => pandaKdWeight(-1, 0.5)).toThrow(/^c:/);
    expect(() => pandaKdWeight(1, Number.NaN)).toThrow(/^similarity:/);
  });
});

function logSoftmax(row: number[], t = 1): number[] {
  const z = row.map((x) => x / t);
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
  return z.map((x) => x - lse);
}

describeEachBackend('PANDA', () => {
  it('pandaLoss = CE + λ·MSE/B (released code), by hand', () => {
    const s = tf.tensor2d([
      [1, 2],
      [0, -1],
    ]);
    const t = tf.tensor2d([
      [0, 1],
      [2, 0],
    ]);
    // CE: both rows −log σ(1) = log(1 + e⁻¹); MSE: (1 + 1 + 4 + 1) / 4 = 1.75, / B = 0.875
    const ce = Math.log(1 + Math.exp(-1));
    const l = pandaLoss(s, [1, 0], t);
    expect(l.dataSync()[0]).toBeCloseTo(ce + 0.01 * 0.875, 6);
    const l2 = pandaLoss(s, [1, 0], t, { lambda: 2 });
    expect(l2.dataSync()[0]).toBeCloseTo(ce + 2 * 0.875, 5);
    // KL(softmax(t/T) ‖ softmax(s/T)) · T², batch mean
    const T = 2;
    const sRows = [
      [1, 2],
      [0, -1],
    ];
    const tRows = [
      [0, 1],
      [2, 0],
    ];
    let kl = 0;
    for (let b = 0; b < 2; b++) {
      const lq = logSoftmax(tRows[b], T);
      const lp = logSoftmax(sRows[b], T);
      kl += lq.reduce((acc, x, c) => acc + Math.exp(x) * (x - lp[c]), 0);
    }
    const l3 = pandaLoss(s, [1, 0], t, { kd: 'kl', temperature: T, lambda: 0.5 });
    expect(l3.dataSync()[0]).toBeCloseTo(ce + 0.5 * (kl / 2) * T * T, 5);
    expect(() => pandaLoss(s, [1, 0], t, { temperature: 2 })).toThrow(
      /^temperature: applies to kd: "kl" only/,
    );
    tf.dispose([s, t, l, l2, l3]);
  });

  it('distillation pulls the student toward the teacher; teacher and encoder stay frozen; no leaks', () => {
    const encoder = new BertModel(tinyConfig, { seed: 21 });
    const teacherModel = new BertForSequenceClassification(tinyConfig, { encoder });
    const studentModel = new BertForSequenceClassification(tinyConfig, { encoder });
    const teacherPrompt = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 8 });
    const batch = tinyBatch(12, 8, 6, 1);
    const frozen = new Map([
      ...encoder.namedParameters(),
      ...[...teacherModel.head.params].map(([k, v]) => [`teacher.${k}`, v] as const),
      ['teacher.prompt', teacherPrompt.variable],
    ]);
    const frozenBefore = snapshot(frozen);
    const headInit = snapshot(studentModel.head.params);
    const run = (lambda: number, steps: number) => {
      for (const [k, v] of studentModel.head.params)
        tf.tidy(() => v.assign(tf.tensor(headInit.get(k)!, v.shape)));
      const prompt = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 9 });
      const trainer = new PromptTrainer(studentModel, prompt, {
        promptLr: 3e-2,
        headLr: 3e-2,
        dropout: false,
      });
      const distiller = new PandaDistiller(
        trainer,
        { model: teacherModel, prompt: teacherPrompt },
        { lambda },
      );
      let n5 = 0;
      for (let i = 0; i < steps; i++) {
        distiller.step(batch);
        if (i === 4) n5 = tf.memory().numTensors;
      }
      const leaked = tf.memory().numTensors - n5;
      const gap = tf.tidy(() => {
        const t = distiller.teacherLogits(batch);
        const s = trainer.logits(batch);
        return tf.mean(tf.square(tf.sub(s, t))).dataSync()[0];
      });
      trainer.dispose();
      prompt.dispose();
      return { gap, leaked };
    };
    const plain = run(0, 30);
    const kd = run(5, 30);
    console.log(
      `student-teacher logit MSE: λ=0 ${plain.gap.toExponential(3)}, λ=5 ${kd.gap.toExponential(3)}`,
    );
    expect(kd.gap).toBeLessThan(0.5 * plain.gap);
    expect(plain.leaked).toBe(0);
    expect(kd.leaked).toBe(0);
    expect(changed(frozen, frozenBefore)).toEqual([]);
    // the student must not share the teacher's prompt or head
    const t2 = new PromptTrainer(teacherModel, teacherPrompt);
    expect(() => new PandaDistiller(t2, { model: teacherModel, prompt: teacherPrompt })).toThrow(
      /^teacher.prompt/,
    );
    const other = SoftPrompt.create(encoder, { numVirtualTokens: 3 });
    expect(() => new PandaDistiller(t2, { model: teacherModel, prompt: other })).toThrow(
      /^teacher.model: head parameter/,
    );
    t2.dispose();
    other.dispose();
    teacherPrompt.dispose();
    teacherModel.dispose(); // disposes the shared encoder too
    for (const v of studentModel.head.params.values()) v.dispose();
  });

  it('FFN activations: recomputed layers match BertModel (prompt, prefix, padding); a changed layer is caught', () => {
    const encoder = new BertModel(tinyConfig, { seed: 5 });
    const probe = tinyBatch(3, 4, 6, 2);
    const prompt = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: 1 });
    const prefix = SoftPrompt.create(encoder, {
      numVirtualTokens: 2,
      prefix: true,
      seed: 1,
      randomInitStd: 0.5,
    });
    const before = tf.memory().numTensors;
    for (const p of [undefined, prompt, prefix]) {
      const acts = ffnActivations(encoder, p, probe);
      expect(acts.length).toBe(tinyConfig.numHiddenLayers);
      for (const a of acts) expect(a.length).toBe(tinyConfig.intermediateSize);
    }
    expect(tf.memory().numTensors).toBe(before);
    // mean pooling ignores padded positions: other ids under the padding give the same result
    const ids = Int32Array.from((probe.inputIds as { data: Int32Array }).data);
    const mask = (probe.attentionMask as { data: Int32Array }).data;
    const repadded = Int32Array.from(ids, (x, i) => (mask[i] ? x : 7 + (i % 5)));
    const m1 = ffnActivations(encoder, prompt, probe, { position: 'mean' });
    const m2 = ffnActivations(
      encoder,
      prompt,
      { ...probe, inputIds: { data: repadded, shape: [4, 6] } },
      { position: 'mean' },
    );
    expectAllClose(
      m1.map((x) => Array.from(x)),
      m2.map((x) => Array.from(x)),
      1e-5,
    );
    // a list of batches averages over all of their examples, like one concatenated batch
    const other = tinyBatch(9, 2, 6, 3);
    const cat = (k: 'inputIds' | 'attentionMask') =>
      Int32Array.from([
        ...(probe[k] as { data: Int32Array }).data,
        ...(other[k] as { data: Int32Array }).data,
      ]);
    const joined = {
      inputIds: { data: cat('inputIds'), shape: [6, 6] },
      attentionMask: { data: cat('attentionMask'), shape: [6, 6] },
    };
    for (const position of ['first-input', 'mean'] as const)
      expectAllClose(
        ffnActivations(encoder, prefix, [probe, other], { position }).map((x) => Array.from(x)),
        ffnActivations(encoder, prefix, joined, { position }).map((x) => Array.from(x)),
        1e-5,
      );
    const first = ffnActivations(encoder, prompt, probe);
    expect(() => expectAllClose(first[1], m1[1], 1e-3)).toThrow();
    // a forward whose layer differs from the recomputation is reported
    const real = encoder.forward.bind(encoder);
    encoder.forward = (inp) => {
      const out = real(inp);
      out.hiddenStates![2] = tf.add(out.hiddenStates![2], tf.scalar(0.1)) as tf.Tensor3D;
      return out;
    };
    expect(() => ffnActivations(encoder, prompt, probe)).toThrow(PromptMismatchError);
    expect(() => ffnActivations(encoder, prompt, probe)).toThrow(/recomputed layer 1 differs/);
    encoder.forward = real;
    prompt.dispose();
    prefix.dispose();
    encoder.dispose();
  });

  it('activation similarity: 1 for the same prompt, symmetric, lower for different prompts', () => {
    const encoder = new BertModel(tinyConfig, { seed: 5 });
    const probe = tinyBatch(4, 4, 6, 1);
    const a = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 1 });
    const b = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 2, randomInitStd: 3 });
    const aa = activationSimilarity(encoder, a, a, probe);
    expect(aa.similarity).toBeCloseTo(1, 6);
    expect(aa.perLayer.length).toBe(2);
    const ab = activationSimilarity(encoder, a, b, probe);
    const ba = activationSimilarity(encoder, b, a, probe);
    expect(ab.similarity).toBeCloseTo(ba.similarity, 6);
    console.log(
      `activation similarity a~b ${ab.similarity.toFixed(4)} per layer ${ab.perLayer.map((x) => x.toFixed(4))}`,
    );
    expect(ab.similarity).toBeLessThan(0.999);
    expect(ab.similarity).toBeGreaterThan(-1);
    const pa = SoftPrompt.create(encoder, { numVirtualTokens: 2, prefix: true, seed: 1 });
    const pb = SoftPrompt.create(encoder, { numVirtualTokens: 2, prefix: true, seed: 3 });
    const pp = activationSimilarity(encoder, pa, pb, probe, { position: 'mean' });
    expect(pp.similarity).toBeLessThan(0.999);
    for (const x of [a, b, pa, pb, encoder]) x.dispose();
  });
});
