import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmGemmInfo } from '@selfevo/backend-wasm';
import { describeEachBackend, expectAllClose } from '@selfevo/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BackendUnavailableError, useBackend } from './index.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** f(x) = sum(softmax(gather(x, ids) · Wᵀ)²): exercises gather, transposed matMul and softmax. */
function lossFn(w: tf.Tensor2D) {
  return (x: tf.Tensor) => {
    const rows = tf.gather(x, tf.tensor1d([0, 2, 2, 1], 'int32')); // [4, 3]
    const logits = tf.matMul(rows, w, false, true); // [4, 5]
    return tf.sum(tf.square(tf.softmax(logits)));
  };
}

const X = [
  [0.1, -0.7, 1.3],
  [2.0, 0.5, -0.2],
  [-1.1, 0.9, 0.4],
];
const W = [
  [0.3, -0.1, 0.8],
  [-0.5, 0.2, 0.1],
  [1.2, 0.7, -0.9],
  [0.05, -0.6, 0.33],
  [0.4, 0.4, 0.4],
];

describeEachBackend('tf.grad through gather, transposed matMul and softmax', (backend) => {
  it('equals the cpu gradient', async () => {
    await useBackend('cpu');
    const ref = tf.tidy(() =>
      tf
        .grad(lossFn(tf.tensor2d(W)))(tf.tensor2d(X))
        .arraySync(),
    );
    await useBackend(backend);
    expect(tf.getBackend()).toBe(backend);
    const got = tf.tidy(() =>
      tf
        .grad(lossFn(tf.tensor2d(W)))(tf.tensor2d(X))
        .arraySync(),
    );
    expectAllClose(got, ref, 1e-5);
  });
});

describe('useBackend', () => {
  it("'auto' falls back to wasm in Node without tfjs-node-gpu, and says why", async () => {
    const choice = await useBackend('auto');
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toMatch(/node-gpu unavailable/);
    expect(tf.getBackend()).toBe('wasm');
    // The reason also says which GEMM the matMuls run on, and why not the native one.
    const gemm = wasmGemmInfo();
    expect(choice.reason).toContain(
      gemm.native
        ? `matMuls on the native GEMM (${gemm.isa}`
        : `matMuls on XNNPACK, not the native GEMM: ${gemm.reason}`,
    );
  });

  it("'wasm' says when the native GEMM is off and why", () => {
    const script = `import { useBackend } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
console.log(JSON.stringify(await useBackend('wasm')));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      encoding: 'utf8',
      env: { ...process.env, SELFEVO_NATIVE_GEMM: '0' },
    });
    const choice = JSON.parse(out.trim().split('\n').pop()!) as { reason: string };
    expect(choice.reason).toBe(
      'requested explicitly; matMuls on XNNPACK, not the native GEMM: SELFEVO_NATIVE_GEMM=0',
    );
  });

  it("'wasm' leaves Node's uncaught-error handling alone: an error after it starts exits 1, not emscripten's 7", () => {
    const script = `import { useBackend } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
const before = process.listenerCount('uncaughtException');
await useBackend('wasm');
console.log(JSON.stringify({ added: process.listenerCount('uncaughtException') - before }));
setTimeout(() => { throw new Error('boom after wasm'); }, 0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      encoding: 'utf8',
    });
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ added: 0 });
    expect(r.stderr).toContain('boom after wasm');
    expect(r.status, r.stderr).toBe(1);
  });

  it("'cpu' in Node prints tfjs's install-tfjs-node banner only when the native GEMM is not built", () => {
    const script = `import * as tf from ${JSON.stringify(import.meta.resolve('@tensorflow/tfjs-core'))};
import { useBackend } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
await useBackend('cpu');
tf.dispose(tf.add(tf.scalar(1), tf.scalar(2)));
console.log(JSON.stringify({ prod: tf.env().getBool('PROD') }));`;
    for (const nativeGemm of ['1', '0']) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: pkgDir,
        encoding: 'utf8',
        env: { ...process.env, SELFEVO_NATIVE_GEMM: nativeGemm },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ prod: false });
      const native = nativeGemm === '1' && wasmGemmInfo().native;
      expect(r.stderr.includes('install our node backend'), `SELFEVO_NATIVE_GEMM=${nativeGemm}`).toBe(
        !native,
      );
    }
  });

  it("'node-gpu' fails with a message naming the package to install", async () => {
    const err = await useBackend('node-gpu').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it("'webgpu' fails clearly in Node without navigator.gpu", async () => {
    const err = await useBackend('webgpu').catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/WebGPU is unavailable/);
    expect(err).not.toBeInstanceOf(BackendUnavailableError);
  });
});

