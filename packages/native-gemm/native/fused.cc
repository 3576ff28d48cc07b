// See fused.h. Row loops are written so GCC vectorizes them (-fopenmp-simd reductions, target
// clones for AVX-512 / AVX2); exp and erf come from unary.h (glibc's libmvec).
#include "fused.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "clones.h"
#include "pool.h"
#include "unary.h"

namespace selfevo {
namespace {

/** Rows per parallel chunk: about 64 KiB of a row-major operand. */
int64_t rows_per_chunk(int64_t h) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, h)); }

/** Elements per parallel chunk of the element-wise kernels. */
constexpr int64_t kElems = 16384;

SELFEVO_CLONES void ln_row(const float* __restrict x, const float* __restrict res, const float* __restrict gamma,
                           const float* __restrict beta, int64_t h, float eps, float* __restrict y,
                           float* __restrict xhat, float* rstd_out) {
  float* __restrict v = xhat;  // v = x (+ res), centred and scaled in place below
  if (res != nullptr) {
    for (int64_t j = 0; j < h; j++) v[j] = x[j] + res[j];
  } else {
    for (int64_t j = 0; j < h; j++) v[j] = x[j];
  }
  float sum = 0.f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < h; j++) sum += v[j];
  const float mean = sum / static_cast<float>(h);
  float sq = 0.f;
#pragma omp simd reduction(+ : sq)
  for (int64_t j = 0; j < h; j++) {
    const float c = v[j] - mean;
    sq += c * c;
  }
  const float rstd = 1.f / std::sqrt(sq / static_cast<float>(h) + eps);
  for (int64_t j = 0; j < h; j++) {
    const float xh = (v[j] - mean) * rstd;
    v[j] = xh;
    y[j] = xh * gamma[j] + beta[j];
  }
  *rstd_out = rstd;
}

SELFEVO_CLONES void ln_grad_row(const float* __restrict dy, const float* __restrict xhat, float rstd,
                                const float* __restrict gamma, int64_t h, float* __restrict dx,
                                float* __restrict dgamma, float* __restrict dbeta) {
  float a = 0.f, b = 0.f;
#pragma omp simd reduction(+ : a, b)
  for (int64_t j = 0; j < h; j++) {
    const float gh = dy[j] * gamma[j];
    a += gh;
    b += gh * xhat[j];
  }
  a /= static_cast<float>(h);
  b /= static_cast<float>(h);
  for (int64_t j = 0; j < h; j++) {
    dx[j] = rstd * (dy[j] * gamma[j] - a - xhat[j] * b);
    dgamma[j] += dy[j] * xhat[j];
    dbeta[j] += dy[j];
  }
}

SELFEVO_CLONES void add_into(float* __restrict acc, const float* __restrict v, int64_t n) {
  for (int64_t j = 0; j < n; j++) acc[j] += v[j];
}

SELFEVO_CLONES void gelu_block(const float* __restrict x, float* __restrict y, float* __restrict t, int64_t n) {
  for (int64_t i = 0; i < n; i++) t[i] = x[i] * 0.70710678118654752f;
  unary(UnaryOp::Erf, t, t, n);
  for (int64_t i = 0; i < n; i++) y[i] = x[i] * (0.5f * (t[i] + 1.f));
}

SELFEVO_CLONES void gelu_grad_block(const float* __restrict dy, const float* __restrict x, float* __restrict dx,
                                    float* __restrict t, float* __restrict e, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    t[i] = x[i] * 0.70710678118654752f;
    e[i] = x[i] * x[i] * -0.5f;
  }
  unary(UnaryOp::Erf, t, t, n);
  unary(UnaryOp::Exp, e, e, n);
  for (int64_t i = 0; i < n; i++)
    dx[i] = dy[i] * ((t[i] + 1.f) * 0.5f + x[i] * (e[i] * 0.3989422804014327f));
}

