// Node-API binding of sgemm: runs GEMMs on float32 data that lives in one ArrayBuffer (typically
// the heap of a WebAssembly instance), addressed by byte offsets. Every offset and extent is
// checked against the buffer before any pointer is formed; a bad one throws a RangeError that
// names the parameter.
#include <node_api.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "adamw.h"
#include "binding_util.h"
#include "binary.h"
#include "pool.h"
#include "sgemm.h"
#include "unary.h"

namespace {

using namespace selfevo::binding;
using selfevo::GemmArgs;
using selfevo::Isa;

const Isa kIsa = selfevo::detect_isa();

// gemm(buffer, m, n, k, aOffset, lda, transA, bOffset, ldb, transB, cOffset, ldc,
//      batch, aStride, bStride, cStride, biasOffset, relu, threads)
// Offsets and strides are in bytes (multiples of 4); strides step between the batch's matrices
// (0 broadcasts one matrix). biasOffset < 0: no bias.
napi_value Gemm(napi_env env, napi_callback_info info) {
  constexpr size_t kArgs = 19;
  size_t argc = kArgs;
  napi_value argv[kArgs];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != kArgs) return throw_range(env, "native-gemm: gemm takes 19 arguments");
  if (kIsa == Isa::None) return throw_range(env, "native-gemm: this CPU has neither AVX-512 nor AVX2+FMA");

