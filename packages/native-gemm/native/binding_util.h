// Argument helpers shared by the Node-API bindings (binding.cc, binding_fused.cc).
#pragma once
#include <node_api.h>

#include <cstdint>
#include <string>

namespace selfevo {
namespace binding {

inline napi_value throw_range(napi_env env, const std::string& msg) {
  napi_throw_range_error(env, "ERR_NATIVE_GEMM_ARGUMENT", msg.c_str());
  return nullptr;
}

inline bool get_i64(napi_env env, napi_value v, const char* name, int64_t* out, std::string* err) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d == d) || d < 0 || d > 9.007199254740991e15 ||
      d != static_cast<double>(static_cast<int64_t>(d))) {
    *err = std::string("native-gemm: ") + name + " must be a non-negative integer";
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

/** *out = a·b + c, false when that does not fit in int64 (instead of wrapping). */
inline bool checked_mul_add(int64_t a, int64_t b, int64_t c, int64_t* out) {
  int64_t p;
  return !__builtin_mul_overflow(a, b, &p) && !__builtin_add_overflow(p, c, out);
}

/** The data and length of an ArrayBuffer argument; false when it is not one. */
inline bool get_arraybuffer(napi_env env, napi_value v, void** data, size_t* byteLength) {
  bool isAb = false;
  napi_is_arraybuffer(env, v, &isAb);
  if (!isAb) return false;
  return napi_get_arraybuffer_info(env, v, data, byteLength) == napi_ok;
}

/** Registers the fused kernels' functions on `exports` (binding_fused.cc). */
void register_fused(napi_env env, napi_value exports);

}  // namespace binding
}  // namespace selfevo
