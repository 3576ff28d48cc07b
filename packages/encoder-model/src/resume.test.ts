import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeTestBackends } from '@selfevo/backend/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from './safetensors.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = join(pkgDir, 'src', 'test-fixtures', 'resume-child.mjs');
const run = (...args: string[]) =>
  execFileSync(process.execPath, [child, ...args], {
    cwd: pkgDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('resume from a checkpoint in a new process', () => {
  beforeAll(() => {
    // the children run the built package, as users do
    execFileSync(
      process.execPath,
      [join(pkgDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      { cwd: pkgDir },
    );
  });
  for (const backend of nodeTestBackends()) {
    it(`[${backend}] 20 steps straight = 10 steps, save, load in a new process, 10 more (bit-identical)`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'selfevo-resume-'));
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
