// The release test's `version` scenario: `npm run version` (changesets, then the lockfile) on a copy
// of the workspace's manifests, with one changeset: `@selfevo/utils`, minor. It must
//   - bump @selfevo/utils a minor version and every published package that depends on it at run
//     time, directly or not, a patch version; leave everything else (private workspaces too) alone;
//   - turn every internal range onto a bumped package (dependencies, devDependencies, optional and
//     peer) into a caret range of its new version, in package.json and in package-lock.json;
//   - write a CHANGELOG.md for each bumped package (the summary; "Updated dependencies" naming each
//     bumped dependency), none for private workspaces, and consume the changeset.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const CHANGED = '@selfevo/utils';
const SUMMARY = 'Release test: a minor change.';
const RUNTIME = ['dependencies', 'optionalDependencies'];
const ALL_DEPS = [...RUNTIME, 'devDependencies', 'peerDependencies'];

/** Workspace folders (relative), from the root package.json's `workspaces` globs (`dir` or `dir/*`). */
function workspaceDirs(root) {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return workspaces
    .flatMap((g) =>
      g.endsWith('/*') ? readdirSync(join(root, g.slice(0, -2))).map((d) => `${g.slice(0, -1)}${d}`) : [g],
    )
    .filter((w) => existsSync(join(root, w, 'package.json')));
}

const bump = (version, kind) => {
  const [major, minor, patch] = version.split('.').map(Number);
  return kind === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
};

/** What the flow must produce: new versions by package name, from the manifests before it. */
function expectedVersions(before) {
  const next = new Map([[CHANGED, bump(before.get(CHANGED).version, 'minor')]]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, json] of before) {
      if (json.private || next.has(name)) continue;
      const deps = RUNTIME.flatMap((f) => Object.keys(json[f] ?? {}));
      if (deps.some((d) => next.has(d))) {
        next.set(name, bump(json.version, 'patch'));
        grew = true;
      }
    }
  }
  return next;
}

/**
 * Runs the flow in `dir` (an empty folder outside the repository) with `run(cmd, args, opts)`;
 * resolves with a one-line summary, rejects listing every way the result differs from the above.
 */
export async function versionFlow({ root, dir, run, env }) {
  const workspaces = workspaceDirs(root);
  const files = ['package.json', 'package-lock.json', '.changeset/config.json'];
  for (const f of [...files, ...workspaces.map((w) => `${w}/package.json`)]) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  const changeset = join(dir, '.changeset', 'release-test.md');
  writeFileSync(changeset, `---\n"${CHANGED}": minor\n---\n\n${SUMMARY}\n`);
  const read = (w) => JSON.parse(readFileSync(join(dir, w, 'package.json'), 'utf8'));
  const before = new Map(workspaces.map((w) => [read(w).name, read(w)]));
  const folder = new Map(workspaces.map((w) => [read(w).name, w]));

  // The repository's own `version` script; `changeset` from the repository's node_modules.
  const PATH = `${join(root, 'node_modules', '.bin')}${delimiter}${env.PATH}`;
  await run('npm', ['run', 'version'], { cwd: dir, env: { ...env, PATH } });

  const expected = expectedVersions(before);
  const after = new Map(workspaces.map((w) => [read(w).name, read(w)]));
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const problems = [];
  let ranges = 0;
  for (const [name, json] of after) {
    const old = before.get(name);
    const want = expected.get(name) ?? old.version;
    if (json.version !== want) problems.push(`${name}: version ${json.version}, expected ${want}`);
    const locked = lock.packages[folder.get(name)];
    if (locked?.version !== undefined && locked.version !== json.version)
      problems.push(`${name}: package-lock.json says ${locked.version}, package.json ${json.version}`);
    for (const field of ALL_DEPS)
      for (const [dep, range] of Object.entries(json[field] ?? {})) {
        if (!before.has(dep)) continue;
        const wantRange = expected.has(dep) ? `^${expected.get(dep)}` : old[field][dep];
        if (range !== wantRange) problems.push(`${name} ${field}: ${dep}@${range}, expected ${wantRange}`);
        else if (expected.has(dep)) ranges++;
        if (locked?.[field]?.[dep] !== range)
          problems.push(
            `${name} ${field}: package-lock.json has ${dep}@${locked?.[field]?.[dep]}, not ${range}`,
          );
      }
    const log = join(dir, folder.get(name), 'CHANGELOG.md');
    if (!expected.has(name)) {
      if (existsSync(log)) problems.push(`${name}: not bumped, yet a CHANGELOG.md was written`);
      continue;
    }
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    if (!text.includes(`## ${json.version}\n`))
      problems.push(`${name}: CHANGELOG.md has no "## ${json.version}"`);
    if (name === CHANGED && !text.includes(SUMMARY)) problems.push(`${name}: CHANGELOG.md lacks the summary`);
    for (const dep of RUNTIME.flatMap((f) => Object.keys(old[f] ?? {})))
      if (expected.has(dep) && !text.includes(`- ${dep}@${expected.get(dep)}\n`))
        problems.push(
          `${name}: CHANGELOG.md does not list the updated dependency ${dep}@${expected.get(dep)}`,
        );
  }
  if (existsSync(changeset)) problems.push('the changeset was not consumed');
  if (problems.length > 0) throw new Error(`npm run version:\n  ${problems.join('\n  ')}`);
  return `${CHANGED} ${before.get(CHANGED).version} → ${expected.get(CHANGED)}, ${expected.size - 1} dependents patch-bumped, ${ranges} internal ranges now ^new (package.json and lockfile), ${expected.size} changelogs; private workspaces untouched`;
}
