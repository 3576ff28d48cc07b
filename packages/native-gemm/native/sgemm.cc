// See sgemm.h. Loop order and names follow BLIS (jc → pc → ic → jr → ir): a kc×nc block of B is
// packed once and stays in L3/L2, an mc×kc block of A is packed into L2, and the micro-kernel
// keeps an MR×NR tile of C in registers while streaming one MR-row panel of A and one NR-column
// panel of B (the B panel stays in L1 across the ir loop).
#include "sgemm.h"

#include "pool.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace selfevo {

Isa detect_isa() {
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  // SELFEVO_GEMM_ISA=avx2 selects the AVX2 kernels on an AVX-512 CPU (to test them there).
  const char* want = std::getenv("SELFEVO_GEMM_ISA");
  if (want != nullptr && std::strcmp(want, "avx2") == 0 && avx2) return Isa::Avx2;
  if (__builtin_cpu_supports("avx512f")) return Isa::Avx512;
  if (avx2) return Isa::Avx2;
  return Isa::None;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2+fma";
    default: return "none";
  }
}

namespace {

// ---- micro-kernels: C[MR×NR] (+)= Apanel[kc×MR]ᵀ · Bpanel[kc×NR] --------------------------------

struct Avx512 {
  // KC = 512: an encoder's K of 256 or 512 in one pass over C; MC = 96 keeps the A block at 192 KiB.
  // Tuned on a 2-core Xeon (48 KiB L1d, 2 MiB L2 per core) over the training step's shapes:
  // 2-thread GFLOP/s of the set 238 → 270 against KC 256 / MC 192 (the 1024³ peak unchanged).
  static constexpr int MR = 12, NR = 32, KC = 512, MC = 96, NC = 2048;
  __attribute__((target("avx512f"))) static void kernel(int64_t kc, const float* __restrict ap,
                                                         const float* __restrict bp, float* c,
                                                         int64_t ldc, bool accumulate, const float* bias) {
    __m512 acc[MR][2];
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int64_t p = 0; p < kc; p++) {
      const __m512 b0 = _mm512_load_ps(bp);
      const __m512 b1 = _mm512_load_ps(bp + 16);
#pragma GCC unroll 12
      for (int i = 0; i < MR; i++) {
        const __m512 a = _mm512_set1_ps(ap[i]);
        acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
        acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
      }
      ap += MR;
      bp += NR;
    }
    const __m512 bias0 = bias != nullptr ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
    const __m512 bias1 = bias != nullptr ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      float* row = c + i * ldc;
      if (accumulate) {
        acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_loadu_ps(row));
        acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_loadu_ps(row + 16));
      }
      if (bias != nullptr) {
        acc[i][0] = _mm512_add_ps(acc[i][0], bias0);
        acc[i][1] = _mm512_add_ps(acc[i][1], bias1);
      }
      _mm512_storeu_ps(row, acc[i][0]);
      _mm512_storeu_ps(row + 16, acc[i][1]);
    }
  }
};

struct Avx2 {
  static constexpr int MR = 6, NR = 16, KC = 256, MC = 144, NC = 2048;
  __attribute__((target("avx2,fma"))) static void kernel(int64_t kc, const float* __restrict ap,
                                                         const float* __restrict bp, float* c,
                                                         int64_t ldc, bool accumulate, const float* bias) {
    __m256 acc[MR][2];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    for (int64_t p = 0; p < kc; p++) {
      const __m256 b0 = _mm256_load_ps(bp);
      const __m256 b1 = _mm256_load_ps(bp + 8);
#pragma GCC unroll 6
      for (int i = 0; i < MR; i++) {
        const __m256 a = _mm256_broadcast_ss(ap + i);
        acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
      }
      ap += MR;
      bp += NR;
    }
    const __m256 bias0 = bias != nullptr ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    const __m256 bias1 = bias != nullptr ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      float* row = c + i * ldc;
      if (accumulate) {
        acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row));
        acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8));
      }
      if (bias != nullptr) {
        acc[i][0] = _mm256_add_ps(acc[i][0], bias0);
        acc[i][1] = _mm256_add_ps(acc[i][1], bias1);
      }
      _mm256_storeu_ps(row, acc[i][0]);
      _mm256_storeu_ps(row + 8, acc[i][1]);
    }
  }
};

