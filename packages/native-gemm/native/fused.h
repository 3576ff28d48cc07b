// Fused element-wise kernels of an encoder training step, float32, each one pass over its rows
// (instead of a chain of separate kernels), split over the pool's threads by rows or by blocks of
// elements. No split changes a result: each output element is computed by one thread, and column
// sums add fixed blocks of rows in a fixed order.
#pragma once
#include <cstdint>

namespace selfevo {

/**
 * LayerNorm over rows of h: v = x (+ res); xhat = (v − mean)·rstd with rstd = 1/√(var + eps)
 * (biased variance); y = xhat·gamma + beta. res may be nullptr. Writes y, xhat [rows, h], rstd [rows].
 */
void layer_norm(const float* x, const float* res, const float* gamma, const float* beta, int64_t rows,
                int64_t h, float eps, float* y, float* xhat, float* rstd, int threads);

/**
 * Its gradient: ĝ = dy·gamma; dx = rstd·(ĝ − mean(ĝ) − xhat·mean(ĝ·xhat)); dgamma = Σ dy·xhat and
 * dbeta = Σ dy over rows.
 */
void layer_norm_grad(const float* dy, const float* xhat, const float* rstd, const float* gamma, int64_t rows,
                     int64_t h, float* dx, float* dgamma, float* dbeta, int threads);

/** gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)) (needs the vector math of unary.h). */
void gelu(const float* x, float* y, int64_t n, int threads);

/** dx = dy·(Φ(x) + x·φ(x)), φ(x) = exp(−x²/2)/√(2π). */
void gelu_grad(const float* dy, const float* x, float* dx, int64_t n, int threads);

/**
 * Softmax over rows of k of x + mask: row r adds mask row r / mask_every (mask nullptr: none).
 * y may not alias x.
 */
void softmax(const float* x, const float* mask, int64_t mask_every, int64_t rows, int64_t k, float* y,
             int threads);

/** dx = y·(dy − Σ dy·y) per row. */
void softmax_grad(const float* dy, const float* y, int64_t rows, int64_t k, float* dx, int threads);

/**
 * Inverted dropout with the keep mask drawn from xoshiro128** seeded by splitmix32(seed), the
 * generator of @selfevo/utils' SeededRandom (same seed, same mask as its `fillInt32` stream):
 * element i is kept when the i-th uint32 u ≥ threshold. mask[i] = keep or 0; y[i] = x[i]·mask[i].
 */
void dropout(const float* x, int64_t n, uint32_t seed, uint32_t threshold, float keep, float* y, float* mask,
             int threads);

/**
 * Cross-entropy per row of v logits against gold class g[r] (in [0, v), checked by the caller):
 * loss[r] = log Σ exp(x − max) − (x[g] − max); probs = softmax(x) (kept for the gradient).
 */
void softmax_nll(const float* x, const int32_t* gold, int64_t rows, int64_t v, float* loss, float* probs,
                 int threads);

/** dx[r] = (probs[r] − onehot(g[r]))·dy[r]. */
void softmax_nll_grad(const float* dy, const float* probs, const int32_t* gold, int64_t rows, int64_t v,
                      float* dx, int threads);

/** Where the reference distribution r of `soft_target_nll` comes from. */
enum class SoftTargetRef { Probs = 0, Logits = 1, Uniform = 2 };

/**
 * Rectified smooth-label cross-entropy per row (the self-evolution loss): target
 * q = (1 − α)·onehot(g[r]) + α·r_row with r_row = ref (probabilities as given), softmax(ref), or
 * 1/v (ref unused); loss[r] = −Σ_v q_v log softmax(x)_v, and grad[r] = ∂loss[r]/∂x[r] =
 * (Σ q)·softmax(x) − q (kept for the backward pass). Gold classes are checked by the caller.
 */
void soft_target_nll(const float* x, const int32_t* gold, const float* ref, SoftTargetRef kind, float alpha,
                     int64_t rows, int64_t v, float* loss, float* grad, int threads);

/** dx[r, :] = g[r, :]·dy[r] (the backward pass of a per-row loss whose gradient was kept). */
void row_scale(const float* g, const float* dy, int64_t rows, int64_t v, float* dx, int threads);

/** Σ x[i]² over n floats (accumulated in double by fixed blocks; the squared L2 norm of a gradient). */
float sum_squares(const float* x, int64_t n, int threads);

/** out[j] = Σ_r x[r, j] (the bias gradient of a linear layer), added by fixed row blocks. */
void column_sum(const float* x, int64_t rows, int64_t cols, float* out, int threads);

}  // namespace selfevo