describe('built packages from a plain node ESM script', () => {
  it('compute gradients on wasm equal to cpu within 1e-5', () => {
    const dir = mkdtempSync(join(tmpdir(), 'selfevo-plain-node-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // The script lives outside the repo, so resolve the packages from here explicitly.
    const core = import.meta.resolve('@tensorflow/tfjs-core');
    const backend = new URL('../dist/index.js', import.meta.url).href;
    const script = join(dir, 'grad.mjs');
    writeFileSync(
      script,
      `import * as tf from ${JSON.stringify(core)};
import { useBackend } from ${JSON.stringify(backend)};
const X = ${JSON.stringify(X)}, W = ${JSON.stringify(W)};
async function grad(b) { await useBackend(b); return tf.grad(((w) => { ${lossFnBody()} })(tf.tensor2d(W)))(tf.tensor2d(X)).arraySync(); }
const cpu = await grad('cpu'); const wasm = await grad('wasm');
let m = 0; cpu.flat().forEach((v, i) => { m = Math.max(m, Math.abs(v - wasm.flat()[i])); });
console.log(JSON.stringify({ backend: tf.getBackend(), maxDiff: m, cpu }));
`,
    );
    const out = execFileSync(process.execPath, [script], { cwd: pkgDir, encoding: 'utf8' });
    const line = out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop()!;
    const res = JSON.parse(line) as { backend: string; maxDiff: number; cpu: number[][] };
    expect(res.backend).toBe('wasm');
    expect(res.maxDiff).toBeLessThanOrEqual(1e-5);
    expect(Math.max(...res.cpu.flat().map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

function lossFnBody(): string {
  return `return (x) => { const rows = tf.gather(x, tf.tensor1d([0, 2, 2, 1], 'int32')); const logits = tf.matMul(rows, w, false, true); return tf.sum(tf.square(tf.softmax(logits))); };`;
}

describe('import order in plain node', () => {
  it('gradients work when @selfevo/backend is imported before @tensorflow/tfjs-core', () => {
    // Whichever tfjs-core copy is evaluated first creates the shared engine; if the bundled
    // gradient copy won, tensors lacked the op handler and the rank-1 gather gradient threw
    // "Cannot read properties of null (reading 'clone')".
    const dir = mkdtempSync(join(tmpdir(), 'selfevo-import-order-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'order.mjs');
    const backend = new URL('../dist/index.js', import.meta.url).href;
    const core = import.meta.resolve('@tensorflow/tfjs-core');
    writeFileSync(
      script,
      `import { useBackend } from ${JSON.stringify(backend)};
import * as tf from ${JSON.stringify(core)};
const out = {};
for (const b of ['cpu', 'wasm']) {
  await useBackend(b);
  const g = tf.grad((x) => tf.sum(tf.mul(tf.gather(x, tf.tensor1d([0, 2, 2], 'int32')), tf.tensor1d([1, 2, 3]))))(tf.tensor1d([5, 6, 7]));
  out[b] = Array.from(g.dataSync());
}
console.log(JSON.stringify(out));
`,
    );
    const out = execFileSync(process.execPath, [script], { cwd: pkgDir, encoding: 'utf8' });
    const line = out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop()!;
    expect(JSON.parse(line)).toEqual({ cpu: [1, 0, 5], wasm: [1, 0, 5] });
  });
});
