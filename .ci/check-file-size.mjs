#!/usr/bin/env node
// Fails when a source file (tests, fixtures and benches aside) grows past MAX_LINES: the
// architecture rule that every file stays short enough to read at a glance.
// Usage: node .ci/check-file-size.mjs [--max 450]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const maxAt = args.indexOf('--max');
const MAX_LINES = maxAt >= 0 ? Number(args[maxAt + 1]) : 450;
if (!Number.isInteger(MAX_LINES) || MAX_LINES <= 0) {
  console.error(`check-file-size: --max must be a positive integer, got ${args[maxAt + 1]}`);
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'vendor',
  'test-fixtures',
  'bench',
  'build',
  'runs',
  '.turbo',
]);
const SOURCE = /\.(ts|tsx|mts|js|mjs|cc|h)$/;
const NOT_SOURCE = /(\.test\.[a-z]+|\.d\.ts)$/;

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) yield* sources(path);
    } else if (SOURCE.test(name) && !NOT_SOURCE.test(name)) yield path;
  }
}

const tooLong = [];
for (const top of ['packages', 'examples']) {
  for (const pkg of readdirSync(join(root, top))) {
    const src = join(root, top, pkg, 'src');
    if (!statSync(join(root, top, pkg)).isDirectory()) continue;
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const file of sources(src)) {
      const lines = readFileSync(file, 'utf8').split('\n').length;
      if (lines > MAX_LINES) tooLong.push(`${relative(root, file)}: ${lines} lines`);
    }
  }
}
if (tooLong.length > 0) {
  console.error(`${tooLong.length} source file(s) over ${MAX_LINES} lines (split them into named units):`);
  for (const line of tooLong) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`check-file-size: every source file is at most ${MAX_LINES} lines`);