// ---- packing ----------------------------------------------------------------------------------

/** op(A)[i0:i0+mc, p0:p0+kc] → panels of MR rows, each kc×MR (ap[p·MR + i]); rows past m are 0. */
template <int MR>
void pack_a(const GemmArgs& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* ap) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    const int64_t rows = std::min<int64_t>(MR, mc - ir);
    float* dst = ap + ir * kc;
    if (g.trans_a) {  // op(A)(i, p) = a[p·lda + i]: contiguous in i
      for (int64_t p = 0; p < kc; p++) {
        const float* src = g.a + (p0 + p) * g.lda + i0 + ir;
        float* d = dst + p * MR;
        for (int64_t i = 0; i < rows; i++) d[i] = src[i];
        for (int64_t i = rows; i < MR; i++) d[i] = 0.f;
      }
    } else {  // op(A)(i, p) = a[i·lda + p]: contiguous in p
      // p outer: the panel is written in order; the MR source rows stay in L1 across 16 p's
      const float* src = g.a + (i0 + ir) * g.lda + p0;
      for (int64_t p = 0; p < kc; p++) {
        float* d = dst + p * MR;
        for (int64_t i = 0; i < rows; i++) d[i] = src[i * g.lda + p];
        for (int64_t i = rows; i < MR; i++) d[i] = 0.f;
      }
    }
  }
}

/** op(B)[p0:p0+kc, j0:j0+nc] → panels of NR columns, each kc×NR (bp[p·NR + j]); columns past n are 0. */
template <int NR>
void pack_b(const GemmArgs& g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* bp) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int64_t cols = std::min<int64_t>(NR, nc - jr);
    float* dst = bp + jr * kc;
    if (g.trans_b) {  // op(B)(p, j) = b[j·ldb + p]: contiguous in p
      // p outer: the panel is written in order; the NR source rows stay in L1 across 16 p's
      const float* src = g.b + (j0 + jr) * g.ldb + p0;
      for (int64_t p = 0; p < kc; p++) {
        float* d = dst + p * NR;
        for (int64_t j = 0; j < cols; j++) d[j] = src[j * g.ldb + p];
        for (int64_t j = cols; j < NR; j++) d[j] = 0.f;
      }
    } else {  // op(B)(p, j) = b[p·ldb + j]: contiguous in j
      for (int64_t p = 0; p < kc; p++) {
        const float* src = g.b + (p0 + p) * g.ldb + j0 + jr;
        float* d = dst + p * NR;
        std::memcpy(d, src, cols * sizeof(float));
        for (int64_t j = cols; j < NR; j++) d[j] = 0.f;
      }
    }
  }
}

/** 64-byte aligned scratch that grows and is reused (one per thread). */
struct Scratch {
  std::vector<float> buf;
  float* get(size_t n) {
    if (buf.size() < n + 16) buf.resize(n + 16);
    auto p = reinterpret_cast<uintptr_t>(buf.data());
    return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
  }
};

