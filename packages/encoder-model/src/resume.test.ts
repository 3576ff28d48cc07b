import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeTestBackends } from '@selfevo/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from './safetensors.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(pkgDir, '..', '..');
// Everything this test writes lives under `work` (removed afterwards): the package is built
// there, never into `dist/`, so the other packages' tests keep importing the dist they had.
const work = mkdtempSync(join(tmpdir(), 'selfevo-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// work/pkg mirrors the package layout: the child's `../../dist/index.js` is work/pkg/dist.
const pkg = join(work, 'pkg');
const child = join(pkg, 'src', 'test-fixtures', 'resume-child.mjs');
const run = (...args: string[]) =>
  execFileSync(process.execPath, [child, ...args], {
    cwd: pkg,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('resume from a checkpoint in a new process', () => {
  beforeAll(() => {
    // The children run the built package (plain Node on tsc's output), as users do.
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(
      process.execPath,
      [
        tsc,
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(pkg, 'dist'),
        '--declaration',
        'false',
        '--declarationMap',
        'false',
        '--sourceMap',
        'false',
      ],
      { cwd: pkgDir },
    );
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ type: 'module' }));
    mkdirSync(dirname(child), { recursive: true });
    copyFileSync(join(pkgDir, 'src', 'test-fixtures', 'resume-child.mjs'), child);
    // Bare imports (@selfevo/backend, @tensorflow/tfjs-core) resolve through the workspace's
    // node_modules; Node follows the link to real paths, so tfjs-core is loaded once.
    symlinkSync(join(repoRoot, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  });
  for (const backend of nodeTestBackends()) {
    it(`[${backend}] 20 steps straight = 10 steps, save, load in a new process, 10 more (bit-identical)`, () => {
      const dir = mkdtempSync(join(work, `${backend}-`));
      expect(run(backend, 'straight', join(dir, 'straight.safetensors'))).toMatch(`"backend":"${backend}"`);
      run(backend, 'first', join(dir, 'ckpt'));
      run(backend, 'second', join(dir, 'ckpt'), join(dir, 'resumed.safetensors'));
      const a = readSafetensors(readFileSync(join(dir, 'straight.safetensors')));
      const b = readSafetensors(readFileSync(join(dir, 'resumed.safetensors')));
      expect([...b.keys()]).toEqual([...a.keys()]);
      let moved = 0;
      for (const [k, t] of a) {
        expect(new Uint8Array(b.get(k)!.data.buffer), k).toEqual(new Uint8Array(t.data.buffer));
        moved += t.data.length;
      }
      expect(moved).toBeGreaterThan(1000);
    });
  }
});
