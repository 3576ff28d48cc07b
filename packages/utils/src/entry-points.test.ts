import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));

/** The relative modules `file` imports (static or dynamic, type imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

describe('entry points', () => {
  it('the main entry is browser-safe: nothing it reaches imports a Node built-in or cli-progress', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('node:') || spec === 'cli-progress', `${file} imports ${spec}`).toBe(false);
        if (spec.startsWith('.')) visit(join(file, '..', spec.replace(/\.js$/, '.ts')));
      }
    };
    visit(join(src, 'index.ts'));
    expect(seen.size).toBeGreaterThan(2);
    expect([...seen].some((f) => f.includes('/node/'))).toBe(false);
  });

  it('every non-test module under src/ is reachable from an entry point', async () => {
    const main = await import('./index.js');
    const node = await import('./node/index.js');
    expect(Object.keys(main).sort()).toEqual([
      'FETCH_DEFAULTS',
      'FUSED_KERNELS_FLAG',
      'FetchError',
      'FetchOptionError',
      'SeededRandom',
      'SelfevoError',
      'ShapeMismatchError',
      'fetchWithRetry',
      'fusedKernelsEnabled',
      'parseRetryAfter',
      'retryDelayMs',
      'showValue',
    ]);
    expect(Object.keys(node).sort()).toEqual([
      'createProgress',
      'fsyncDir',
      'fsyncTree',
      'resolveAtomicDir',
      'resolveProgressMode',
      'tempSibling',
      'writeDirAtomic',
      'writeFileAtomic',
    ]);
    const modules = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    expect(modules.sort()).toEqual([
      'fetch-with-retry.ts',
      'fused-kernels-flag.ts',
      'index.ts',
      'node/fsync.ts',
      'node/index.ts',
      'node/progress.ts',
      'node/write-dir-atomic.ts',
      'node/write-file-atomic.ts',
      'seeded-random.ts',
      'selfevo-error.ts',
      'show-value.ts',
    ]);
  });
});
