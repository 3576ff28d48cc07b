// Mutation testing, one package at a time (StrykerJS, each package's own vitest suite):
//   node scripts/mutate.mjs [--ci] [package…]
// Without --ci: every target file of every package in stryker.base.mjs (or of the packages
// named), HTML reports in reports/mutation/<package>/index.html. With --ci: only the packages'
// CI slices, each failing below its `break` threshold. Prints each package's score and wall time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS } from '../stryker.base.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const ci = args.includes('--ci');
const named = args.filter((a) => !a.startsWith('--'));
for (const p of named) if (!TARGETS[p]) throw new Error(`mutate: no mutation target for package '${p}'`);
const packages = (named.length ? named : Object.keys(TARGETS)).filter((p) => !ci || TARGETS[p].ci);

/** Stryker's mutation score from its JSON report: detected / (detected + undetected), in %. */
function score(reportFile) {
  if (!existsSync(reportFile)) return null;
  const counts = {};
  for (const file of Object.values(JSON.parse(readFileSync(reportFile, 'utf8')).files))
    for (const m of file.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return { score: (100 * detected) / Math.max(1, detected + undetected), counts };
}

const rows = [];
let failed = 0;
for (const pkg of packages) {
  const t0 = Date.now();
  const r = spawnSync('npx', ['stryker', 'run'], {
    cwd: join(root, 'packages', pkg),
    stdio: 'inherit',
    env: { ...process.env, SELFEVO_MUTATE_CI: ci ? '1' : '0' },
  });
  const seconds = Math.round((Date.now() - t0) / 1000);
  const s = score(join(root, 'reports', 'mutation', ci ? `${pkg}-ci` : pkg, 'mutation.json'));
  if (r.status !== 0) failed++;
  rows.push(
    `${pkg.padEnd(24)} ${s ? `${s.score.toFixed(2).padStart(6)}%` : '     —'}  ${String(seconds).padStart(5)} s` +
      `${s ? `  ${JSON.stringify(s.counts)}` : ''}${r.status !== 0 ? `  (exit ${r.status})` : ''}`,
  );
}
console.log(`\nmutation scores${ci ? ' (CI slices)' : ''}:\n${rows.join('\n')}`);
process.exit(failed ? 1 : 0);
