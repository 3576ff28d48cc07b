import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, onTestFinished } from 'vitest';

// An install where the addon was never compiled (npm 11 skipped the unapproved install script, or
// there was no C++ toolchain): the package still loads and its reason says what to run.
it('without a built addon, says so and names the commands that build it', () => {
  const pkg = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'selfevo-native-gemm-unbuilt-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(pkg, 'package.json'), join(dir, 'package.json'));
  cpSync(join(pkg, 'dist'), join(dir, 'dist'), { recursive: true });
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { loadNativeGemm, nativeGemmUnavailableReason } from ${JSON.stringify(join(dir, 'dist', 'index.js'))};
console.log(JSON.stringify({ loaded: loadNativeGemm() != null, reason: nativeGemmUnavailableReason() }));`,
    ],
    { encoding: 'utf8', env: { ...process.env, SELFEVO_NATIVE_GEMM: '' } },
  );
  const res = JSON.parse(out.trim()) as { loaded: boolean; reason: string };
  expect(res.loaded).toBe(false);
  expect(res.reason).toMatch(/^the native GEMM addon is not built \(/);
  expect(res.reason).toContain('npm install-scripts approve @selfevo/native-gemm');
  expect(res.reason).toContain('npm rebuild @selfevo/native-gemm');
});
