// Single-precision GEMM for x86-64: C = op(A)·op(B) (+ bias per column) (then ReLU), row-major.
// BLIS-style blocking (pack B into kc×NR panels and A into MR×kc panels, then a register-tiled
// micro-kernel) with AVX-512 and AVX2+FMA micro-kernels picked at run time.
#pragma once
#include <cstdint>

namespace selfevo {

enum class Isa { None = 0, Avx2 = 1, Avx512 = 2 };

/** The best instruction set this CPU supports for the micro-kernels (None: use something else). */
Isa detect_isa();
const char* isa_name(Isa isa);

struct GemmArgs {
  int64_t m, n, k;           // op(A) is [m, k], op(B) is [k, n], C is [m, n]
  const float* a; int64_t lda; bool trans_a;  // A [m, k] (lda ≥ k) or, transposed, [k, m] (lda ≥ m)
  const float* b; int64_t ldb; bool trans_b;  // B [k, n] (ldb ≥ n) or, transposed, [n, k] (ldb ≥ k)
  float* c; int64_t ldc;                      // C [m, n], ldc ≥ n; overwritten
  const float* bias;         // nullptr or [n], added to every row
  bool relu;                 // max(0, ·) after the bias
};

/** Products with fewer multiply-adds (m·n·k) than this run on one thread. */
constexpr double kThreadedGemmWork = 4e6;

/** Runs one GEMM with `isa` (must not be None). Splits the N dimension over `threads` threads. */
void sgemm(Isa isa, const GemmArgs& g, int threads);

}  // namespace selfevo
