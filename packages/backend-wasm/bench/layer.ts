/** The encoder layer and helpers shared by the benches (plain tfjs ops, no selfevo model code). */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'esbuild';

export const T = 128;
export const H = 256;
export const HEADS = 4;
const D = H / HEADS;
export const FFN = 1024;

export function rand(shape: number[], seed: number, scale = 0.05): tf.Tensor {
  return tf.mul(tf.randomUniform(shape, -1, 1, 'float32', seed), scale);
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12))), gamma), beta);
}

function gelu(x: tf.Tensor): tf.Tensor {
  // tanh approximation
  // x³ as x·x·x: tf.pow with a tensor exponent also differentiates the exponent (log, where).
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(x, tf.mul(x, x)), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

function heads(x2d: tf.Tensor, B: number): tf.Tensor {
  return tf.transpose(tf.reshape(x2d, [B, T, HEADS, D]), [0, 2, 1, 3]); // [B, h, T, d]
}

const names = [
  'wq',
  'bq',
  'wk',
  'bk',
  'wv',
  'bv',
  'wo',
  'bo',
  'g1',
  'b1n',
  'w1',
  'b1',
  'w2',
  'b2',
  'g2',
  'b2n',
];

export function makeParams(): tf.Tensor[] {
  const shapes: Record<string, number[]> = {
    wq: [H, H],
    wk: [H, H],
    wv: [H, H],
    wo: [H, H],
    w1: [H, FFN],
    w2: [FFN, H],
    bq: [H],
    bk: [H],
    bv: [H],
    bo: [H],
    b1: [FFN],
    b2: [H],
    b1n: [H],
    b2n: [H],
  };
  return names.map((n, i) => {
    if (n === 'g1' || n === 'g2') return tf.ones([H]);
    return rand(shapes[n], 100 + i);
  });
}

/** Output of one encoder layer (post-LN, BERT style) on x [B, T, H] with a padding mask. */
export function layerOutput(x: tf.Tensor, maskBias: tf.Tensor, p: tf.Tensor[]): tf.Tensor {
  const B = x.shape[0];
  const [wq, bq, wk, bk, wv, bv, wo, bo, g1, b1n, w1, b1, w2, b2, g2, b2n] = p;
  const x2 = tf.reshape(x, [B * T, H]);
  const q = heads(tf.add(tf.matMul(x2, wq), bq), B);
  const k = heads(tf.add(tf.matMul(x2, wk), bk), B);
  const v = heads(tf.add(tf.matMul(x2, wv), bv), B);
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), maskBias); // [B,h,T,T]
  const ctx = tf.matMul(tf.softmax(scores), v); // [B,h,T,d]
  const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B * T, H]);
  const h1 = layerNorm(tf.add(x2, tf.add(tf.matMul(merged, wo), bo)), g1, b1n);
  const ff = tf.add(tf.matMul(gelu(tf.add(tf.matMul(h1, w1), b1)), w2), b2);
  return tf.reshape(layerNorm(tf.add(h1, ff), g2, b2n), [B, T, H]);
}

/** A scalar loss on the layer's output, for forward+backward steps. */
export function layerLoss(x: tf.Tensor, maskBias: tf.Tensor, p: tf.Tensor[]): tf.Scalar {
  return tf.mean(tf.square(layerOutput(x, maskBias, p)));
}

/** Additive attention mask [B, 1, 1, T]: the last `pad` positions of every sequence are padding. */
export function paddingMask(B: number, pad: number): tf.Tensor {
  return tf.tidy(() => tf.concat([tf.zeros([B, 1, 1, T - pad]), tf.fill([B, 1, 1, pad], -1e9)], 3));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Register tfjs-core's gradients. Its `dist/register_all_gradients.js` uses extensionless imports
 * plain Node ESM cannot load, so bundle it in memory (as @selfevo/backend does at build time; this
 * package cannot depend on @selfevo/backend, which depends on it). The registry is global.
 */
export async function registerGradients(): Promise<void> {
  const require = createRequire(import.meta.url);
  const coreDir = join(require.resolve('@tensorflow/tfjs-core/package.json'), '..');
  const res = await build({
    entryPoints: [join(coreDir, 'dist', 'register_all_gradients.js')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'warning',
  });
  const code = Buffer.from(res.outputFiles[0].contents).toString('base64');
  await import(`data:text/javascript;base64,${code}`);
}
