#!/usr/bin/env node
// Every library package's browser entry bundles for a browser (esbuild, platform=browser,
// format=esm, minified) without a single Node built-in, and stays within its size budget.
//
// What is bundled: `export * from '<package>'` resolved with the browser conditions
// (browser, import, default), i.e. everything a web app gets from the package's main entry.
// Peer dependencies (tfjs-core) stay external: an app ships them once; their own row checks
// them. The budgets (gzip kB) live in the root README's "Browser bundles" table, so the
// document and the check cannot drift apart.
//
// Usage: node .ci/check-browser-bundles.mjs [--root DIR] [--no-budget]
// Exit 1 naming the package and the import chain that reaches a Node built-in, or the package
// over budget.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** Packages that stay Node-only, with the reason (also in the README). */
export const NODE_ONLY = {
  '@selfevo/backend-node-gpu': 'wraps @tensorflow/tfjs-node-gpu (native libtensorflow)',
  '@selfevo/native-gemm': 'a native Node addon (node-gyp)',
  '@selfevo/mlm-pretraining': 'its job is files: corpus packing from disk, checkpoints, logs',
  '@selfevo/training-plots': 'renders PNG with @resvg/resvg-js (a native addon) and writes files',
  '@selfevo/superglue-finetuning':
    'a recipe whose job is files (run folders, reports, plots through training-plots, submissions); ' +
    'in a browser, build the task model from encoder-model, smooth-label-loss and trainer (examples/browser)',
  '@selfevo/examples': 'the Node pipeline example',
};

/**
 * Third-party files whose Node built-in imports never run in a browser (left external, not
 * reported): [importer path pattern, built-in, why].
 */
const UPSTREAM_GUARDED = [
  // Emscripten glue of tfjs-backend-wasm: `require('fs'|'path'|...)` only inside ENVIRONMENT_IS_NODE.
  ...['fs', 'path', 'worker_threads', 'perf_hooks', 'os'].map((b) => [
    /node_modules\/@tensorflow\/tfjs-backend-wasm\/wasm-out\/[^/]+\.js$/,
    b,
  ]),
];

/** Extra rows: peers that every browser app ships once (checked, not attributed to a package). */
const PEERS = ['@tensorflow/tfjs-core'];

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec) =>
  spec.startsWith('node:') || builtins.has(spec.split('/')[0]) || builtins.has(spec);

/**
 * Bundles one module specifier for the browser. Returns sizes and the Node built-ins it reaches,
 * each with the import chain from the entry.
 * @param {string} spec package name (or path) to bundle
 * @param {{ resolveDir: string, external?: string[] }} opts
 */
export async function bundleForBrowser(spec, { resolveDir, external = [] }) {
  /** @type {{ builtin: string, importer: string }[]} */
  const hits = [];
  const nodeBuiltins = {
    name: 'node-builtins',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (!isBuiltin(args.path) || args.pluginData === 'probe') return undefined;
        const probe = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'probe',
        });
        // A package's `browser` field may map the built-in away (`"fs": false`): then it is fine.
        if (probe.errors.length === 0 && probe.namespace !== 'file') return undefined;
        if (UPSTREAM_GUARDED.some(([file, b]) => file.test(args.importer) && b === args.path)) {
          return { path: args.path, external: true };
        }
        hits.push({ builtin: args.path, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
  const result = await esbuild.build({
    stdin: { contents: `export * from ${JSON.stringify(spec)};`, resolveDir, loader: 'js' },
    absWorkingDir: resolveDir,
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    external,
    plugins: [nodeBuiltins],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0].contents;
  const inputs = result.metafile.inputs;
  const chains = hits.map((h) => ({
    builtin: h.builtin,
    chain: [...chainTo(inputs, relative(resolveDir, h.importer)), h.builtin],
  }));
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, nodeBuiltins: chains };
}

/** Shortest import chain in an esbuild metafile from the stdin entry to `target`. */
function chainTo(inputs, target) {
  const start = '<stdin>';
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift();
    if (at === target) break;
    for (const imp of inputs[at]?.imports ?? []) {
      if (imp.external || prev.has(imp.path)) continue;
      prev.set(imp.path, at);
      queue.push(imp.path);
    }
  }
  if (!prev.has(target)) return [target];
  const chain = [];
  for (let at = target; at !== null && at !== start; at = prev.get(at)) chain.unshift(at);
  return chain.map(shorten);
}

