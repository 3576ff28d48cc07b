// Node-API bindings of the fused kernels (fused.h): float32 data in one ArrayBuffer addressed by
// byte offsets; every region is checked against the buffer (bounds, alignment, outputs overlapping
// anything) before a pointer is formed, and a bad argument throws a RangeError naming it.
#include <node_api.h>

#include <cmath>
#include <string>

#include "binding_util.h"
#include "fused.h"
#include "transpose.h"
#include "unary.h"

namespace selfevo {
namespace binding {
namespace {

/** A float32 region of the buffer a fused kernel reads or writes (offset < 0: absent). */
struct Region {
  const char* name;
  int64_t off;
  int64_t floats;
  bool output;
};

/** Bounds, alignment and overlap checks: "" or the error message. */
std::string check_regions(const char* fn, const Region* rs, size_t count, size_t byteLength) {
  for (size_t i = 0; i < count; i++) {
    const Region& r = rs[i];
    if (r.off < 0) continue;
    if (r.off % 4 != 0) return std::string("native-gemm: ") + fn + " " + r.name + " offset must be a multiple of 4";
    int64_t end = 0;
    if (!checked_mul_add(r.floats, 4, r.off, &end) || end > static_cast<int64_t>(byteLength))
      return std::string("native-gemm: ") + fn + " " + r.name + " reaches past the end of the buffer";
  }
  for (size_t i = 0; i < count; i++) {
    if (!rs[i].output || rs[i].off < 0 || rs[i].floats == 0) continue;
    for (size_t j = 0; j < count; j++) {
      if (i == j || rs[j].off < 0 || rs[j].floats == 0) continue;
      const int64_t a0 = rs[i].off, a1 = a0 + rs[i].floats * 4, b0 = rs[j].off, b1 = b0 + rs[j].floats * 4;
      if (a0 < b1 && b0 < a1) return std::string("native-gemm: ") + fn + " " + rs[i].name + " overlaps " + rs[j].name;
    }
  }
  return "";
}

/**
 * Reads `total` arguments: an ArrayBuffer, then numbers. Names starting with '?' may be negative
 * (an absent operand, read as -1); '#' marks a float (stored in f); the rest are non-negative
 * integers. The last argument is the thread count (clamped to 1…64).
 */
std::string read_fused(napi_env env, napi_callback_info info, const char* fn, size_t total, const char* const* names,
                       int64_t* v, double* f, void** data, size_t* byteLength, int* threads) {
  napi_value argv[16];
  size_t argc = 16;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != total) return std::string("native-gemm: ") + fn + " takes " + std::to_string(total) + " arguments";
  if (*selfevo::unary_unavailable_reason() != 0)
    return std::string("native-gemm: ") + fn + " unavailable: " + selfevo::unary_unavailable_reason();
  if (!get_arraybuffer(env, argv[0], data, byteLength)) return std::string("native-gemm: ") + fn + " needs an ArrayBuffer";
  std::string err;
  for (size_t i = 1; i < total; i++) {
    const char* name = names[i];
    if (name[0] == '#' || name[0] == '?') {
      double d;
      if (napi_get_value_double(env, argv[i], &d) != napi_ok || !std::isfinite(d))
        return std::string("native-gemm: ") + fn + " " + (name + 1) + " must be a finite number";
      if (name[0] == '#') {
        f[i] = d;
        continue;
      }
      if (d < 0) {
        v[i] = -1;
        continue;
      }
      if (!get_i64(env, argv[i], name + 1, &v[i], &err)) return err;
      continue;
    }
    if (!get_i64(env, argv[i], name, &v[i], &err)) return err;
  }
  *threads = static_cast<int>(v[total - 1] < 1 ? 1 : (v[total - 1] > 64 ? 64 : v[total - 1]));
  return "";
}

#define FUSED_PROLOGUE(fn, total, ...)                                                             \
  static const char* names[total] = {__VA_ARGS__};                                                 \
  int64_t v[total] = {0};                                                                          \
  double f[total] = {0};                                                                           \
  void* data = nullptr;                                                                            \
  size_t byteLength = 0;                                                                           \
  int threads = 1;                                                                                 \
  {                                                                                                \
    const std::string e = read_fused(env, info, fn, total, names, v, f, &data, &byteLength, &threads); \
    if (!e.empty()) return throw_range(env, e);                                                    \
  }                                                                                                \
  char* base = static_cast<char*>(data);                                                           \
  auto F = [base](int64_t off) { return reinterpret_cast<float*>(base + off); };                  \
  auto C = [base](int64_t off) { return off < 0 ? nullptr : reinterpret_cast<const float*>(base + off); };

#define FUSED_CHECK(fn, ...)                                                                       \
  {                                                                                                \
    const Region rs[] = {__VA_ARGS__};                                                             \
    const std::string e = check_regions(fn, rs, sizeof(rs) / sizeof(rs[0]), byteLength);          \
    if (!e.empty()) return throw_range(env, e);                                                    \
  }

/** Checked rows × cols, or -1 when it does not fit. */
int64_t area(int64_t rows, int64_t cols) {
  int64_t r;
  return checked_mul_add(rows, cols, 0, &r) && r < (int64_t(1) << 40) ? r : -1;
}

// layerNorm(buffer, x, res, gamma, beta, rows, h, eps, y, xhat, rstd, threads) (see fused.h)
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("layerNorm", 12, "buffer", "xOffset", "?resOffset", "gammaOffset", "betaOffset", "rows", "h",
                 "#eps", "yOffset", "xhatOffset", "rstdOffset", "threads")
  const int64_t rows = v[5], h = v[6], n = area(rows, h);
  if (n < 0) return throw_range(env, "native-gemm: layerNorm rows × h is too large");
  if (h == 0) return throw_range(env, "native-gemm: layerNorm h must be positive");
  if (!(f[7] > 0)) return throw_range(env, "native-gemm: layerNorm eps must be positive");
  FUSED_CHECK("layerNorm", {"x", v[1], n, false}, {"res", v[2], n, false}, {"gamma", v[3], h, false},
              {"beta", v[4], h, false}, {"y", v[8], n, true}, {"xhat", v[9], n, true}, {"rstd", v[10], rows, true})
  selfevo::layer_norm(C(v[1]), C(v[2]), C(v[3]), C(v[4]), rows, h, static_cast<float>(f[7]), F(v[8]), F(v[9]),
                      F(v[10]), threads);
  return nullptr;
}

// layerNormGrad(buffer, dy, xhat, rstd, gamma, rows, h, dx, dgamma, dbeta, threads)
napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("layerNormGrad", 11, "buffer", "dyOffset", "xhatOffset", "rstdOffset", "gammaOffset", "rows", "h",
                 "dxOffset", "dgammaOffset", "dbetaOffset", "threads")
  const int64_t rows = v[5], h = v[6], n = area(rows, h);
  if (n < 0) return throw_range(env, "native-gemm: layerNormGrad rows × h is too large");
  if (h == 0) return throw_range(env, "native-gemm: layerNormGrad h must be positive");
  FUSED_CHECK("layerNormGrad", {"dy", v[1], n, false}, {"xhat", v[2], n, false}, {"rstd", v[3], rows, false},
              {"gamma", v[4], h, false}, {"dx", v[7], n, true}, {"dgamma", v[8], h, true}, {"dbeta", v[9], h, true})
  selfevo::layer_norm_grad(C(v[1]), C(v[2]), C(v[3]), C(v[4]), rows, h, F(v[7]), F(v[8]), F(v[9]), threads);
  return nullptr;
}

