import { crossEntropyAtPositions } from '@selfevo/smooth-label-loss';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { makeConfig } from './config.js';
import { clipByGlobalNorm } from './grad-utils.js';
import {
  BertForMaskedLM,
  BertForMultipleChoice,
  BertForSequenceClassification,
  BertForSpanClassification,
} from './heads.js';
import { BertModel } from './model.js';
import { activation, bmm, dropout, gatherRows, layerNorm, linear } from './ops.js';
import { SeededRandom } from './rng.js';
import { sampleMaskedPositions, valueAndGrads } from './train-utils.js';

const cfg = makeConfig({
  vocabSize: 50,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 32,
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
});

function batch(rng: SeededRandom, B: number, T: number) {
  const ids = Int32Array.from({ length: B * T }, () => 5 + rng.nextInt(40));
  const pos = sampleMaskedPositions(B, T, 0.15, rng);
  const labels = Array.from(pos, (p) => ids[p]);
  const input = Int32Array.from(ids);
  for (const p of pos) input[p] = 3; // [MASK]
  return { inputIds: { data: input, shape: [B, T] }, pos, labels };
}

describeEachBackend('training', () => {
  it('custom linear / bmm gradients equal tfjs autodiff of plain matMul', () => {
    tf.tidy(() => {
      const r = new SeededRandom(1);
      const rand = (...s: number[]) =>
        tf.tensor(
          Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => r.normal()),
          s,
        );
      const x = rand(5, 4) as tf.Tensor2D;
      const w = rand(3, 4) as tf.Tensor2D;
      const b = rand(3) as tf.Tensor1D;
      const up = rand(5, 3);
      const ours = tf.grads((x, w, b) =>
        tf.sum(tf.mul(linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), up)),
      )([x, w, b]);
      const ref = tf.grads((x, w, b) => tf.sum(tf.mul(tf.add(tf.matMul(x, w, false, true), b), up)))([
        x,
        w,
        b,
      ]);
      for (const [i, g] of ours.entries()) expectAllClose(g, ref[i], 1e-5);
      const a3 = rand(2, 3, 4) as tf.Tensor3D;
      const b3 = rand(2, 4, 5) as tf.Tensor3D;
      const up3 = rand(2, 3, 5);
      const o3 = tf.grads((a, b) => tf.sum(tf.mul(bmm(a as tf.Tensor3D, b as tf.Tensor3D), up3)))([a3, b3]);
      const r3 = tf.grads((a, b) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D), up3)))([
        a3,
        b3,
      ]);
      for (const [i, g] of o3.entries()) expectAllClose(g, r3[i], 1e-5);
    });
  });

  it('MLM training learns a fixed batch, and numTensors is equal after step 5 and step 200', () => {
    const model = new BertForMaskedLM(cfg, { seed: 3 });
    model.setTraining(true);
    const params = model.namedParameters();
    const opt = new AdamW(params, { lr: 3e-3 });
    const data = batch(new SeededRandom(4), 4, 12);
    const step = () => {
      const { loss, grads } = valueAndGrads(params, () =>
        crossEntropyAtPositions(model.forward({ inputIds: data.inputIds }, data.pos).logits, data.labels),
      );
      const clipped = clipByGlobalNorm(grads, 1.0);
      opt.step(clipped.grads);
      tf.dispose([...Object.values(grads), ...Object.values(clipped.grads)]);
      return loss;
    };
    const losses: number[] = [];
    let after5 = 0;
    for (let s = 1; s <= 200; s++) {
      losses.push(step());
      if (s === 5) after5 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(after5);
    expect(losses[0]).toBeGreaterThan(3); // ≈ ln 50
    expect(losses[199]).toBeLessThan(losses[0] * 0.5);
    opt.dispose();
    model.dispose();
  });

  // The cross-entropy (value, gradient, extreme logits) is tested where it lives now:
  // @selfevo/smooth-label-loss, softmax-nll.test.ts.

  it('attention mask: padded tokens do not change the other positions', () => {
    const enc = new BertModel(cfg, { seed: 5 });
    tf.tidy(() => {
      const mask = [[1, 1, 1, 0, 0]];
      const a = enc.forward({ inputIds: [[2, 7, 9, 0, 0]], attentionMask: mask }).lastHiddenState;
      const b = enc.forward({ inputIds: [[2, 7, 9, 33, 41]], attentionMask: mask }).lastHiddenState;
      expectAllClose(tf.slice(a, [0, 0, 0], [1, 3, -1]), tf.slice(b, [0, 0, 0], [1, 3, -1]), 1e-5);
      const c = enc.forward({ inputIds: [[2, 7, 9, 33, 41]] }).lastHiddenState;
      expect(tf.max(tf.abs(tf.sub(c, b))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
    enc.dispose();
  });

  it('prompt embeddings and deep prefixes: shapes, mask extension, batch broadcast, gradients', () => {
    const enc = new BertModel(cfg, { seed: 6 });
    const r = new SeededRandom(7);
    const randT = (...s: number[]) =>
      tf.tensor(
        Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => r.normal()),
        s,
      );
    const prompt = tf.variable(randT(3, 16));
    const keys = [randT(4, 16), randT(4, 16)];
    const values = [randT(4, 16), randT(4, 16)];
    tf.tidy(() => {
      const ids = [
        [2, 7, 9, 11],
        [2, 8, 0, 0],
      ];
      const attentionMask = [
        [1, 1, 1, 1],
        [1, 1, 0, 0],
      ];
      const prefixes = keys.map((k, i) => ({ key: k, value: values[i] }));
      const out = enc.forward({
        inputIds: ids,
        attentionMask,
        promptEmbeds: prompt,
        pastKeyValuePrefixes: prefixes,
      });
      expect(out.lastHiddenState.shape).toEqual([2, 7, 16]);
      expect(out.promptLength).toBe(3);
      const tiled = prefixes.map((p) => ({
        key: tf.stack([p.key, p.key]),
        value: tf.stack([p.value, p.value]),
      }));
      const out2 = enc.forward({
        inputIds: ids,
        attentionMask,
        promptEmbeds: tf.stack([prompt, prompt]),
        pastKeyValuePrefixes: tiled,
      });
      expectAllClose(out2.lastHiddenState, out.lastHiddenState, 1e-5);
      const plain = enc.forward({ inputIds: ids, attentionMask });
      expect(plain.lastHiddenState.shape).toEqual([2, 4, 16]);
      // padding in row 1 is still masked with a prompt: changing padded ids changes nothing
      const out3 = enc.forward({
        inputIds: [ids[0], [2, 8, 30, 31]],
        attentionMask,
        promptEmbeds: prompt,
        pastKeyValuePrefixes: prefixes,
      });
      expectAllClose(
        tf.slice(out3.lastHiddenState, [1, 0, 0], [1, 5, -1]),
        tf.slice(out.lastHiddenState, [1, 0, 0], [1, 5, -1]),
        1e-5,
      );
      const { grads } = valueAndGrads(
        new Map([['prompt', prompt]]),
        () =>
          tf.sum(
            tf.square(enc.forward({ inputIds: ids, attentionMask, promptEmbeds: prompt }).lastHiddenState),
          ) as tf.Scalar,
      );
      expect(tf.max(tf.abs(grads.prompt)).dataSync()[0]).toBeGreaterThan(0);
    });
    tf.dispose([prompt, ...keys, ...values]);
    enc.dispose();
  });

  it('heads share an encoder; span pooling averages the span tokens; RoBERTa position ids', () => {
    const enc = new BertModel(cfg, { seed: 8 });
    const cls = new BertForSequenceClassification(cfg, { encoder: enc, numLabels: 3 });
    const span = new BertForSpanClassification(cfg, { encoder: enc, numSpans: 2, useCls: true });
    expect(cls.namedParameters().get('bert.pooler.dense.weight')).toBe(
      span.namedParameters().get('bert.pooler.dense.weight'),
    );
    tf.tidy(() => {
      expect(cls.forward({ inputIds: [[2, 5, 6, 3]] }).logits.shape).toEqual([1, 3]);
      const out = span.forward({ inputIds: [[2, 5, 6, 7, 3]] }, [1, 3, 4, 5]);
      const h = out.lastHiddenState;
      expectAllClose(
        tf.slice(out.spanStates, [0, 0, 0], [1, 1, -1]),
        tf.mean(tf.slice(h, [0, 1, 0], [1, 2, -1]), 1),
        1e-5,
      );
      expect(out.logits.shape).toEqual([1, 2]);
    });
    const rob = new BertModel(makeConfig({ ...cfg, modelType: 'roberta', padTokenId: 1, typeVocabSize: 1 }), {
      seed: 1,
    });
    tf.tidy(() => {
      // positions 2,3,4 for the tokens and 1 (padding_idx) for the pad: HF create_position_ids_from_input_ids
      const h1 = rob.forward({ inputIds: [[0, 5, 6, 1]], attentionMask: [[1, 1, 1, 0]] }).lastHiddenState;
      const pe = rob.embeddings.position;
      expect(tf.sum(tf.abs(tf.gather(pe, [1]))).dataSync()[0]).toBe(0); // padding row zero-initialised
      expect(h1.shape).toEqual([1, 4, 16]);
      expect(rob.namedParameters().has('roberta.embeddings.word_embeddings.weight')).toBe(true);
    });
    rob.dispose();
    // a head on a shared encoder disposes only its own parameters: the other head still runs
    const before = tf.memory().numTensors;
    cls.dispose();
    expect(tf.memory().numTensors).toBe(before - cls.head.params.size);
    expect(enc.namedParameters().get('bert.pooler.dense.weight')!.isDisposed).toBe(false);
    tf.tidy(() => {
      expect(span.forward({ inputIds: [[2, 5, 6, 7, 3]] }, [1, 3, 4, 5]).logits.shape).toEqual([1, 2]);
    });
    span.dispose();
    enc.dispose();
    // a head that made its encoder disposes both
    const own = new BertForSequenceClassification(cfg, { seed: 9, numLabels: 2 });
    const n = tf.memory().numTensors;
    own.dispose();
    expect(tf.memory().numTensors).toBe(n - own.namedParameters().size);
  });
});

describeEachBackend('multiple choice and candidate scoring', () => {
  it('[B, C, T] inputs give [B, C] logits equal to scoring each candidate alone', () => {
    const mc = new BertForMultipleChoice(cfg, { seed: 12 });
    tf.tidy(() => {
      const ids = Int32Array.from([2, 5, 6, 3, 2, 7, 8, 3, 2, 9, 10, 3, 2, 11, 12, 3]); // B=2, C=2, T=4
      const logits = mc.forwardChoices({ inputIds: { data: ids, shape: [2, 2, 4] } }, 2).logits;
      expect(logits.shape).toEqual([2, 2]);
      const one = mc.forward({ inputIds: { data: ids.slice(12), shape: [1, 4] } }).logits; // candidate (1, 1)
      expectAllClose(tf.slice(logits, [1, 1], [1, 1]), one, 1e-5);
      const asTensor = mc.forwardChoices({ inputIds: tf.tensor3d(ids, [2, 2, 4], 'int32') }, 2).logits;
      expectAllClose(asTensor, logits, 1e-6);
    });
    mc.dispose();
  });
});

describeEachBackend('RoBERTa embeddings', () => {
  it('use position ids padding_idx + 1 + running count, padding_idx at pads (HF create_position_ids_from_input_ids)', () => {
    const rcfg = makeConfig({ ...cfg, modelType: 'roberta', padTokenId: 1, typeVocabSize: 1 });
    const rob = new BertModel(rcfg, { seed: 2 });
    tf.tidy(() => {
      const ids = [[0, 5, 6, 2, 1, 1]];
      const out = rob.forward({
        inputIds: ids,
        attentionMask: [[1, 1, 1, 1, 0, 0]],
        outputHiddenStates: true,
      });
      const p = (n: string) => rob.namedParameters().get(`roberta.embeddings.${n}`)!;
      const manual = layerNorm(
        tf.add(
          tf.add(
            tf.gather(p('word_embeddings.weight'), ids[0]),
            tf.gather(p('position_embeddings.weight'), [2, 3, 4, 5, 1, 1]),
          ),
          tf.gather(p('token_type_embeddings.weight'), [0]),
        ),
        rob.embeddings.norm.weight,
        rob.embeddings.norm.bias,
        rcfg.layerNormEps,
      );
      expectAllClose(tf.reshape(out.hiddenStates![0], [6, 16]), manual, 1e-5);
    });
    rob.dispose();
  });
});

describeEachBackend('gatherRows', () => {
  it('equals tf.gather in value and gradient (duplicate rows summed)', () => {
    tf.tidy(() => {
      const table = tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ]);
      const idx = tf.tensor1d([2, 0, 2, 3, 2], 'int32');
      const up = tf.tensor2d([
        [1, -1],
        [2, 0.5],
        [0.25, 3],
        [-2, 1],
        [1, 1],
      ]);
      expectAllClose(gatherRows(table, idx), tf.gather(table, idx), 0);
      const ours = tf.grad((t) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, idx), up)))(table);
      const ref = tf.grad((t) => tf.sum(tf.mul(tf.gather(t, idx), up)))(table);
      expectAllClose(ours, ref, 1e-6);
      expectAllClose(
        ours,
        [
          [2, 0.5],
          [0, 0],
          [2.25, 3],
          [-2, 1],
        ],
        1e-6,
      );
    });
  });
});

