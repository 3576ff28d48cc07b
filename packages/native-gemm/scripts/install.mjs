// npm `install` hook: compile the addon with node-gyp. A machine without a C++ toolchain (or a
// non-x86-64 CPU) still installs: the package then reports itself unavailable and
// @selfevo/backend-wasm keeps XNNPACK's GEMM. Set SELFEVO_REQUIRE_NATIVE_GEMM=1 to make a failed
// build fail the install instead.
import { spawnSync } from 'node:child_process';

const required = process.env.SELFEVO_REQUIRE_NATIVE_GEMM === '1';
if (process.arch !== 'x64' && !required) {
  console.warn(`@selfevo/native-gemm: ${process.arch} is not x86-64; skipping the native GEMM build`);
  process.exit(0);
}
const r = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) {
  const why = r.error ? r.error.message : `node-gyp exited with ${r.status}`;
  if (required) {
    console.error(`@selfevo/native-gemm: build failed (${why}) and SELFEVO_REQUIRE_NATIVE_GEMM=1`);
    process.exit(1);
  }
  console.warn(`@selfevo/native-gemm: build failed (${why}); the wasm backend will use XNNPACK's GEMM`);
}