SELFEVO_CLONES void softmax_row(const float* __restrict x, const float* __restrict m, int64_t k,
                                float* __restrict y) {
  if (m != nullptr) {
    for (int64_t j = 0; j < k; j++) y[j] = x[j] + m[j];
  } else {
    for (int64_t j = 0; j < k; j++) y[j] = x[j];
  }
  float mx = -INFINITY;
#pragma omp simd reduction(max : mx)
  for (int64_t j = 0; j < k; j++) mx = std::max(mx, y[j]);
  for (int64_t j = 0; j < k; j++) y[j] -= mx;
  unary(UnaryOp::Exp, y, y, k);
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < k; j++) s += y[j];
  const float inv = 1.f / s;
  for (int64_t j = 0; j < k; j++) y[j] *= inv;
}

SELFEVO_CLONES void softmax_grad_row(const float* __restrict dy, const float* __restrict y, int64_t k,
                                     float* __restrict dx) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < k; j++) s += dy[j] * y[j];
  for (int64_t j = 0; j < k; j++) dx[j] = y[j] * (dy[j] - s);
}

SELFEVO_CLONES float nll_row(const float* __restrict x, int32_t gold, int64_t v, float* __restrict p) {
  float mx = -INFINITY;
#pragma omp simd reduction(max : mx)
  for (int64_t j = 0; j < v; j++) mx = std::max(mx, x[j]);
  for (int64_t j = 0; j < v; j++) p[j] = x[j] - mx;
  const float picked = p[gold];
  unary(UnaryOp::Exp, p, p, v);
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < v; j++) s += p[j];
  for (int64_t j = 0; j < v; j++) p[j] = p[j] / s;
  return std::log(s) - picked;
}

SELFEVO_CLONES void nll_grad_row(float dy, const float* __restrict p, int32_t gold, int64_t v,
                                 float* __restrict dx) {
  for (int64_t j = 0; j < v; j++) dx[j] = p[j] * dy;
  dx[gold] = (p[gold] - 1.f) * dy;
}

}  // namespace

void layer_norm(const float* x, const float* res, const float* gamma, const float* beta, int64_t rows, int64_t h,
                float eps, float* y, float* xhat, float* rstd, int threads) {
  const int64_t per = rows_per_chunk(h);
  parallel_for(threads, (rows + per - 1) / per, [&](int64_t c) {
    const int64_t r1 = std::min(rows, (c + 1) * per);
    for (int64_t r = c * per; r < r1; r++)
      ln_row(x + r * h, res != nullptr ? res + r * h : nullptr, gamma, beta, h, eps, y + r * h, xhat + r * h,
             rstd + r);
  });
}

void layer_norm_grad(const float* dy, const float* xhat, const float* rstd, const float* gamma, int64_t rows,
                     int64_t h, float* dx, float* dgamma, float* dbeta, int threads) {
  // Column sums per fixed block of rows, then the blocks added in order: the same sums for any
  // number of threads.
  const int64_t per = rows_per_chunk(h);
  const int64_t blocks = (rows + per - 1) / per;
  std::vector<float> partial(static_cast<size_t>(blocks * 2 * h), 0.f);
  parallel_for(threads, blocks, [&](int64_t c) {
    float* pg = partial.data() + c * 2 * h;
    float* pb = pg + h;
    const int64_t r1 = std::min(rows, (c + 1) * per);
    for (int64_t r = c * per; r < r1; r++) ln_grad_row(dy + r * h, xhat + r * h, rstd[r], gamma, h, dx + r * h, pg, pb);
  });
  std::fill(dgamma, dgamma + h, 0.f);
  std::fill(dbeta, dbeta + h, 0.f);
  for (int64_t c = 0; c < blocks; c++) {
    add_into(dgamma, partial.data() + c * 2 * h, h);
    add_into(dbeta, partial.data() + c * 2 * h + h, h);
  }
}

void softmax_nll(const float* x, const int32_t* gold, int64_t rows, int64_t v, float* loss, float* probs,
                 int threads) {
  parallel_for(threads, rows, [&](int64_t r) { loss[r] = nll_row(x + r * v, gold[r], v, probs + r * v); });
}

void softmax_nll_grad(const float* dy, const float* probs, const int32_t* gold, int64_t rows, int64_t v,
                      float* dx, int threads) {
  parallel_for(threads, rows, [&](int64_t r) { nll_grad_row(dy[r], probs + r * v, gold[r], v, dx + r * v); });
}