describeEachBackend('layerNorm custom gradient', () => {
  it('equals autodiff of the plain formula (2-D and 3-D inputs)', () => {
    tf.tidy(() => {
      const r = new SeededRandom(9);
      const rand = (...s: number[]) =>
        tf.tensor(
          Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => r.normal()),
          s,
        );
      for (const shape of [
        [5, 8],
        [2, 3, 8],
      ]) {
        const x = rand(...shape);
        const g = rand(8) as tf.Tensor1D;
        const b = rand(8) as tf.Tensor1D;
        const up = rand(...shape);
        const plain = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const m = tf.mean(x, -1, true);
          const c = tf.sub(x, m);
          const v = tf.mean(tf.square(c), -1, true);
          return tf.add(tf.mul(tf.div(c, tf.sqrt(tf.add(v, 1e-12))), g), b);
        };
        const ours = tf.grads((x, g, b) =>
          tf.sum(tf.mul(layerNorm(x, g as tf.Tensor1D, b as tf.Tensor1D, 1e-12), up)),
        )([x, g, b]);
        const ref = tf.grads((x, g, b) => tf.sum(tf.mul(plain(x, g, b), up)))([x, g, b]);
        for (const [i, t] of ours.entries()) expectAllClose(t, ref[i], 1e-4);
        expectAllClose(layerNorm(x, g, b, 1e-12), plain(x, g, b), 1e-5);
      }
    });
  });
});

