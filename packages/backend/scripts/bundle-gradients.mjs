// Bundles tfjs-core's gradient registrations into one self-contained ESM file.
//
// Why: `@tensorflow/tfjs-core` registers no gradients by itself, and its
// `dist/register_all_gradients.js` uses extensionless imports that plain Node ESM
// cannot load. The bundle shares tfjs-core's global engine and gradient registry
// (both live on globalThis), so registering from it works for every copy of tfjs-core.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const coreDir = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const entry = join(coreDir, 'dist', 'register_all_gradients.js');

for (const outDir of [join(here, '..', 'src', 'vendor'), join(here, '..', 'dist', 'vendor')]) {
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'tfjs-gradients.js');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    outfile: `${out}.tmp`,
    legalComments: 'none',
    // Evaluate the real tfjs-core before the bundled copy: whichever copy runs first creates the
    // shared engine (globalThis._tfengine), and its Tensor class must be the real one, with the op
    // handler that `clone()` and friends need. The bundle has no other imports.
    banner: { js: "import '@tensorflow/tfjs-core';" },
    logLevel: 'warning',
  });
  // Replace the files only when their content changes: `pretest` runs this too, and a test run
  // must leave the tree as it found it (.ci/check-clean.sh).
  if (existsSync(out) && readFileSync(out).equals(readFileSync(`${out}.tmp`))) rmSync(`${out}.tmp`);
  else renameSync(`${out}.tmp`, out);
  const types = join(outDir, 'tfjs-gradients.d.ts');
  if (!existsSync(types) || readFileSync(types, 'utf8') !== 'export {};\n')
    writeFileSync(types, 'export {};\n');
}
