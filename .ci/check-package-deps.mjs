#!/usr/bin/env node
// Every bare import in a package's runtime source is declared in that package's package.json
// (dependencies, peerDependencies or optionalDependencies), so the package works when installed
// alone; and the layering rules hold at the package.json level too (the import-level rules are in
// .dependency-cruiser.cjs). Tests, fixtures, benches and scripts may use devDependencies.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const NOT_RUNTIME = /(\.test\.ts$|\.d\.ts$|\/test-fixtures\/|\/bench\/|\/test\/|\/scripts\/|\/vendor\/)/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\brequire\s*\(\s*)['"]([a-z@][\w@./-]*)['"]/gm;
const builtins = new Set(builtinModules);

/** Packages a runtime file of each package must never depend on (layering at install level). */
const FORBIDDEN = {
  '@selfevo/trainer':
    /^(@selfevo\/(tokenizer|superglue-.*|mlm-pretraining|training-plots|backend.*)|vega.*|@resvg\/.*)$/,
  '@selfevo/superglue-eval':
    /^(@selfevo\/(tokenizer|encoder-model|superglue-datasets|trainer|backend.*)|@tensorflow\/.*)$/,
};
const LIBRARY_FORBIDDEN =
  /^(@selfevo\/backend(-.*)?|@tensorflow\/tfjs-backend-.*|@tensorflow\/tfjs-node.*|@tensorflow\/tfjs)$/;
const NOT_LIBRARIES = /^@selfevo\/(backend.*|native-gemm|examples|test-utils)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') yield* files(path);
    } else if (/\.(ts|mts|js|mjs)$/.test(name)) yield path;
  }
}

/** '@scope/name/sub' → '@scope/name'; 'name/sub' → 'name'. */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

const problems = [];
for (const pkgDir of readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d))) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const declared = new Set(
    ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) =>
      Object.keys(manifest[k] ?? {}),
    ),
  );
  declared.add(manifest.name);
  const src = join(pkgDir, 'src');
  try {
    statSync(src);
  } catch {
    continue;
  }
  for (const file of files(src)) {
    const rel = relative(root, file);
    if (NOT_RUNTIME.test(rel)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1];
      if (spec.startsWith('node:') || builtins.has(spec)) continue;
      const dep = packageOf(spec);
      if (!declared.has(dep))
        problems.push(`${rel}: imports '${spec}' but ${manifest.name} does not declare ${dep}`);
      if (FORBIDDEN[manifest.name]?.test(dep))
        problems.push(`${rel}: ${manifest.name} must not depend on ${dep}`);
      if (!NOT_LIBRARIES.test(manifest.name) && LIBRARY_FORBIDDEN.test(dep))
        problems.push(`${rel}: library ${manifest.name} must not import a backend (${dep})`);
    }
  }
  for (const dep of Object.keys(manifest.dependencies ?? {}))
    if (FORBIDDEN[manifest.name]?.test(dep))
      problems.push(`${manifest.name}/package.json: must not depend on ${dep}`);
}
if (problems.length > 0) {
  console.error(`${problems.length} package dependency problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('check-package-deps: every runtime import is declared; layering holds in package.json');