  void* data = nullptr;
  size_t byteLength = 0;
  bool isAb = false, isView = false;
  napi_is_arraybuffer(env, argv[0], &isAb);
  napi_is_typedarray(env, argv[0], &isView);
  if (isAb) {
    napi_get_arraybuffer_info(env, argv[0], &data, &byteLength);
  } else if (isView) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_value ab;
    napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset);
    size_t abLength;
    void* abData;
    napi_get_arraybuffer_info(env, ab, &abData, &abLength);
    data = abData;  // offsets are relative to the start of the underlying buffer
    byteLength = abLength;
  } else {
    return throw_range(env, "native-gemm: buffer must be an ArrayBuffer or a typed array");
  }

  static const char* names[kArgs] = {"buffer", "m", "n", "k", "aOffset", "lda", "transA",
                                     "bOffset", "ldb", "transB", "cOffset", "ldc", "batch",
                                     "aStride", "bStride", "cStride", "biasOffset", "relu", "threads"};
  int64_t v[kArgs] = {0};
  bool flags[kArgs] = {false};
  std::string err;
  for (size_t i = 1; i < kArgs; i++) {
    if (i == 6 || i == 9 || i == 17) {
      if (napi_get_value_bool(env, argv[i], &flags[i]) != napi_ok)
        return throw_range(env, std::string("native-gemm: ") + names[i] + " must be a boolean");
      continue;
    }
    if (i == 16) {  // biasOffset may be -1
      double d;
      if (napi_get_value_double(env, argv[i], &d) != napi_ok)
        return throw_range(env, "native-gemm: biasOffset must be a number");
      if (d < 0) { v[i] = -1; continue; }
    }
    if (!get_i64(env, argv[i], names[i], &v[i], &err)) return throw_range(env, err);
  }
  const int64_t m = v[1], n = v[2], k = v[3], batch = v[12];
  const bool transA = flags[6], transB = flags[9], relu = flags[17];
  const int64_t lda = v[5], ldb = v[8], ldc = v[11];
  const int threads = static_cast<int>(v[18] < 1 ? 1 : (v[18] > 64 ? 64 : v[18]));
  if (lda < (transA ? m : k)) return throw_range(env, "native-gemm: lda is smaller than a row of A");
  if (ldb < (transB ? k : n)) return throw_range(env, "native-gemm: ldb is smaller than a row of B");
  if (ldc < n) return throw_range(env, "native-gemm: ldc is smaller than n");
  for (int i : {4, 7, 10, 13, 14, 15, 16})
    if (v[i] > 0 && v[i] % 4 != 0)
      return throw_range(env, std::string("native-gemm: ") + names[i] + " must be a multiple of 4 bytes");

  // Bytes spanned by one matrix (rows × ld, last row only to its end), then by the batch. Every
  // argument is below 2^53, but their products are not: the arithmetic is checked, and an extent
  // that does not fit in int64 is refused instead of wrapping to a small number that would pass
  // the bounds check.
  bool overflow = false;
  auto span = [&overflow](int64_t rows, int64_t cols, int64_t ld) -> int64_t {
    if (rows == 0 || cols == 0) return 0;
    int64_t r = 0;
    if (!checked_mul_add(rows - 1, ld, cols, &r) || !checked_mul_add(r, 4, 0, &r)) overflow = true;
    return r;
  };
  struct Range { const char* name; int64_t off, one, stride; } ranges[] = {
      {"A", v[4], transA ? span(k, m, lda) : span(m, k, lda), v[13]},
      {"B", v[7], transB ? span(n, k, ldb) : span(k, n, ldb), v[14]},
      {"C", v[10], span(m, n, ldc), v[15]},
  };
  if (overflow) return throw_range(env, "native-gemm: a matrix extent (rows × ld) overflows 64-bit arithmetic");
  if (batch > 1 && v[15] < ranges[2].one && m > 0 && n > 0)
    return throw_range(env, "native-gemm: cStride is smaller than one output matrix (outputs would overlap)");
  int64_t lo[3], hi[3];
  for (int r = 0; r < 3; r++) {
    if (batch == 0 || ranges[r].one == 0) { lo[r] = hi[r] = ranges[r].off; continue; }
    int64_t end = 0;
    if (!checked_mul_add(batch - 1, ranges[r].stride, ranges[r].off, &end) ||
        !checked_mul_add(end, 1, ranges[r].one, &end))
      return throw_range(env, std::string("native-gemm: ") + ranges[r].name +
                                  " extent (batch × stride) overflows 64-bit arithmetic");
    if (end > static_cast<int64_t>(byteLength))
      return throw_range(env, std::string("native-gemm: ") + ranges[r].name + " (offset " +
                                  std::to_string(ranges[r].off) + ", " + std::to_string(end - ranges[r].off) +
                                  " bytes) reaches past the end of the buffer (" + std::to_string(byteLength) +
                                  " bytes)");
    lo[r] = ranges[r].off;
    hi[r] = end;
  }
  for (int r = 0; r < 2; r++)
    if (lo[r] < hi[r] && lo[2] < hi[2] && lo[r] < hi[2] && lo[2] < hi[r])
      return throw_range(env, std::string("native-gemm: the output C overlaps input ") + ranges[r].name);
  const int64_t biasOff = v[16];
  if (biasOff >= 0 && biasOff + n * 4 > static_cast<int64_t>(byteLength))
    return throw_range(env, "native-gemm: bias reaches past the end of the buffer");

  char* base = static_cast<char*>(data);
  auto product = [&](int64_t i, int productThreads) {
    GemmArgs g{m, n, k,
               reinterpret_cast<const float*>(base + v[4] + i * v[13]), lda, transA,
               reinterpret_cast<const float*>(base + v[7] + i * v[14]), ldb, transB,
               reinterpret_cast<float*>(base + v[10] + i * v[15]), ldc,
               biasOff >= 0 ? reinterpret_cast<const float*>(base + biasOff) : nullptr, relu};
    selfevo::sgemm(kIsa, g, productThreads);
  };
  // A batch of small products (one attention head each) is split over the threads by product;
  // each product then runs on one thread, as it would on its own (sgemm does not split products
  // this small), so results are the same either way.
  if (batch > 1 && threads > 1 && double(m) * double(n) * double(k) < selfevo::kThreadedGemmWork) {
    selfevo::parallel_for(threads, batch, [&](int64_t i) { product(i, 1); });
  } else {
    for (int64_t i = 0; i < batch; i++) product(i, threads);
  }
  return nullptr;
}

/**
 * The common prologue of unary, adamw and binary: exactly `total` arguments, argument 0 an
 * ArrayBuffer, arguments 1 … ints−1 non-negative integers (named by `names` in errors). Returns ""
 * or the error message.
 */
std::string read_args(napi_env env, napi_callback_info info, const char* fn, size_t total, napi_value* argv,
                      const char* const* names, size_t ints, int64_t* v, void** data, size_t* byteLength) {
  size_t argc = total;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != total) return std::string("native-gemm: ") + fn + " takes " + std::to_string(total) + " arguments";
  if (!get_arraybuffer(env, argv[0], data, byteLength)) return std::string("native-gemm: ") + fn + " needs an ArrayBuffer";
  std::string err;
  for (size_t i = 1; i < ints; i++)
    if (!get_i64(env, argv[i], names[i], &v[i], &err)) return err;
  return "";
}