/** node_modules/@selfevo/x/dist/a.js → @selfevo/x/dist/a.js; other paths unchanged. */
const shorten = (p) => p.replace(/^(\.\.\/)*(.*\/)?node_modules\//, '');

/** Budgets from the README's "Browser bundles" table: package → gzip kB. */
export function readBudgets(readme) {
  const section = readme.split(/^## Browser bundles\s*$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Browser bundles" section with the budget table');
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const header = lines[0]?.split('|').map((c) => c.trim().toLowerCase());
  const col = header?.findIndex((c) => c.startsWith('budget'));
  if (!header || col === undefined || col < 0)
    throw new Error('Browser bundles table has no "budget" column');
  const budgets = new Map();
  for (const line of lines.slice(2)) {
    const cells = line.split('|').map((c) => c.trim());
    const name = cells[1]?.replace(/[`[\]]/g, '').replace(/\(.*\)$/, '');
    const kb = Number.parseFloat(cells[col]);
    if (name && Number.isFinite(kb)) budgets.set(name, kb);
  }
  return budgets;
}

/** The packages to check: every published package under packages/ (not private) not in NODE_ONLY. */
export function libraryPackages(root) {
  return readdirSync(join(root, 'packages'))
    .map((d) => JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')))
    .filter((m) => !m.private && !(m.name in NODE_ONLY))
    .map((m) => ({ name: m.name, external: Object.keys(m.peerDependencies ?? {}) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Checks the packages; returns the table rows and the problems (empty when all is well).
 * @param {{ root: string, packages: { name: string, external: string[] }[], budgets?: Map<string, number> }} o
 */
export async function checkBundles({ root, packages, budgets }) {
  const rows = [];
  const problems = [];
  for (const { name, external } of packages) {
    let r;
    try {
      r = await bundleForBrowser(name, { resolveDir: root, external });
    } catch (e) {
      const msg = (e.errors ?? [{ text: String(e) }]).map((x) => x.text).join('; ');
      problems.push(`${name}: does not bundle for the browser: ${msg}`);
      continue;
    }
    const budget = budgets?.get(name);
    rows.push({ name, ...r, budget });
    // One line per importing file: its built-ins and the import chain that reaches it.
    const byImporter = new Map();
    for (const hit of r.nodeBuiltins) {
      const via = hit.chain.slice(0, -1);
      const key = via.join(' → ');
      byImporter.set(key, [...(byImporter.get(key) ?? []), hit.builtin]);
    }
    for (const [via, names] of byImporter) {
      problems.push(
        `${name}: Node built-in ${[...new Set(names)].map((n) => `'${n}'`).join(', ')} imported via ${via}`,
      );
    }
    if (budgets && budget === undefined) problems.push(`${name}: no size budget in README "Browser bundles"`);
    if (budget !== undefined && r.gzip / 1000 > budget) {
      problems.push(`${name}: ${(r.gzip / 1000).toFixed(1)} kB gzip is over its budget of ${budget} kB`);
    }
  }
  return { rows, problems };
}

/** Markdown table of the results (what the README's table shows). */
export function formatTable(rows) {
  const kb = (n) => (n / 1000).toFixed(1);
  const out = ['| package | minified kB | gzip kB | budget (gzip kB) |', '| --- | ---: | ---: | ---: |'];
  for (const r of rows)
    out.push(`| \`${r.name}\` | ${kb(r.minified)} | ${kb(r.gzip)} | ${r.budget ?? '—'} |`);
  return out.join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const root = args.includes('--root') ? args[args.indexOf('--root') + 1] : join(import.meta.dirname, '..');
  const budgets = args.includes('--no-budget')
    ? undefined
    : readBudgets(readFileSync(join(root, 'README.md'), 'utf8'));
  const packages = [...libraryPackages(root), ...PEERS.map((name) => ({ name, external: [] }))];
  const { rows, problems } = await checkBundles({ root, packages, budgets });
  console.log(formatTable(rows));
  console.log(
    `\nNode-only (not bundled): ${Object.entries(NODE_ONLY)
      .map(([n, why]) => `${n} (${why})`)
      .join('; ')}`,
  );
  if (problems.length > 0) {
    console.error(`\ncheck-browser-bundles: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('\ncheck-browser-bundles: every browser entry bundles without Node built-ins, within budget');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
