import { BertForSequenceClassification, BertModel } from '@selfevo/encoder-model';
import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { PromptConfigError } from './errors.js';
import { pandaDistillation, pandaKdWeight, pandaLambda, pandaLoss } from './panda-loss.js';
import { createPromptTuning } from './prompt-tuning.js';
import { SoftPrompt } from './soft-prompt.js';
import { changed, snapshot, tinyBatch, tinyConfig } from './test-fixtures/tiny.js';
import { trainOnBatch } from './test-fixtures/train-prompt.js';

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

  it("pandaDistillation's train() loss is exactly pandaLoss on the student's and the eval-mode teacher's logits", () => {
    const encoder = new BertModel(tinyConfig, { seed: 3 });
    const teacherModel = new BertForSequenceClassification(tinyConfig, { encoder });
    const studentModel = new BertForSequenceClassification(tinyConfig, { encoder });
    const teacherPrompt = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: 4 });
    const studentPrompt = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: 5, prefix: true });
    const student = createPromptTuning({ model: studentModel, prompt: studentPrompt });
    const batch = tinyBatch(2, 4, 5, 1);
    for (const options of [{}, { lambda: 0.7 }, { kd: 'kl' as const, temperature: 2, beta: 3 }]) {
      const distill = pandaDistillation(student, { model: teacherModel, prompt: teacherPrompt }, options);
      expect(distill.model).toBe(student.model);
      expect(distill.parameters).toEqual(student.parameters);
      const [got, want] = tf.tidy(() => {
        const t = distill.teacherLogits(batch);
        const s = student.model.logits(batch);
        return [
          distill.lossFn(distill.model, batch, false).dataSync()[0],
          pandaLoss(s, batch.labels!, t, options).dataSync()[0],
        ];
      });
      expect(got).toBe(want);
      // the teacher runs in eval mode even while the student trains with dropout
      teacherModel.setTraining(true);
      const t1 = tf.tidy(() => distill.teacherLogits(batch).arraySync());
      const t2 = tf.tidy(() => distill.teacherLogits(batch).arraySync());
      expect(t1).toEqual(t2);
    }
    expect(() =>
      pandaDistillation(student, { model: teacherModel, prompt: teacherPrompt }, { temperature: 2 }),
    ).toThrow(/^temperature: applies to kd: "kl" only/);
    expect(() =>
      pandaDistillation(student, { model: teacherModel, prompt: teacherPrompt }, { lambda: -1 }),
    ).toThrow(PromptConfigError);
    for (const x of [teacherPrompt, studentPrompt]) x.dispose();
    studentModel.dispose(); // its head: the shared encoder is disposed below
    teacherModel.dispose(); // its head; the shared encoder is disposed where it was made
    encoder.dispose();
  });

  it('distillation through train() pulls the student toward the teacher; teacher and encoder stay frozen; no leaks', async () => {
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
    const run = async (lambda: number, steps: number) => {
      for (const [k, v] of studentModel.head.params)
        tf.tidy(() => v.assign(tf.tensor(headInit.get(k)!, v.shape)));
      const prompt = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 9 });
      const student = createPromptTuning({ model: studentModel, prompt, dropout: false });
      const distill = pandaDistillation(student, { model: teacherModel, prompt: teacherPrompt }, { lambda });
      const counts: number[] = [];
      await trainOnBatch(
        distill,
        batch,
        steps,
        { lr: 3e-2 },
        {
          callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
        },
      );
      const leaked = counts[steps - 1] - counts[4];
      const gap = tf.tidy(() => {
        const t = distill.teacherLogits(batch);
        const s = distill.model.logits(batch);
        return tf.mean(tf.square(tf.sub(s, t))).dataSync()[0];
      });
      prompt.dispose();
      return { gap, leaked };
    };
    const plain = await run(0, 30);
    const kd = await run(5, 30);
    console.log(
      `student-teacher logit MSE: λ=0 ${plain.gap.toExponential(3)}, λ=5 ${kd.gap.toExponential(3)}`,
    );
    expect(kd.gap).toBeLessThan(0.5 * plain.gap);
    expect(plain.leaked).toBe(0);
    expect(kd.leaked).toBe(0);
    expect(changed(frozen, frozenBefore)).toEqual([]);
    // the student must not share the teacher's prompt or head
    const t2 = createPromptTuning({ model: teacherModel, prompt: teacherPrompt });
    expect(() => pandaDistillation(t2, { model: teacherModel, prompt: teacherPrompt })).toThrow(
      /^teacher.prompt/,
    );
    const other = SoftPrompt.create(encoder, { numVirtualTokens: 3 });
    expect(() => pandaDistillation(t2, { model: teacherModel, prompt: other })).toThrow(
      /^teacher.model: head parameter/,
    );
    other.dispose();
    teacherPrompt.dispose();
    teacherModel.dispose(); // its head; the shared encoder is disposed where it was made
    encoder.dispose();
    studentModel.dispose(); // its head only
  });
});