// unary(buffer, op, inOffset, outOffset, n): out[i] = f(in[i]), op 0 exp, 1 erf, 2 tanh. Offsets
// in bytes (multiples of 4). The ranges may be identical (in place) but must not partly overlap.
napi_value Unary(napi_env env, napi_callback_info info) {
  if (*selfevo::unary_unavailable_reason() != 0)
    return throw_range(env, std::string("native-gemm: unary functions unavailable: ") + selfevo::unary_unavailable_reason());
  static const char* names[5] = {"buffer", "op", "inOffset", "outOffset", "n"};
  napi_value argv[5];
  int64_t v[5] = {0};
  void* data = nullptr;
  size_t byteLength = 0;
  const std::string err = read_args(env, info, "unary", 5, argv, names, 5, v, &data, &byteLength);
  if (!err.empty()) return throw_range(env, err);
  if (v[1] > 2) return throw_range(env, "native-gemm: unary op must be 0 (exp), 1 (erf) or 2 (tanh)");
  if (v[2] % 4 != 0 || v[3] % 4 != 0) return throw_range(env, "native-gemm: unary offsets must be multiples of 4");
  const int64_t bytes = v[4] * 4;
  if (v[2] + bytes > static_cast<int64_t>(byteLength) || v[3] + bytes > static_cast<int64_t>(byteLength))
    return throw_range(env, "native-gemm: unary range reaches past the end of the buffer");
  if (v[2] != v[3] && v[2] < v[3] + bytes && v[3] < v[2] + bytes)
    return throw_range(env, "native-gemm: unary input and output partly overlap");
  char* base = static_cast<char*>(data);
  selfevo::unary(static_cast<selfevo::UnaryOp>(v[1]), reinterpret_cast<const float*>(base + v[2]),
                 reinterpret_cast<float*>(base + v[3]), v[4]);
  return nullptr;
}

// adamw(buffer, pOff, gOff, mOff, vOff, pOut, mOut, vOut, n, stepSize, beta1, beta2, bc2Sqrt,
// eps, decay, gradScale, threads): the fused AdamW update (adamw.h). Offsets in bytes; outputs must not
// overlap inputs.
napi_value AdamW(napi_env env, napi_callback_info info) {
  static const char* names[9] = {"buffer", "pOffset", "gOffset", "mOffset", "vOffset",
                                 "pOutOffset", "mOutOffset", "vOutOffset", "n"};
  napi_value argv[17];
  int64_t v[9] = {0};
  void* data = nullptr;
  size_t byteLength = 0;
  const std::string err = read_args(env, info, "adamw", 17, argv, names, 9, v, &data, &byteLength);
  if (!err.empty()) return throw_range(env, err);
  const int64_t bytes = v[8] * 4;
  for (int i = 1; i < 8; i++) {
    if (v[i] % 4 != 0) return throw_range(env, std::string("native-gemm: ") + names[i] + " must be a multiple of 4");
    if (v[i] + bytes > static_cast<int64_t>(byteLength))
      return throw_range(env, std::string("native-gemm: adamw ") + names[i] + " range reaches past the end of the buffer");
  }
  for (int o = 5; o < 8; o++)
    for (int i = 1; i < 8; i++)
      if (i != o && v[i] < v[o] + bytes && v[o] < v[i] + bytes && bytes > 0)
        return throw_range(env, std::string("native-gemm: adamw ") + names[o] + " overlaps " + names[i]);
  double f[7];
  static const char* fnames[7] = {"stepSize", "beta1", "beta2", "bc2Sqrt", "eps", "decay", "gradScale"};
  for (int i = 0; i < 7; i++) {
    double d;
    if (napi_get_value_double(env, argv[9 + i], &d) != napi_ok || !std::isfinite(d))
      return throw_range(env, std::string("native-gemm: adamw ") + fnames[i] + " must be a finite number");
    f[i] = d;
  }
  char* base = static_cast<char*>(data);
  auto at = [&](int i) { return reinterpret_cast<float*>(base + v[i]); };
  auto fl = [](double d) { return static_cast<float>(d); };
  int64_t threads = 1;
  std::string terr;
  if (!get_i64(env, argv[16], "threads", &threads, &terr)) return throw_range(env, terr);
  selfevo::adamw({at(1), at(2), at(3), at(4), at(5), at(6), at(7), v[8], fl(f[0]), fl(f[1]), fl(f[2]), fl(f[3]),
                  fl(f[4]), fl(f[5]), fl(1.0 - f[1]), fl(1.0 - f[2]), fl(f[6])},
                 static_cast<int>(threads < 1 ? 1 : (threads > 64 ? 64 : threads)));
  return nullptr;
}

