// See binary.h. Each broadcast pattern becomes rows of contiguous spans, so the inner loops are
// plain vectorizable loops over two pointers (or a pointer and a scalar).
#include "binary.h"

#include "pool.h"

#include <algorithm>

namespace selfevo {
namespace {

template <BinaryOp Op>
inline float apply(float x, float y) {
  if constexpr (Op == BinaryOp::Add) return x + y;
  else if constexpr (Op == BinaryOp::Sub) return x - y;
  else return x * y;
}

// out[i] = a[i] op b[i] / a[i] op s / s op b[i] for i < n.
template <BinaryOp Op>
#if defined(__linux__) && defined(__GLIBC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void vv(const float* __restrict a, const float* __restrict b, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = apply<Op>(a[i], b[i]);
}
template <BinaryOp Op>
#if defined(__linux__) && defined(__GLIBC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void vs(const float* __restrict a, float s, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = apply<Op>(a[i], s);
}
template <BinaryOp Op>
#if defined(__linux__) && defined(__GLIBC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void sv(float s, const float* __restrict b, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = apply<Op>(s, b[i]);
}

/** The element of an operand for output index i, and how many following indices it stays valid for
 *  as a contiguous span (for Inner) or a constant (for Scalar / Outer). */
struct Span {
  const float* p;
  bool constant;  // p[0] for the whole span
  int64_t run;    // indices from i this holds for
};

inline Span span_at(const float* base, Bcast mode, int64_t len, int64_t n, int64_t i) {
  switch (mode) {
    case Bcast::Full: return {base + i, false, n - i};
    case Bcast::Scalar: return {base, true, n - i};
    case Bcast::Inner: { const int64_t j = i % len; return {base + j, false, len - j}; }
    case Bcast::Outer: { const int64_t inner = n / len; const int64_t r = i / inner;
                         return {base + r, true, inner - (i - r * inner)}; }
  }
  return {base, true, 0};
}

template <BinaryOp Op>
void range(const BinaryArgs& g, int64_t lo, int64_t hi) {
  int64_t i = lo;
  while (i < hi) {
    const Span sa = span_at(g.a, g.a_mode, g.a_len, g.n, i);
    const Span sb = span_at(g.b, g.b_mode, g.b_len, g.n, i);
    const int64_t len = std::min({sa.run, sb.run, hi - i});
    float* o = g.out + i;
    if (!sa.constant && !sb.constant) vv<Op>(sa.p, sb.p, o, len);
    else if (!sa.constant) vs<Op>(sa.p, *sb.p, o, len);
    else if (!sb.constant) sv<Op>(*sa.p, sb.p, o, len);
    else std::fill(o, o + len, apply<Op>(*sa.p, *sb.p));
    i += len;
  }
}

template <BinaryOp Op>
void run(const BinaryArgs& g, int threads) {
  // Blocks of 64 Ki elements over the pool's threads (each output element is written once, so
  // the split never changes a result).
  constexpr int64_t kBlock = 1 << 16;
  const int64_t blocks = (g.n + kBlock - 1) / kBlock;
  parallel_for(threads, blocks, [&g](int64_t b) { range<Op>(g, b * kBlock, std::min(g.n, (b + 1) * kBlock)); });
}

}  // namespace

void binary(const BinaryArgs& g, int threads) {
  switch (g.op) {
    case BinaryOp::Add: run<BinaryOp::Add>(g, threads); break;
    case BinaryOp::Sub: run<BinaryOp::Sub>(g, threads); break;
    case BinaryOp::Mul: run<BinaryOp::Mul>(g, threads); break;
  }
}

}  // namespace selfevo
