// See adamw.h. A plain loop that GCC vectorizes; target_clones builds AVX-512, AVX2 and baseline
// versions and picks one at load time. One pass reads 4 arrays and writes 3 (memory-bound).
#include "adamw.h"

#include <algorithm>
#include <cmath>

#include "pool.h"

namespace selfevo {

// target_clones needs ifunc support (ELF + glibc); elsewhere the baseline build is used.
#if defined(__linux__) && defined(__GLIBC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void adamw_loop(const AdamWArgs& a) {
  const float b1 = a.beta1, b2 = a.beta2, c1 = a.one_minus_beta1, c2 = a.one_minus_beta2;
  const float step = a.step_size, inv_bc2 = 1.f / a.bc2_sqrt, eps = a.eps, decay = a.decay, gs = a.grad_scale;
  const float* __restrict p = a.p;
  const float* __restrict g = a.g;
  const float* __restrict m = a.m;
  const float* __restrict v = a.v;
  float* __restrict po = a.p_out;
  float* __restrict mo = a.m_out;
  float* __restrict vo = a.v_out;
  for (int64_t i = 0; i < a.n; i++) {
    const float gi = g[i] * gs;  // exact when gs is 1
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * gi * gi;
    mo[i] = mi;
    vo[i] = vi;
    po[i] = decay * p[i] - step * mi / (std::sqrt(vi) * inv_bc2 + eps);
  }
}

void adamw(const AdamWArgs& a, int threads) {
  // Blocks of 64 Ki parameters over the pool's threads (element-wise: the split changes nothing).
  constexpr int64_t kBlock = 1 << 16;
  parallel_for(threads, (a.n + kBlock - 1) / kBlock, [&a](int64_t b) {
    AdamWArgs part = a;
    const int64_t lo = b * kBlock, hi = std::min(a.n, lo + kBlock);
    part.p += lo;
    part.g += lo;
    part.m += lo;
    part.v += lo;
    part.p_out += lo;
    part.m_out += lo;
    part.v_out += lo;
    part.n = hi - lo;
    adamw_loop(part);
  });
}

}  // namespace selfevo