// binary(buffer, op, aOffset, aMode, aLen, bOffset, bMode, bLen, outOffset, n, threads):
// out = a op b (op 0 add, 1 sub, 2 mul) with the broadcast modes of binary.h. Offsets in bytes.
napi_value Binary(napi_env env, napi_callback_info info) {
  static const char* names[11] = {"buffer", "op", "aOffset", "aMode", "aLen", "bOffset",
                                  "bMode", "bLen", "outOffset", "n", "threads"};
  napi_value argv[11];
  int64_t v[11] = {0};
  void* data = nullptr;
  size_t byteLength = 0;
  const std::string err = read_args(env, info, "binary", 11, argv, names, 11, v, &data, &byteLength);
  if (!err.empty()) return throw_range(env, err);
  const int64_t n = v[9];
  if (v[1] > 2) return throw_range(env, "native-gemm: binary op must be 0 (add), 1 (sub) or 2 (mul)");
  for (int k : {3, 6}) {
    const int64_t mode = v[k], len = v[k + 1];
    const char* who = k == 3 ? "a" : "b";
    bool ok = mode == 0 ? len == n : mode == 1 ? len == 1 : (mode == 2 || mode == 3) ? len > 0 && n % len == 0 : false;
    if (!ok)
      return throw_range(env, std::string("native-gemm: binary ") + who + " has mode " + std::to_string(mode) +
                                  " and length " + std::to_string(len) + ", which do not fit n = " + std::to_string(n));
  }
  struct R { const char* name; int64_t off, bytes; } rs[3] = {
      {"a", v[2], v[4] * 4}, {"b", v[5], v[7] * 4}, {"out", v[8], n * 4}};
  for (auto& r : rs) {
    if (r.off % 4 != 0) return throw_range(env, std::string("native-gemm: binary ") + r.name + " offset must be a multiple of 4");
    if (r.off + r.bytes > static_cast<int64_t>(byteLength))
      return throw_range(env, std::string("native-gemm: binary ") + r.name + " reaches past the end of the buffer");
  }
  for (int i = 0; i < 2; i++)
    if (n > 0 && rs[i].off < rs[2].off + rs[2].bytes && rs[2].off < rs[i].off + rs[i].bytes)
      return throw_range(env, std::string("native-gemm: binary out overlaps ") + rs[i].name);
  if (n == 0) return nullptr;
  char* base = static_cast<char*>(data);
  selfevo::BinaryArgs a{static_cast<selfevo::BinaryOp>(v[1]),
                        reinterpret_cast<const float*>(base + v[2]), static_cast<selfevo::Bcast>(v[3]), v[4],
                        reinterpret_cast<const float*>(base + v[5]), static_cast<selfevo::Bcast>(v[6]), v[7],
                        reinterpret_cast<float*>(base + v[8]), n};
  selfevo::binary(a, static_cast<int>(v[10] < 1 ? 1 : (v[10] > 64 ? 64 : v[10])));
  return nullptr;
}


napi_value UnaryReason(napi_env env, napi_callback_info) {
  napi_value s;
  napi_create_string_utf8(env, selfevo::unary_unavailable_reason(), NAPI_AUTO_LENGTH, &s);
  return s;
}

napi_value Isa_(napi_env env, napi_callback_info) {
  napi_value s;
  napi_create_string_utf8(env, selfevo::isa_name(kIsa), NAPI_AUTO_LENGTH, &s);
  return s;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value fn;
  register_fused(env, exports);
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, Gemm, nullptr, &fn);
  napi_set_named_property(env, exports, "gemm", fn);
  napi_create_function(env, "binary", NAPI_AUTO_LENGTH, Binary, nullptr, &fn);
  napi_set_named_property(env, exports, "binary", fn);
  napi_create_function(env, "adamw", NAPI_AUTO_LENGTH, AdamW, nullptr, &fn);
  napi_set_named_property(env, exports, "adamw", fn);
  napi_create_function(env, "unary", NAPI_AUTO_LENGTH, Unary, nullptr, &fn);
  napi_set_named_property(env, exports, "unary", fn);
  napi_create_function(env, "unaryUnavailableReason", NAPI_AUTO_LENGTH, UnaryReason, nullptr, &fn);
  napi_set_named_property(env, exports, "unaryUnavailableReason", fn);
  napi_create_function(env, "isa", NAPI_AUTO_LENGTH, Isa_, nullptr, &fn);
  napi_set_named_property(env, exports, "isa", fn);
  return exports;
}