// gelu(buffer, x, y, n, threads)
napi_value Gelu(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("gelu", 5, "buffer", "xOffset", "yOffset", "n", "threads")
  FUSED_CHECK("gelu", {"x", v[1], v[3], false}, {"y", v[2], v[3], true})
  selfevo::gelu(C(v[1]), F(v[2]), v[3], threads);
  return nullptr;
}

// geluGrad(buffer, dy, x, dx, n, threads)
napi_value GeluGrad(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("geluGrad", 6, "buffer", "dyOffset", "xOffset", "dxOffset", "n", "threads")
  FUSED_CHECK("geluGrad", {"dy", v[1], v[4], false}, {"x", v[2], v[4], false}, {"dx", v[3], v[4], true})
  selfevo::gelu_grad(C(v[1]), C(v[2]), F(v[3]), v[4], threads);
  return nullptr;
}

// softmax(buffer, x, mask, maskEvery, rows, k, y, threads)
napi_value Softmax(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("softmax", 8, "buffer", "xOffset", "?maskOffset", "maskEvery", "rows", "k", "yOffset", "threads")
  const int64_t every = v[3], rows = v[4], k = v[5], n = area(rows, k);
  if (n < 0) return throw_range(env, "native-gemm: softmax rows × k is too large");
  if (k == 0) return throw_range(env, "native-gemm: softmax k must be positive");
  if (every == 0) return throw_range(env, "native-gemm: softmax maskEvery must be positive");
  const int64_t maskRows = (rows + every - 1) / every;
  FUSED_CHECK("softmax", {"x", v[1], n, false}, {"mask", v[2], area(maskRows, k), false}, {"y", v[6], n, true})
  selfevo::softmax(C(v[1]), C(v[2]), every, rows, k, F(v[6]), threads);
  return nullptr;
}