describeEachBackend('activations and dropout', () => {
  it('gelu (erf), gelu_new (tanh): values and gradients match the composite formulas', () => {
    tf.tidy(() => {
      const x = tf.linspace(-5, 5, 41);
      const erfRef = (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.mul(t, Math.SQRT1_2))));
      const tanhRef = (t: tf.Tensor) =>
        tf.mul(
          tf.mul(t, 0.5),
          tf.add(1, tf.tanh(tf.mul(tf.add(t, tf.mul(tf.pow(t, 3), 0.044715)), Math.sqrt(2 / Math.PI)))),
        );
      for (const [act, ref] of [
        ['gelu', erfRef],
        ['gelu_new', tanhRef],
      ] as const) {
        expectAllClose(activation(x, act), ref(x), 1e-5);
        expectAllClose(
          tf.grad((t) => tf.sum(activation(t, act)))(x),
          tf.grad((t) => tf.sum(ref(t)))(x),
          1e-5,
        );
      }
    });
  });
  it('dropout: seeded, inverted scaling, gradient is the mask', () => {
    tf.tidy(() => {
      const x = tf.ones([200, 50]);
      const a = dropout(x, 0.1, new SeededRandom(1));
      const b = dropout(x, 0.1, new SeededRandom(1));
      expectAllClose(a, b, 0);
      const kept = tf.sum(tf.cast(tf.greater(a, 0), 'float32')).dataSync()[0] / x.size;
      expect(kept).toBeGreaterThan(0.88);
      expect(kept).toBeLessThan(0.92);
      expect(tf.max(a).dataSync()[0]).toBeCloseTo(1 / 0.9, 5);
      const g = tf.grad((t) => tf.sum(dropout(t, 0.1, new SeededRandom(1))))(x);
      expectAllClose(g, a, 0);
      expect(dropout(x, 0.1, undefined)).toBe(x);
    });
  });
});