/** C[m0:m1, n0:n1] of the product, for one thread. */
template <class K>
void gemm_block(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  constexpr int MR = K::MR, NR = K::NR;
  thread_local Scratch sa, sb;
  alignas(64) float edge[MR * NR];
  for (int64_t jc = n0; jc < n1; jc += K::NC) {
    const int64_t nc = std::min<int64_t>(K::NC, n1 - jc);
    const int64_t ncPadded = (nc + NR - 1) / NR * NR;
    for (int64_t pc = 0; pc < g.k; pc += K::KC) {
      const int64_t kc = std::min<int64_t>(K::KC, g.k - pc);
      float* bp = sb.get(ncPadded * kc);
      pack_b<NR>(g, pc, kc, jc, nc, bp);
      const bool accumulate = pc > 0;
      const bool last = pc + kc >= g.k;  // the bias is added as the last K block is stored
      for (int64_t ic = m0; ic < m1; ic += K::MC) {
        const int64_t mc = std::min<int64_t>(K::MC, m1 - ic);
        const int64_t mcPadded = (mc + MR - 1) / MR * MR;
        float* ap = sa.get(mcPadded * kc);
        pack_a<MR>(g, ic, mc, pc, kc, ap);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t cols = std::min<int64_t>(NR, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t rows = std::min<int64_t>(MR, mc - ir);
            float* c = g.c + (ic + ir) * g.ldc + jc + jr;
            const float* bias = last && g.bias != nullptr ? g.bias + jc + jr : nullptr;
            if (rows == MR && cols == NR) {
              K::kernel(kc, ap + ir * kc, bp + jr * kc, c, g.ldc, accumulate, bias);
            } else {
              K::kernel(kc, ap + ir * kc, bp + jr * kc, edge, NR, false, nullptr);
              for (int64_t i = 0; i < rows; i++)
                for (int64_t j = 0; j < cols; j++) {
                  float v = accumulate ? c[i * g.ldc + j] + edge[i * NR + j] : edge[i * NR + j];
                  if (bias != nullptr) v += bias[j];
                  c[i * g.ldc + j] = v;
                }
            }
          }
        }
      }
    }
  }
  // Epilogue: ReLU (the bias was added as the last K block was stored).
  if (g.relu) {
    for (int64_t i = m0; i < m1; i++) {
      float* row = g.c + i * g.ldc;
      for (int64_t j = n0; j < n1; j++) row[j] = row[j] > 0.f ? row[j] : 0.f;
    }
  }
}

template <class K>
void gemm_threads(const GemmArgs& g, int threads) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {
    for (int64_t i = 0; i < g.m; i++) std::fill(g.c + i * g.ldc, g.c + i * g.ldc + g.n, 0.f);
    if (g.bias != nullptr || g.relu) {  // bias / ReLU on the zero product
      for (int64_t i = 0; i < g.m; i++)
        for (int64_t j = 0; j < g.n; j++) {
          float v = g.bias != nullptr ? g.bias[j] : 0.f;
          g.c[i * g.ldc + j] = g.relu && v < 0.f ? 0.f : v;
        }
    }
    return;
  }
  // Small products, or one thread asked for: no threads.
  const double work = double(g.m) * double(g.n) * double(g.k);
  if (threads <= 1 || work < kThreadedGemmWork) {
    gemm_block<K>(g, 0, g.m, 0, g.n);
    return;
  }
  // Split the larger of the two output dims into `threads` parts aligned to the tile size (each
  // thread then packs only its share of the other operand's panels); each thread writes a
  // disjoint part of C with the same arithmetic, so results do not depend on timing or threads.
  const bool splitN = g.n >= g.m;
  const int64_t extent = splitN ? g.n : g.m;
  const int64_t align = splitN ? K::NR : K::MR;
  const int64_t units = (extent + align - 1) / align;
  const int t = int(std::min<int64_t>(threads, units));
  parallel_for(t, t, [&](int64_t w) {
    const int64_t u0 = units * w / t, u1 = units * (w + 1) / t;
    const int64_t lo = std::min(extent, u0 * align), hi = std::min(extent, u1 * align);
    if (lo >= hi) return;
    if (splitN) gemm_block<K>(g, 0, g.m, lo, hi);
    else gemm_block<K>(g, lo, hi, 0, g.n);
  });
}

}  // namespace

void sgemm(Isa isa, const GemmArgs& g, int threads) {
  if (isa == Isa::Avx512) gemm_threads<Avx512>(g, threads);
  else gemm_threads<Avx2>(g, threads);
}

}  // namespace selfevo