// softmaxGrad(buffer, dy, y, rows, k, dx, threads)
napi_value SoftmaxGrad(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("softmaxGrad", 7, "buffer", "dyOffset", "yOffset", "rows", "k", "dxOffset", "threads")
  const int64_t rows = v[3], k = v[4], n = area(rows, k);
  if (n < 0) return throw_range(env, "native-gemm: softmaxGrad rows × k is too large");
  FUSED_CHECK("softmaxGrad", {"dy", v[1], n, false}, {"y", v[2], n, false}, {"dx", v[5], n, true})
  selfevo::softmax_grad(C(v[1]), C(v[2]), rows, k, F(v[5]), threads);
  return nullptr;
}

// dropout(buffer, x, n, seed, threshold, keep, y, mask, threads)
napi_value Dropout(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("dropout", 9, "buffer", "xOffset", "n", "seed", "threshold", "#keep", "yOffset", "maskOffset",
                 "threads")
  if (v[3] > 0xffffffffLL) return throw_range(env, "native-gemm: dropout seed must be a uint32");
  if (v[4] > 0xffffffffLL) return throw_range(env, "native-gemm: dropout threshold must be a uint32");
  FUSED_CHECK("dropout", {"x", v[1], v[2], false}, {"y", v[6], v[2], true}, {"mask", v[7], v[2], true})
  selfevo::dropout(C(v[1]), v[2], static_cast<uint32_t>(v[3]), static_cast<uint32_t>(v[4]),
                   static_cast<float>(f[5]), F(v[6]), F(v[7]), threads);
  return nullptr;
}

// columnSum(buffer, x, rows, cols, out, threads)
napi_value ColumnSum(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("columnSum", 6, "buffer", "xOffset", "rows", "cols", "outOffset", "threads")
  const int64_t n = area(v[2], v[3]);
  if (n < 0) return throw_range(env, "native-gemm: columnSum rows × cols is too large");
  FUSED_CHECK("columnSum", {"x", v[1], n, false}, {"out", v[4], v[3], true})
  selfevo::column_sum(C(v[1]), v[2], v[3], F(v[4]), threads);
  return nullptr;
}

// sumSquares(buffer, x, n, out, threads): out[0] = Σ x²
napi_value SumSquares(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("sumSquares", 5, "buffer", "xOffset", "n", "outOffset", "threads")
  if (area(v[2], 1) < 0) return throw_range(env, "native-gemm: sumSquares n is too large");
  FUSED_CHECK("sumSquares", {"x", v[1], v[2], false}, {"out", v[3], 1, true})
  *F(v[3]) = selfevo::sum_squares(C(v[1]), v[2], threads);
  return nullptr;
}

// transpose4(buffer, x, out, d0, d1, d2, d3, p0, p1, p2, p3, threads): 4-byte elements
napi_value Transpose4(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("transpose4", 12, "buffer", "xOffset", "outOffset", "d0", "d1", "d2", "d3", "p0", "p1", "p2", "p3",
                 "threads")
  (void)F;
  (void)C;
  const int64_t d[4] = {v[3], v[4], v[5], v[6]};
  const int perm[4] = {static_cast<int>(v[7]), static_cast<int>(v[8]), static_cast<int>(v[9]), static_cast<int>(v[10])};
  bool seen[4] = {false, false, false, false};
  for (int p : perm) {
    if (p > 3 || seen[p]) return throw_range(env, "native-gemm: transpose4 p0…p3 must be a permutation of 0…3");
    seen[p] = true;
  }
  const int64_t n = area(area(d[0], d[1]), area(d[2], d[3]));
  if (n < 0 || area(d[0], d[1]) < 0 || area(d[2], d[3]) < 0)
    return throw_range(env, "native-gemm: transpose4 shape is too large");
  FUSED_CHECK("transpose4", {"x", v[1], n, false}, {"out", v[2], n, true})
  selfevo::transpose4(reinterpret_cast<const uint32_t*>(base + v[1]), d, perm,
                      reinterpret_cast<uint32_t*>(base + v[2]), threads);
  return nullptr;
}

