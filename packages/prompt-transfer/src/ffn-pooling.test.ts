import { BertModel } from '@selfevo/encoder-model';
import { describeEachBackend } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { FFN_DEFAULT_POSITION, ffnActivations } from './ffn-activations.js';
import { SoftPrompt } from './soft-prompt.js';
import { tinyBatch, tinyConfig } from './test-fixtures/tiny.js';

describeEachBackend('FFN activation pooling positions', () => {
  it("'first' pools sequence position 0 (a prompt row after an input-level prompt, [CLS] with deep prompts); default 'first-input' pools [CLS]", () => {
    expect(FFN_DEFAULT_POSITION).toBe('first-input');
    const encoder = new BertModel(tinyConfig, { seed: 11 });
    const probe = tinyBatch(4, 3, 5, 1);
    const P = 2;
    const input = SoftPrompt.create(encoder, { numVirtualTokens: P, seed: 1 });
    const prefix = SoftPrompt.create(encoder, { numVirtualTokens: P, seed: 2, prefix: true });
    // the encoder's own intermediates, averaged over the batch at one sequence position
    const at = (prompt: SoftPrompt, pos: number) =>
      tf.tidy(() => {
        const out = encoder.forward({
          ...probe,
          training: false,
          outputIntermediates: true,
          ...prompt.encoderInputs(),
        });
        return out.intermediates!.map((a) =>
          Array.from(tf.mean(tf.slice(a, [0, pos, 0], [-1, 1, -1]), [0, 1]).dataSync()),
        );
      });
    const close = (got: Float32Array[], want: number[][]) => {
      for (const [l, g] of got.entries())
        for (const [j, x] of g.entries()) expect(x).toBeCloseTo(want[l]![j]!, 5);
    };
    close(ffnActivations(encoder, input, probe, { position: 'first' }), at(input, 0));
    close(ffnActivations(encoder, input, probe), at(input, P));
    close(ffnActivations(encoder, prefix, probe, { position: 'first' }), at(prefix, 0));
    close(ffnActivations(encoder, prefix, probe), at(prefix, 0)); // no prompt positions: both are [CLS]
    const a = at(input, 0)[0]!;
    const b = at(input, P)[0]!;
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeGreaterThan(1e-3);
    input.dispose();
    prefix.dispose();
    encoder.dispose();
  });
});
