import { BertForSequenceClassification, BertForSpanClassification, BertModel } from '@selfevo/encoder-model';
import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { PANDA_DEFAULT_C, pandaDistillation, pandaLambda, pandaLoss } from './panda-loss.js';
import { createPromptTuning, type PromptBatch, PromptTuningModel } from './prompt-tuning.js';
import { SoftPrompt } from './soft-prompt.js';
import { tinyBatch, tinyConfig } from './test-fixtures/tiny.js';

function setup(seed: number) {
  const encoder = new BertModel(tinyConfig, { seed });
  const teacherModel = new BertForSequenceClassification(tinyConfig, { encoder, seed: seed + 1 });
  const studentModel = new BertForSequenceClassification(tinyConfig, { encoder, seed: seed + 2 });
  const teacherPrompt = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: seed + 3 });
  const studentPrompt = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: seed + 4 });
  // the student without dropout: its logits draw nothing from the generator, so only the teacher's do
  const student = createPromptTuning({ model: studentModel, prompt: studentPrompt, dropout: false });
  const dispose = () => {
    teacherPrompt.dispose();
    studentPrompt.dispose();
    studentModel.dispose(); // heads only: the shared encoder is disposed where it was made
    teacherModel.dispose();
    encoder.dispose();
  };
  return { encoder, teacherModel, teacherPrompt, student, dispose };
}

