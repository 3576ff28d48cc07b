import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { configFromHf, makeConfig } from './config.js';
import { BertForMaskedLM, BertForSequenceClassification } from './heads.js';
import { BertModel } from './model.js';
import { readSafetensors } from './safetensors.js';
import { fixturesDir } from './test-paths.js';

const cfg = makeConfig({
  vocabSize: 50,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 32,
});

/** The HF tiny-bert fixture (real trained-looking weights, gelu, 4 heads) as a BertModel. */
function tinyBert(): { enc: BertModel; inputs: { input_ids: number[][]; attention_mask: number[][] } } {
  const dir = join(fixturesDir, 'tiny-bert');
  const config = configFromHf(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  const enc = new BertModel(config);
  enc.loadStateDict(readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors')))), {
    strict: false,
  });
  return { enc, inputs: JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) };
}

/** Plain-formula LayerNorm over the last axis (no custom gradient). */
function plainLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const m = tf.mean(x, -1, true);
  const c = tf.sub(x, m);
  return tf.add(tf.mul(tf.div(c, tf.sqrt(tf.add(tf.mean(tf.square(c), -1, true), eps))), g), b);
}

describeEachBackend('BertModel structure', () => {
  it('outputIntermediates: act(a·W1ᵀ + b1) where a is the layer input after the attention sub-block', () => {
    const { enc, inputs } = tinyBert();
    const c = enc.config;
    const named = enc.namedParameters();
    const W = (i: number, n: string) => named.get(`bert.encoder.layer.${i}.${n}`)!;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const out = enc.forward({
        inputIds: inputs.input_ids,
        attentionMask: inputs.attention_mask,
        outputHiddenStates: true,
        outputIntermediates: true,
      });
      const [B, S, H] = out.lastHiddenState.shape;
      const A = c.numAttentionHeads;
      const d = H / A;
      expect(out.intermediates).toHaveLength(c.numHiddenLayers);
      const bias = tf.reshape(
        tf.mul(tf.sub(1, tf.tensor2d(inputs.attention_mask, undefined, 'float32')), -1e9),
        [B, 1, 1, S],
      );
      for (let i = 0; i < c.numHiddenLayers; i++) {
        // the attention sub-block written out with plain tfjs ops from the layer's input
        const h = tf.reshape(out.hiddenStates![i], [B * S, H]);
        const proj = (x: tf.Tensor, n: string) =>
          tf.add(tf.matMul(x as tf.Tensor2D, W(i, `${n}.weight`), false, true), W(i, `${n}.bias`));
        const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [B, S, A, d]), [0, 2, 1, 3]); // [B, A, S, d]
        const scores = tf.add(
          tf.div(
            tf.matMul(
              heads(proj(h, 'attention.self.query')),
              heads(proj(h, 'attention.self.key')),
              false,
              true,
            ),
            Math.sqrt(d),
          ),
          bias,
        );
        const ctx = tf.matMul(tf.softmax(scores), heads(proj(h, 'attention.self.value'))); // [B, A, S, d]
        const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B * S, H]);
        const a = plainLayerNorm(
          tf.add(proj(merged, 'attention.output.dense'), h),
          W(i, 'attention.output.LayerNorm.weight'),
          W(i, 'attention.output.LayerNorm.bias'),
          c.layerNormEps,
        ); // [B·S, H]
        const pre = proj(a, 'intermediate.dense'); // [B·S, F]
        const gelu = tf.mul(tf.mul(pre, 0.5), tf.add(1, tf.erf(tf.mul(pre, Math.SQRT1_2))));
        const inter = out.intermediates![i];
        expect(inter.shape).toEqual([B, S, c.intermediateSize]);
        expectAllClose(tf.reshape(inter, [B * S, -1]), gelu, 1e-5);
        // and it is what the layer feeds on: LN(inner·W2ᵀ + b2 + a) is the layer's output
        const next = plainLayerNorm(
          tf.add(proj(tf.reshape(inter, [B * S, -1]), 'output.dense'), a),
          W(i, 'output.LayerNorm.weight'),
          W(i, 'output.LayerNorm.bias'),
          c.layerNormEps,
        );
        expectAllClose(next, tf.reshape(out.hiddenStates![i + 1], [B * S, H]), 1e-4);
        // not the hidden state, nor the pre-activation
        expect(tf.max(tf.abs(tf.sub(tf.reshape(inter, [B * S, -1]), pre))).dataSync()[0]).toBeGreaterThan(
          1e-3,
        );
      }
      expect(enc.forward({ inputIds: inputs.input_ids }).intermediates).toBeUndefined();
    });
    expect(tf.memory().numTensors).toBe(before);
    enc.dispose();
  });

  it('outputIntermediates with a prompt and prefixes: [B, P + T, F] per layer, no leaks', () => {
    const enc = new BertModel(cfg, { seed: 4 });
    const prompt = tf.randomNormal([3, 16], 0, 1, 'float32', 1);
    const prefixes = [0, 1].map((s) => ({
      key: tf.randomNormal([2, 16], 0, 1, 'float32', 10 + s),
      value: tf.randomNormal([2, 16], 0, 1, 'float32', 20 + s),
    }));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const inp = { inputIds: [[2, 7, 9, 11]], promptEmbeds: prompt, pastKeyValuePrefixes: prefixes };
      const out = enc.forward({ ...inp, outputIntermediates: true });
      expect(out.intermediates!.map((t) => t.shape)).toEqual([
        [1, 7, 32],
        [1, 7, 32],
      ]);
      expect(out.hiddenStates).toBeUndefined();
      // asking for intermediates changes nothing else
      expectAllClose(out.lastHiddenState, enc.forward(inp).lastHiddenState, 0);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([prompt, ...prefixes.flatMap((p) => [p.key, p.value])]);
    enc.dispose();
  });

  it('typed parameters are the very variables of namedParameters(), whose names and order are HF’s', () => {
    const mlm = new BertForMaskedLM(cfg, { seed: 1 });
    const enc = mlm.encoder;
    const named = mlm.namedParameters();
    const layerNames = (i: number) =>
      [
        'attention.self.query',
        'attention.self.key',
        'attention.self.value',
        'attention.output.dense',
        'attention.output.LayerNorm',
        'intermediate.dense',
        'output.dense',
        'output.LayerNorm',
      ].flatMap((m) => [`bert.encoder.layer.${i}.${m}.weight`, `bert.encoder.layer.${i}.${m}.bias`]);
    expect([...named.keys()]).toEqual([
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
      'bert.embeddings.token_type_embeddings.weight',
      'bert.embeddings.LayerNorm.weight',
      'bert.embeddings.LayerNorm.bias',
      ...layerNames(0),
      ...layerNames(1),
      'cls.predictions.transform.dense.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.bias',
    ]);
    const typed: [string, tf.Variable][] = [
      ['bert.embeddings.word_embeddings.weight', enc.embeddings.word],
      ['bert.embeddings.position_embeddings.weight', enc.embeddings.position],
      ['bert.embeddings.token_type_embeddings.weight', enc.embeddings.tokenType],
      ['bert.embeddings.LayerNorm.weight', enc.embeddings.norm.weight],
      ['bert.embeddings.LayerNorm.bias', enc.embeddings.norm.bias],
      ...enc.layers.flatMap((l, i) => {
        const n = `bert.encoder.layer.${i}`;
        const pairs: [string, { weight: tf.Variable; bias: tf.Variable }][] = [
          [`${n}.attention.self.query`, l.query],
          [`${n}.attention.self.key`, l.key],
          [`${n}.attention.self.value`, l.value],
          [`${n}.attention.output.dense`, l.attentionOutput],
          [`${n}.attention.output.LayerNorm`, l.attentionNorm],
          [`${n}.intermediate.dense`, l.intermediate],
          [`${n}.output.dense`, l.output],
          [`${n}.output.LayerNorm`, l.outputNorm],
        ];
        return pairs.flatMap(([k, p]): [string, tf.Variable][] => [
          [`${k}.weight`, p.weight],
          [`${k}.bias`, p.bias],
        ]);
      }),
      ['cls.predictions.transform.dense.weight', mlm.transform.weight],
      ['cls.predictions.transform.dense.bias', mlm.transform.bias],
      ['cls.predictions.transform.LayerNorm.weight', mlm.transformNorm.weight],
      ['cls.predictions.transform.LayerNorm.bias', mlm.transformNorm.bias],
      ['cls.predictions.bias', mlm.decoderBias],
    ];
    expect(typed.map(([k]) => k)).toEqual([...named.keys()]);
    for (const [k, v] of typed) expect(v, k).toBe(named.get(k));
    expect(mlm.encoder.pooler).toBeUndefined();
    expect(enc.wordEmbeddings).toBe(named.get('bert.embeddings.word_embeddings.weight'));
    mlm.dispose();

    // RoBERTa classification: no pooler; classifier.dense → classifier.out_proj
    const rcfg = makeConfig({ ...cfg, modelType: 'roberta', padTokenId: 1, typeVocabSize: 1 });
    const cls = new BertForSequenceClassification(rcfg, { seed: 2, numLabels: 3 });
    const rn = cls.namedParameters();
    expect([...rn.keys()].slice(-4)).toEqual([
      'classifier.dense.weight',
      'classifier.dense.bias',
      'classifier.out_proj.weight',
      'classifier.out_proj.bias',
    ]);
    expect(cls.classifierDense?.weight).toBe(rn.get('classifier.dense.weight'));
    expect(cls.classifier.weight).toBe(rn.get('classifier.out_proj.weight'));
    expect(cls.classifier.weight.shape).toEqual([3, 16]);
    expect(cls.encoder.layers[1].outputNorm.bias).toBe(
      rn.get('roberta.encoder.layer.1.output.LayerNorm.bias'),
    );
    cls.dispose();

    // BERT encoder with a pooler: the pooler is last
    const bare = new BertModel(cfg, { seed: 3 });
    const bn = [...bare.namedParameters()];
    expect(bn.slice(-2).map(([k]) => k)).toEqual(['bert.pooler.dense.weight', 'bert.pooler.dense.bias']);
    expect(bare.pooler?.weight).toBe(bn[bn.length - 2][1]);
    bare.dispose();
  });
});