/** The int32 gold classes at `off` (rows of them, each in [0, v)): "" or the error. */
std::string check_gold(const char* fn, const char* base, int64_t off, int64_t rows, int64_t v) {
  const int32_t* g = reinterpret_cast<const int32_t*>(base + off);
  for (int64_t r = 0; r < rows; r++)
    if (g[r] < 0 || g[r] >= v)
      return std::string("native-gemm: ") + fn + " gold[" + std::to_string(r) + "] = " + std::to_string(g[r]) +
             " is not in [0, " + std::to_string(v) + ")";
  return "";
}

// softmaxNll(buffer, x, gold, rows, v, loss, probs, threads): gold int32
napi_value SoftmaxNll(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("softmaxNll", 8, "buffer", "xOffset", "goldOffset", "rows", "v", "lossOffset", "probsOffset",
                 "threads")
  const int64_t rows = v[3], k = v[4], n = area(rows, k);
  if (n < 0) return throw_range(env, "native-gemm: softmaxNll rows × v is too large");
  if (k == 0) return throw_range(env, "native-gemm: softmaxNll v must be positive");
  FUSED_CHECK("softmaxNll", {"x", v[1], n, false}, {"gold", v[2], rows, false}, {"loss", v[5], rows, true},
              {"probs", v[6], n, true})
  const std::string e = check_gold("softmaxNll", base, v[2], rows, k);
  if (!e.empty()) return throw_range(env, e);
  selfevo::softmax_nll(C(v[1]), reinterpret_cast<const int32_t*>(base + v[2]), rows, k, F(v[5]), F(v[6]), threads);
  return nullptr;
}

// softmaxNllGrad(buffer, dy, probs, gold, rows, v, dx, threads)
napi_value SoftmaxNllGrad(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("softmaxNllGrad", 8, "buffer", "dyOffset", "probsOffset", "goldOffset", "rows", "v", "dxOffset",
                 "threads")
  const int64_t rows = v[4], k = v[5], n = area(rows, k);
  if (n < 0) return throw_range(env, "native-gemm: softmaxNllGrad rows × v is too large");
  if (k == 0) return throw_range(env, "native-gemm: softmaxNllGrad v must be positive");
  FUSED_CHECK("softmaxNllGrad", {"dy", v[1], rows, false}, {"probs", v[2], n, false}, {"gold", v[3], rows, false},
              {"dx", v[6], n, true})
  const std::string e = check_gold("softmaxNllGrad", base, v[3], rows, k);
  if (!e.empty()) return throw_range(env, e);
  selfevo::softmax_nll_grad(C(v[1]), C(v[2]), reinterpret_cast<const int32_t*>(base + v[3]), rows, k, F(v[6]),
                            threads);
  return nullptr;
}

// softTargetNll(buffer, x, gold, ref, rows, v, alpha, kind, loss, grad, threads): kind 0 = ref holds
// probabilities, 1 = ref holds logits, 2 = uniform (ref absent: -1)
napi_value SoftTargetNll(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("softTargetNll", 11, "buffer", "xOffset", "goldOffset", "?refOffset", "rows", "v", "#alpha",
                 "kind", "lossOffset", "gradOffset", "threads")
  const int64_t rows = v[4], k = v[5], n = area(rows, k);
  if (n < 0) return throw_range(env, "native-gemm: softTargetNll rows × v is too large");
  if (k == 0) return throw_range(env, "native-gemm: softTargetNll v must be positive");
  if (!(f[6] >= 0 && f[6] <= 1)) return throw_range(env, "native-gemm: softTargetNll alpha must be in [0, 1]");
  if (v[7] > 2) return throw_range(env, "native-gemm: softTargetNll kind must be 0 (probs), 1 (logits) or 2 (uniform)");
  const auto kind = static_cast<selfevo::SoftTargetRef>(v[7]);
  if ((kind == selfevo::SoftTargetRef::Uniform) != (v[3] < 0))
    return throw_range(env, "native-gemm: softTargetNll ref must be given unless kind is 2 (uniform)");
  FUSED_CHECK("softTargetNll", {"x", v[1], n, false}, {"gold", v[2], rows, false}, {"ref", v[3], n, false},
              {"loss", v[8], rows, true}, {"grad", v[9], n, true})
  const std::string e = check_gold("softTargetNll", base, v[2], rows, k);
  if (!e.empty()) return throw_range(env, e);
  selfevo::soft_target_nll(C(v[1]), reinterpret_cast<const int32_t*>(base + v[2]), C(v[3]), kind,
                           static_cast<float>(f[6]), rows, k, F(v[8]), F(v[9]), threads);
  return nullptr;
}

