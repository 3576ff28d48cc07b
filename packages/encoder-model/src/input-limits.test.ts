import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { InvalidInputError, ShapeMismatchError } from './errors.js';
import { BertForMaskedLM } from './heads.js';
import { FORWARD_LIMITS } from './input-limits.js';
import type { IntInput } from './int-input.js';
import { BertModel } from './model.js';

const cfg = makeConfig({
  vocabSize: 20,
  hiddenSize: 8,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 16,
  maxPositionEmbeddings: 600,
});

/** The error `f` throws, within `ms` milliseconds (a hang or an allocation first would take longer). */
function thrown(f: () => unknown, ms = 200): Error {
  const t0 = performance.now();
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(performance.now() - t0).toBeLessThan(ms);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describeEachBackend('forward input bounds', () => {
  let model: BertModel;
  let mlm: BertForMaskedLM;
  let before = 0;
  beforeAll(() => {
    model = new BertModel(cfg, { seed: 1 });
    mlm = new BertForMaskedLM(cfg, { encoder: model });
    before = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(before); // every refusal left nothing behind
    mlm.dispose();
    model.dispose(); // the shared encoder stays with its owner
  });

  it('refuses absurd B·T before allocating: [1e6, 1e6] nested arrays, and data claiming 1e12 ids', () => {
    const row = new Array<number>(1e6).fill(1);
    const rows = new Array<number[]>(1e6).fill(row); // 1e12 ids would be flattened into one JS array
    const e1 = thrown(() => model.forward({ inputIds: rows }));
    expect(e1).toBeInstanceOf(InvalidInputError);
    expect(e1.message).toMatch(/inputIds/);
    const claimed = { data: { length: 1e12 } as ArrayLike<number>, shape: [1e6, 1e6] };
    const e2 = thrown(() => model.forward({ inputIds: claimed }));
    expect(e2).toBeInstanceOf(InvalidInputError);
    expect((e2 as InvalidInputError).code).toBe('ERR_INPUT_TOO_LARGE');
  });

  it('refuses a batch whose activations exceed the element ceiling, naming the ceiling', () => {
    // 2^16 × 512 tokens × F 16 = 2^29 floats per FFN activation; attention 2^16·2·512·512 = 2^34
    const big = { data: { length: 2 ** 25 } as ArrayLike<number>, shape: [2 ** 16, 512] };
    const e = thrown(() => model.forward({ inputIds: big }));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toContain(String(FORWARD_LIMITS.maxActivationElements));
  });

  it('refuses a sequence longer than max_position_embeddings before the embedding lookup', () => {
    const e = thrown(() => model.forward({ inputIds: { data: new Int32Array(601), shape: [1, 601] } }));
    expect(e).toBeInstanceOf(ShapeMismatchError);
    expect(e.message).toMatch(/inputIds: sequence length 601 exceeds max_position_embeddings 600/);
  });

  it('refuses ragged nested arrays (tfjs would read them with the first row’s length)', () => {
    const e = thrown(() =>
      model.forward({
        inputIds: [
          [1, 2, 3],
          [4, 5],
        ],
      }),
    );
    expect(e).toBeInstanceOf(ShapeMismatchError);
    expect(e.message).toMatch(/inputIds: row 1 has 2 entries, row 0 has 3/);
  });

  it('refuses shapes that are not lists of non-negative integers', () => {
    const e = thrown(() => model.forward({ inputIds: { data: new Int32Array(5), shape: [2.5, 2] } }));
    expect(e).toBeInstanceOf(ShapeMismatchError);
    expect(e.message).toMatch(/inputIds: shape \[2.5,2\]/);
  });

  const bad: [string, Partial<Record<'inputIds' | 'tokenTypeIds', IntInput>>, RegExp][] = [
    ['an id past the vocabulary', { inputIds: [[1, 20, 3]] }, /inputIds: .*20 at \[0, 1\].*\[0, 20\)/],
    [
      'a negative id',
      { inputIds: { data: Int32Array.from([1, -1]), shape: [1, 2] } },
      /inputIds: .*-1 at \[0, 1\]/,
    ],
    ['a fractional id (int32 would truncate it)', { inputIds: [[1, 2.5]] }, /inputIds: .*2\.5 at \[0, 1\]/],
    ['a NaN id', { inputIds: { data: [1, Number.NaN], shape: [1, 2] } }, /inputIds: .*NaN at \[0, 1\]/],
    [
      'a token type past type_vocab_size',
      { inputIds: [[1, 2]], tokenTypeIds: [[0, 2]] },
      /tokenTypeIds: .*2 at \[0, 1\].*\[0, 2\)/,
    ],
  ];
  for (const [what, inputs, msg] of bad)
    it(`refuses ${what} with an InvalidInputError naming the input and position`, () => {
      const e = thrown(() => model.forward(inputs));
      expect(e).toBeInstanceOf(InvalidInputError);
      expect(e.message).toMatch(msg);
    });

  it('refuses MLM logits over the element ceiling', () => {
    const wide = new BertForMaskedLM(makeConfig({ ...cfg, vocabSize: 2 ** 13 }), { seed: 1 });
    const h = tf.zeros([2 ** 9, 512, 8]); // 2^18 positions × V 2^13 = 2^31 logits
    const pos = tf.range(0, 2 ** 18, 1, 'int32') as tf.Tensor1D;
    const e = thrown(() => wide.mlmLogits(h, pos));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/maskedPositions: 262144 positions × vocab_size 8192/);
    tf.dispose([h, pos]);
    wide.dispose();
  });

  it('still runs ordinary inputs (nested arrays, {data, shape}, tensors)', () => {
    const ids = tf.tensor2d([[1, 2, 3]], undefined, 'int32');
    const outs = [
      model.forward({ inputIds: [[1, 2, 3]] }),
      model.forward({ inputIds: { data: Int32Array.from([1, 2, 3]), shape: [1, 3] } }),
      model.forward({ inputIds: ids, attentionMask: [[1, 1, 1]], tokenTypeIds: [[0, 1, 1]] }),
    ];
    const [a, b, c] = outs.map((o) => o.lastHiddenState);
    expect(a.shape).toEqual([1, 3, 8]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync())); // token types 1 differ
    tf.dispose([ids, ...outs.flatMap((o) => [o.lastHiddenState, o.pooledOutput!])]);
  });
});
