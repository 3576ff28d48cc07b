#!/usr/bin/env node
// `npm run check:publish` (after `npm run build`; `npm run release` runs it before publishing):
// packs every publishable package exactly as `npm publish` would, then checks each tarball —
//   1. contents: every `exports`/`main`/`types` target is shipped; no source maps, tests or
//      fixtures; no stale output (a dist file whose source is gone);
//   2. publint --strict (package.json against the shipped files);
//   3. @arethetypeswrong/cli: types resolve for every entry point under node10, node16 (ESM and
//      CJS) and bundler. `cjs-resolves-to-esm` is not a problem here: the packages are ESM, and
//      `require()` of them works through Node's require(esm) (Node >= 20.19, what engines says);
//   4. every entry point loads from plain Node with import() and with require();
//   5. the shipped types stand alone: every entry point's .d.ts, and each .d.ts it reaches,
//      type-checks (strict, skipLibCheck off) with no @types/node, as for a user who has none.
// Usage: node scripts/check-publish.mjs [package-folder-name ...]
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const only = new Set(process.argv.slice(2));

const packages = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .filter((d) => only.size === 0 || only.has(d))
  .map((d) => ({ dir: join(root, 'packages', d), json: readJson(join(root, 'packages', d, 'package.json')) }))
  .filter((p) => !p.json.private);

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Run a command, resolving to its exit status and combined output. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Every file path a package.json points at (exports targets, main, types, typesVersions). */
function targets(json) {
  const out = new Set();
  const walk = (v) => {
    if (typeof v === 'string') {
      if (!v.includes('*')) out.add(v.replace(/^\.\//, ''));
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(json.exports);
  walk(json.typesVersions);
  for (const f of [json.main, json.types]) if (f) walk(f);
  return [...out];
}

/** The entry-point specifiers of a package: its name plus each non-pattern subpath export. */
function entryPoints(json) {
  return Object.keys(json.exports ?? { '.': null })
    .filter((k) => !k.includes('*') && !k.endsWith('.json'))
    .map((k) => (k === '.' ? json.name : `${json.name}${k.slice(1)}`));
}

/** Problems in the file list of a tarball. */
function contentProblems(pkg, files) {
  const problems = [];
  const shipped = new Set(files);
  for (const t of targets(pkg.json))
    if (!shipped.has(t)) problems.push(`points at ${t}, which is not shipped`);
  for (const f of files) {
    if (f.endsWith('.map')) problems.push(`ships a source map (${f}) that points at unshipped sources`);
    if (/\.test\.|\/test-fixtures\//.test(f)) problems.push(`ships a test file (${f})`);
    const m = /^dist\/(.+?)(\.d\.ts|\.js)$/.exec(f);
    if (m) {
      const base = join(pkg.dir, 'src', m[1]);
      const sources = ['.ts', '.js', '.mjs', '.d.ts'].map((e) => base + e);
      if (!sources.some(existsSync))
        problems.push(`ships ${f}, but src/ has no source for it (stale build?)`);
    }
  }
  return problems;
}

/** import() and require() of every entry point, from plain Node, in one child process. */
function loadProblems(pkg) {
  const specs = entryPoints(pkg.json);
  const script = `
const { createRequire } = require('node:module');
const req = createRequire(${JSON.stringify(join(root, 'package.json'))});
(async () => {
  const bad = [];
  for (const s of ${JSON.stringify(specs)}) {
    try { await import(req.resolve(s)); } catch (e) { bad.push(s + ': import() failed: ' + String(e.message).split('\\n')[0]); }
    try { req(s); } catch (e) { bad.push(s + ': require() failed: ' + (e.code ?? '') + ' ' + String(e.message).split('\\n')[0]); }
  }
  console.log(JSON.stringify(bad));
})();`;
  const r = spawnSync(process.execPath, ['--no-warnings', '-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0)
    return [`loading the entry points crashed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`];
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Type errors of the shipped .d.ts without @types/node, by package name. One program imports every
 * entry point (types: [], so nothing is pulled in implicitly); an error is charged to the package
 * whose dist/ holds the file. Errors in third-party .d.ts are theirs (e.g. tfjs-core's `Long`,
 * from its own @types/long dependency, which `types: []` leaves out) and not reported, but a
 * program that loads @types/node at all fails every package whose .d.ts reached it.
 */
async function typeProblems(pkgs, dir) {
  mkdirSync(dir);
  // Resolution as in the workspace (its node_modules links each package to its folder).
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const specs = pkgs.flatMap((p) => entryPoints(p.json));
  writeFileSync(
    join(dir, 'entries.ts'),
    specs.map((s, i) => `import type * as e${i} from '${s}';\nexport type { e${i} };\n`).join(''),
  );
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    lib: ['es2022', 'dom'],
    module: 'node16',
    moduleResolution: 'node16',
    types: [],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['entries.ts'] }));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const { out } = await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles'], { cwd: dir });
  const byPackage = new Map(pkgs.map((p) => [p.json.name, []]));
  const owner = (file) => {
    const abs = resolve(realpathSync(dir), file);
    const p = pkgs.find((q) => abs.startsWith(join(q.dir, 'dist') + sep));
    return p?.json.name;
  };
  const lines = out.split('\n');
  for (const [i, line] of lines.entries()) {
    const m = /^(.+?)\((\d+),\d+\): error TS\d+:/.exec(line);
    if (!m) continue;
    let text = line.trim();
    for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]); j++) text += ` ${lines[j].trim()}`;
    // entries.ts has two lines per entry point.
    const name = m[1] === 'entries.ts' ? specs[Math.floor((Number(m[2]) - 1) / 2)] : owner(m[1]);
    const key = [...byPackage.keys()].find((n) => name === n || name?.startsWith(`${n}/`));
    if (key) byPackage.get(key).push(`types without @types/node: ${text}`);
  }
  if (lines.some((l) => /[\\/]@types[\\/]node[\\/]/.test(l)))
    for (const list of byPackage.values())
      list.push('types without @types/node: the type check loaded @types/node anyway (a reference to it?)');
  return byPackage;
}

async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

const tmp = mkdtempSync(join(tmpdir(), 'selfevo-check-publish-'));
let failed = 0;
try {
  // One npm process packs them all; --ignore-scripts: the build already ran (prepack would rerun it).
  const t0 = Date.now();
  const packed = spawnSync(
    'npm',
    [
      'pack',
      '--ignore-scripts',
      '--json',
      '--pack-destination',
      tmp,
      ...packages.flatMap((p) => ['-w', p.dir]),
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const infos = JSON.parse(packed.stdout);
  if (process.env.SELFEVO_TIMING) console.log(`packed in ${Date.now() - t0} ms`);
  const byName = new Map(infos.map((i) => [i.name, i]));
  const types = typeProblems(packages, join(tmp, 'types'));
  const results = await pool(packages, 2, async (pkg) => {
    const info = byName.get(pkg.json.name);
    const tgz = join(tmp, info.filename);
    const problems = contentProblems(
      pkg,
      info.files.map((f) => f.path),
    );
    const lint = await run(bin('publint'), ['run', tgz, '--strict', '--level', 'suggestion']);
    if (lint.code !== 0 || /\n\s*(Suggestions|Warnings|Errors):/.test(lint.out))
      problems.push(`publint:\n${lint.out.trim()}`);
    const attw = await run(bin('attw'), [
      tgz,
      '--no-definitely-typed',
      '--ignore-rules',
      'cjs-resolves-to-esm',
      '--format',
      'ascii',
      '--no-color',
      '--no-emoji',
    ]);
    if (attw.code !== 0) problems.push(`attw:\n${attw.out.trim()}`);
    problems.push(...loadProblems(pkg));
    return { pkg, info, problems };
  });
  const typeErrors = await types;
  for (const r of results) r.problems.push(...typeErrors.get(r.pkg.json.name));
  for (const { pkg, info, problems } of results) {
    const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
    const head = `${pkg.json.name}@${pkg.json.version}: ${info.entryCount} files, packed ${kb(info.size)}, unpacked ${kb(info.unpackedSize)}`;
    if (problems.length === 0) console.log(`ok   ${head}`);
    else {
      failed++;
      console.log(`FAIL ${head}`);
      // Many files with the same problem (a stale build) print as one line with a count.
      const groups = new Map();
      for (const p of problems) {
        const key = p.replace(/\(([^)]*)\)/, '(…)');
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
      for (const [key, list] of groups)
        console.log(
          `     - ${(list.length > 3 ? `${list.length}× ${key}, e.g. ${list[0]}` : list.join('\n     - ')).replace(/\n(?! {5}-)/g, '\n       ')}`,
        );
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`check:publish: ${failed} package(s) would publish broken`);
  process.exit(1);
}
console.log(
  `check:publish: ${packages.length} packages pack cleanly (publint strict, attw, import and require, types without @types/node)`,
);