// rowScale(buffer, g, dy, rows, v, dx, threads): dx[r, :] = g[r, :]·dy[r]
napi_value RowScale(napi_env env, napi_callback_info info) {
  FUSED_PROLOGUE("rowScale", 7, "buffer", "gOffset", "dyOffset", "rows", "v", "dxOffset", "threads")
  const int64_t rows = v[3], k = v[4], n = area(rows, k);
  if (n < 0) return throw_range(env, "native-gemm: rowScale rows × v is too large");
  FUSED_CHECK("rowScale", {"g", v[1], n, false}, {"dy", v[2], rows, false}, {"dx", v[5], n, true})
  selfevo::row_scale(C(v[1]), C(v[2]), rows, k, F(v[5]), threads);
  return nullptr;
}

}  // namespace

void register_fused(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "layerNorm", NAPI_AUTO_LENGTH, LayerNorm, nullptr, &fn);
  napi_set_named_property(env, exports, "layerNorm", fn);
  napi_create_function(env, "layerNormGrad", NAPI_AUTO_LENGTH, LayerNormGrad, nullptr, &fn);
  napi_set_named_property(env, exports, "layerNormGrad", fn);
  napi_create_function(env, "gelu", NAPI_AUTO_LENGTH, Gelu, nullptr, &fn);
  napi_set_named_property(env, exports, "gelu", fn);
  napi_create_function(env, "geluGrad", NAPI_AUTO_LENGTH, GeluGrad, nullptr, &fn);
  napi_set_named_property(env, exports, "geluGrad", fn);
  napi_create_function(env, "softmax", NAPI_AUTO_LENGTH, Softmax, nullptr, &fn);
  napi_set_named_property(env, exports, "softmax", fn);
  napi_create_function(env, "softmaxGrad", NAPI_AUTO_LENGTH, SoftmaxGrad, nullptr, &fn);
  napi_set_named_property(env, exports, "softmaxGrad", fn);
  napi_create_function(env, "columnSum", NAPI_AUTO_LENGTH, ColumnSum, nullptr, &fn);
  napi_set_named_property(env, exports, "columnSum", fn);
  napi_create_function(env, "sumSquares", NAPI_AUTO_LENGTH, SumSquares, nullptr, &fn);
  napi_set_named_property(env, exports, "sumSquares", fn);
  napi_create_function(env, "transpose4", NAPI_AUTO_LENGTH, Transpose4, nullptr, &fn);
  napi_set_named_property(env, exports, "transpose4", fn);
  napi_create_function(env, "softmaxNll", NAPI_AUTO_LENGTH, SoftmaxNll, nullptr, &fn);
  napi_set_named_property(env, exports, "softmaxNll", fn);
  napi_create_function(env, "softmaxNllGrad", NAPI_AUTO_LENGTH, SoftmaxNllGrad, nullptr, &fn);
  napi_set_named_property(env, exports, "softmaxNllGrad", fn);
  napi_create_function(env, "softTargetNll", NAPI_AUTO_LENGTH, SoftTargetNll, nullptr, &fn);
  napi_set_named_property(env, exports, "softTargetNll", fn);
  napi_create_function(env, "rowScale", NAPI_AUTO_LENGTH, RowScale, nullptr, &fn);
  napi_set_named_property(env, exports, "rowScale", fn);
  napi_create_function(env, "dropout", NAPI_AUTO_LENGTH, Dropout, nullptr, &fn);
  napi_set_named_property(env, exports, "dropout", fn);
}

}  // namespace binding
}  // namespace selfevo