SELFEVO_CLONES float sum_block(const float* __restrict x, int64_t n) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += x[i];
  return s;
}

/**
 * Σ of `block(i0, len)` over fixed blocks of kElems of n elements, partials (type T) added in
 * block order: the same result for any thread count.
 */
template <class T, class F>
T ordered_block_sum(int64_t n, int threads, F block) {
  const int64_t blocks = (n + kElems - 1) / kElems;
  std::vector<T> partial(static_cast<size_t>(blocks), T(0));
  parallel_for(threads, blocks, [&](int64_t c) { partial[c] = block(c * kElems, std::min(kElems, n - c * kElems)); });
  T s = T(0);
  for (T p : partial) s += p;
  return s;
}

void column_sum(const float* x, int64_t rows, int64_t cols, float* out, int threads) {
  if (cols == 1) {  // a whole-tensor sum
    *out = ordered_block_sum<float>(rows, threads, [x](int64_t i0, int64_t len) { return sum_block(x + i0, len); });
    return;
  }
  // As layer_norm_grad's column sums: fixed row blocks, partials added in block order.
  const int64_t per = rows_per_chunk(cols);
  const int64_t blocks = (rows + per - 1) / per;
  std::vector<float> partial(static_cast<size_t>(blocks * cols), 0.f);
  parallel_for(threads, blocks, [&](int64_t c) {
    float* p = partial.data() + c * cols;
    const int64_t r1 = std::min(rows, (c + 1) * per);
    for (int64_t r = c * per; r < r1; r++) add_into(p, x + r * cols, cols);
  });
  std::fill(out, out + cols, 0.f);
  for (int64_t c = 0; c < blocks; c++) add_into(out, partial.data() + c * cols, cols);
}

SELFEVO_CLONES double sum_squares_block(const float* __restrict x, int64_t n) {
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += static_cast<double>(x[i]) * x[i];
  return s;
}

float sum_squares(const float* x, int64_t n, int threads) {
  return static_cast<float>(
      ordered_block_sum<double>(n, threads, [x](int64_t i0, int64_t len) { return sum_squares_block(x + i0, len); }));
}

void gelu(const float* x, float* y, int64_t n, int threads) {
  parallel_for(threads, (n + kElems - 1) / kElems, [&](int64_t c) {
    thread_local std::vector<float> t;
    const int64_t i0 = c * kElems, len = std::min(kElems, n - i0);
    t.resize(kElems);
    gelu_block(x + i0, y + i0, t.data(), len);
  });
}

void gelu_grad(const float* dy, const float* x, float* dx, int64_t n, int threads) {
  parallel_for(threads, (n + kElems - 1) / kElems, [&](int64_t c) {
    thread_local std::vector<float> t, e;
    const int64_t i0 = c * kElems, len = std::min(kElems, n - i0);
    t.resize(kElems);
    e.resize(kElems);
    gelu_grad_block(dy + i0, x + i0, dx + i0, t.data(), e.data(), len);
  });
}

void softmax(const float* x, const float* mask, int64_t mask_every, int64_t rows, int64_t k, float* y,
             int threads) {
  const int64_t per = rows_per_chunk(k);
  parallel_for(threads, (rows + per - 1) / per, [&](int64_t c) {
    const int64_t r1 = std::min(rows, (c + 1) * per);
    for (int64_t r = c * per; r < r1; r++)
      softmax_row(x + r * k, mask != nullptr ? mask + (r / mask_every) * k : nullptr, k, y + r * k);
  });
}

void softmax_grad(const float* dy, const float* y, int64_t rows, int64_t k, float* dx, int threads) {
  const int64_t per = rows_per_chunk(k);
  parallel_for(threads, (rows + per - 1) / per, [&](int64_t c) {
    const int64_t r1 = std::min(rows, (c + 1) * per);
    for (int64_t r = c * per; r < r1; r++) softmax_grad_row(dy + r * k, y + r * k, k, dx + r * k);
  });
}

}  // namespace selfevo
