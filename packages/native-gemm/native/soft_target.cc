// The rectified smooth-label cross-entropy of fused.h: one row of v logits per parallel unit.
#include <algorithm>
#include <cmath>
#include <vector>

#include "fused.h"
#include "clones.h"
#include "pool.h"
#include "unary.h"

namespace selfevo {
namespace {

SELFEVO_CLONES float row_max(const float* __restrict x, int64_t v) {
  float mx = -INFINITY;
#pragma omp simd reduction(max : mx)
  for (int64_t j = 0; j < v; j++) mx = std::max(mx, x[j]);
  return mx;
}

/** e = exp(x − mx) for the row maximum mx; returns Σ e. */
SELFEVO_CLONES float shifted_exp(const float* __restrict x, float mx, int64_t v, float* __restrict e) {
  for (int64_t j = 0; j < v; j++) e[j] = x[j] - mx;
  unary(UnaryOp::Exp, e, e, v);
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < v; j++) s += e[j];
  return s;
}

/**
 * One row. `g` first holds exp(x − m) (m = max x), then the gradient; `r` is the reference row
 * (probabilities) or null for the uniform reference 1/v. With L = log Σ exp(x − m), the log
 * softmax is (x − m) − L, so loss = (1 − α)(L − (x_g − m)) + α Σ r (L − (x − m)).
 */
SELFEVO_CLONES float soft_row(const float* __restrict x, int32_t gold, const float* __restrict r, float alpha,
                              int64_t v, float* __restrict g) {
  const float mx = row_max(x, v);
  const float s = shifted_exp(x, mx, v, g);
  const float picked = x[gold] - mx;
  const float lse = std::log(s), inv = 1.f / s;
  float dot = 0.f, rsum = 0.f;  // Σ r·(L − (x − m)), Σ r
  if (r != nullptr) {
#pragma omp simd reduction(+ : dot, rsum)
    for (int64_t j = 0; j < v; j++) {
      dot += r[j] * (lse - (x[j] - mx));
      rsum += r[j];
    }
  } else {
#pragma omp simd reduction(+ : dot)
    for (int64_t j = 0; j < v; j++) dot += lse - (x[j] - mx);
    dot /= static_cast<float>(v);
    rsum = 1.f;
  }
  // ∂loss/∂x = (Σ q)·softmax(x) − q with q = (1 − α)·onehot(gold) + α·r
  const float scale = ((1.f - alpha) + alpha * rsum) * inv;
  if (r != nullptr) {
    for (int64_t j = 0; j < v; j++) g[j] = g[j] * scale - alpha * r[j];
  } else {
    const float ar = alpha / static_cast<float>(v);
    for (int64_t j = 0; j < v; j++) g[j] = g[j] * scale - ar;
  }
  g[gold] -= 1.f - alpha;
  return (1.f - alpha) * (lse - picked) + alpha * dot;
}

SELFEVO_CLONES void scale_row(const float* __restrict g, float dy, int64_t v, float* __restrict dx) {
  for (int64_t j = 0; j < v; j++) dx[j] = g[j] * dy;
}

}  // namespace

void soft_target_nll(const float* x, const int32_t* gold, const float* ref, SoftTargetRef kind, float alpha,
                     int64_t rows, int64_t v, float* loss, float* grad, int threads) {
  parallel_for(threads, rows, [&](int64_t row) {
    const float* xr = x + row * v;
    float* gr = grad + row * v;
    if (kind == SoftTargetRef::Logits) {
      // r = softmax(ref row), built in a per-thread scratch row
      thread_local std::vector<float> scratch;
      if (scratch.size() < static_cast<size_t>(v)) scratch.resize(static_cast<size_t>(v));
      float* rr = scratch.data();
      const float* rl = ref + row * v;
      const float inv = 1.f / shifted_exp(rl, row_max(rl, v), v, rr);
      for (int64_t j = 0; j < v; j++) rr[j] *= inv;
      loss[row] = soft_row(xr, gold[row], rr, alpha, v, gr);
    } else {
      loss[row] = soft_row(xr, gold[row], kind == SoftTargetRef::Probs ? ref + row * v : nullptr, alpha, v, gr);
    }
  });
}

void row_scale(const float* g, const float* dy, int64_t rows, int64_t v, float* dx, int threads) {
  parallel_for(threads, rows, [&](int64_t row) { scale_row(g + row * v, dy[row], v, dx + row * v); });
}

}  // namespace selfevo
