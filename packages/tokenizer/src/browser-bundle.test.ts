import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Packages that only work in Node (they pull in `events`, `readline`, `fs`, ...). */
const NODE_ONLY_PACKAGES = ['cli-progress', '@selfevo/utils/node'];

/**
 * Bundle `entry` as `npx esbuild <entry> --bundle --platform=browser --format=esm` does, with Node
 * built-ins left external so that the metafile shows them instead of the build failing on the first.
 */
async function bundleForBrowser(entry: { path: string } | { contents: string }) {
  const result = await build({
    ...('path' in entry
      ? { entryPoints: [entry.path] }
      : { stdin: { contents: entry.contents, resolveDir: SRC, loader: 'ts' as const } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['@tensorflow/*', ...NODE_BUILTINS],
  });
  return result.metafile;
}

/** Node built-ins and node-only packages the bundle imports or contains. */
function nodeOnlyImports(meta: Metafile): string[] {
  const found = new Set<string>();
  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const imp of input.imports) if (NODE_BUILTINS.has(imp.path)) found.add(`${file} → ${imp.path}`);
    if (NODE_ONLY_PACKAGES.some((p) => file.includes(`node_modules/${p}/`))) found.add(file);
  }
  return [...found];
}

describe('browser bundle of the main entry', () => {
  it('src/index.ts bundles for platform=browser with no Node built-in and no node-only module', async () => {
    const meta = await bundleForBrowser({ path: join(SRC, 'index.ts') });
    expect(nodeOnlyImports(meta)).toEqual([]);
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((f) => f.endsWith('tokenizer.ts'))).toBe(true);
    // the node entry (files, streams, progress bar) is reached only through a variable specifier
    expect(inputs.filter((f) => f.includes('/node/'))).toEqual([]);
  });

  it('the check sees a static Node import (it would fail if someone added one)', async () => {
    const meta = await bundleForBrowser({
      contents:
        "import { readFile } from 'node:fs/promises';\nexport * from './index.js';\nexport { readFile };",
    });
    expect(nodeOnlyImports(meta)).toEqual(['<stdin> → node:fs/promises']);
    const viaNodeEntry = await bundleForBrowser({ contents: "export * from './node/index.js';" });
    expect(nodeOnlyImports(viaNodeEntry).length).toBeGreaterThan(0);
  });
});