describeEachBackend('PANDA teacher mode and KD weight', () => {
  it("the teacher runs in train mode (dropout) by default, as the released code's source_model.train(); eval on request", () => {
    const { encoder, teacherModel, teacherPrompt, student, dispose } = setup(30);
    const batch = tinyBatch(3, 6, 5, 1);
    const rng = encoder.rng;
    const teacher = { model: teacherModel, prompt: teacherPrompt };
    const byDefault = pandaDistillation(student, teacher, { lambda: 1 });
    const evalMode = pandaDistillation(student, teacher, { lambda: 1, teacherMode: 'eval' });
    expect(byDefault.teacherMode).toBe('train');
    expect(evalMode.teacherMode).toBe('eval');
    const state = rng.getState();
    const got = tf.tidy(() => byDefault.lossFn(byDefault.model, batch, true).dataSync()[0]);
    const gotAgain = tf.tidy(() => byDefault.lossFn(byDefault.model, batch, true).dataSync()[0]);
    rng.setState(state);
    const [wantTrain, wantEval, gotEval, gotEvalAgain] = tf.tidy(() => {
      const t = byDefault.teacherLogits(batch, true); // the same dropout draws as the first call
      const s = student.model.logits(batch, true);
      const te = byDefault.teacherLogits(batch); // no dropout
      return [
        pandaLoss(s, batch.labels!, t, { lambda: 1 }).dataSync()[0],
        pandaLoss(s, batch.labels!, te, { lambda: 1 }).dataSync()[0],
        evalMode.lossFn(evalMode.model, batch, true).dataSync()[0],
        evalMode.lossFn(evalMode.model, batch, true).dataSync()[0],
      ];
    });
    expect(got).toBe(wantTrain);
    expect(gotAgain).not.toBe(got); // fresh dropout draws every call
    expect(Math.abs(wantTrain - wantEval)).toBeGreaterThan(1e-4);
    expect(gotEval).toBe(wantEval);
    expect(gotEvalAgain).toBe(gotEval);
    // evaluation (training = false) never uses the teacher's dropout
    const [e1, e2] = tf.tidy(() => [
      byDefault.lossFn(byDefault.model, batch, false).dataSync()[0],
      byDefault.lossFn(byDefault.model, batch, false).dataSync()[0],
    ]);
    expect(e1).toBe(wantEval);
    expect(e2).toBe(e1);
    expect(() => pandaDistillation(student, teacher, { teacherMode: 'test' as 'eval' })).toThrow(
      /^teacherMode:/,
    );
    const noDropout = new PromptTuningModel({ model: teacherModel, prompt: teacherPrompt, dropout: false });
    expect(() => pandaDistillation(student, noDropout)).toThrow(/^teacherMode: is train but/);
    expect(pandaDistillation(student, noDropout, { teacherMode: 'eval' }).teacherMode).toBe('eval');
    dispose();
  });

  it('λ: 0.01 by default; c·similarity when a similarity is given (c default 0.01), used in the loss', () => {
    const { teacherModel, teacherPrompt, student, dispose } = setup(40);
    const teacher = { model: teacherModel, prompt: teacherPrompt, teacherMode: 'eval' as const };
    expect(pandaDistillation(student, teacher).lambda).toBe(0.1 * 0.1);
    expect(PANDA_DEFAULT_C).toBe(0.01);
    expect(pandaLambda({ similarity: 0.5 })).toBeCloseTo(0.005, 15);
    expect(pandaLambda({ similarity: 0.5, c: 4 })).toBe(2);
    expect(pandaLambda({ similarity: -0.5, c: 4 })).toBe(0);
    expect(() => pandaLambda({ similarity: 0.5, lambda: 1 })).toThrow(/^similarity: give lambda, beta or/);
    expect(() => pandaLambda({ c: 2 })).toThrow(/^c: needs a similarity/);
    const batch = tinyBatch(5, 4, 5, 0);
    const d = pandaDistillation(student, teacher, { similarity: 0.8, c: 2.5, teacherMode: 'eval' });
    expect(d.lambda).toBe(2);
    const [got, want] = tf.tidy(() => [
      d.lossFn(d.model, batch, false).dataSync()[0],
      pandaLoss(student.model.logits(batch), batch.labels!, d.teacherLogits(batch), {
        lambda: 2,
      }).dataSync()[0],
    ]);
    expect(got).toBe(want);
    dispose();
  });

  it('any head: a span-head student and teacher with a custom forward and targets', () => {
    const encoder = new BertModel(tinyConfig, { seed: 50 });
    const mk = (seed: number) => new BertForSpanClassification(tinyConfig, { encoder, seed, numSpans: 2 });
    type SpanBatch = PromptBatch & { spans: number[] };
    const forward = (m: unknown, b: SpanBatch, prompt: object, training: boolean) =>
      (m as BertForSpanClassification).forward(
        { inputIds: b.inputIds, attentionMask: b.attentionMask, training, ...prompt },
        b.spans,
      ).logits;
    const teacherModel = mk(51);
    const studentModel = mk(52);
    const tp = SoftPrompt.create(encoder, { numVirtualTokens: 2, seed: 53 });
    const sp = SoftPrompt.create(encoder, { numVirtualTokens: 3, seed: 54, prefix: true });
    const base = tinyBatch(6, 4, 6, 0);
    const batch: SpanBatch = { ...base, spans: [1, 2, 3, 5, 1, 3, 4, 5, 2, 4, 1, 2, 1, 6, 3, 4] };
    const student = createPromptTuning<SpanBatch>({
      model: studentModel,
      prompt: sp,
      forward,
      dropout: false,
    });
    // targets: the class of each logits row, used by the default loss, predict/accuracy
    const flipped = createPromptTuning<SpanBatch>({
      model: studentModel,
      prompt: sp,
      forward,
      dropout: false,
      targets: (b) => b.labels!.map((y) => 1 - y),
    });
    const [acc, accFlipped, lossFlipped, wantFlipped] = tf.tidy(() => {
      const logits = student.model.logits(batch);
      const rows = logits.arraySync() as number[][];
      const ce = rows.reduce((sum, r, i) => {
        const m = Math.max(...r);
        const lse = m + Math.log(r.reduce((a, x) => a + Math.exp(x - m), 0));
        return sum + lse - r[1 - batch.labels![i]!]!;
      }, 0);
      return [
        student.model.accuracy(batch),
        flipped.model.accuracy(batch),
        flipped.lossFn(flipped.model, batch, false).dataSync()[0],
        ce / rows.length,
      ];
    });
    expect(accFlipped).toBeCloseTo(1 - acc, 10);
    expect(lossFlipped).toBeCloseTo(wantFlipped, 5);
    const headless = { encoder, head: studentModel.head, setTraining: () => {} }; // no forward(inputs)
    expect(() => createPromptTuning({ model: headless, prompt: sp })).toThrow(/^forward:/);
    const d = pandaDistillation(
      student,
      { model: teacherModel, prompt: tp },
      { lambda: 0.5, kd: 'kl', temperature: 2 },
    );
    const [got, want] = tf.tidy(() => {
      const t = teacherModel.forward(
        {
          inputIds: base.inputIds,
          attentionMask: base.attentionMask,
          training: false,
          ...tp.encoderInputs(),
        },
        batch.spans,
      ).logits;
      const s = studentModel.forward(
        {
          inputIds: base.inputIds,
          attentionMask: base.attentionMask,
          training: false,
          ...sp.encoderInputs(),
        },
        batch.spans,
      ).logits;
      return [
        d.lossFn(d.model, batch, false).dataSync()[0],
        pandaLoss(s, batch.labels!, t, { lambda: 0.5, kd: 'kl', temperature: 2 }).dataSync()[0],
      ];
    });
    expect(got).toBeCloseTo(want, 6);
    tp.dispose();
    sp.dispose();
    studentModel.dispose();
    teacherModel.dispose();
    encoder.dispose();
  });
});
