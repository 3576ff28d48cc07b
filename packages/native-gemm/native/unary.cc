// See unary.h. libmvec's AVX-512 / AVX2 variants (the x86-64 vector function ABI names,
// _ZGVeN16v_expf and so on) are looked up once with dlsym; they are accurate to a few ulp and
// handle NaN, ±inf and overflow like the scalar functions. The tail (n mod width) goes through a
// zero-padded vector so every element takes the same code path.
#include "unary.h"

#include <dlfcn.h>
#include <immintrin.h>

#include <cstring>
#include <string>

#include "sgemm.h"

namespace selfevo {
namespace {

typedef __m512 (*V16)(__m512);
typedef __m256 (*V8)(__m256);

struct Mvec {
  V16 f16[3] = {nullptr, nullptr, nullptr};
  V8 f8[3] = {nullptr, nullptr, nullptr};
  Isa isa = Isa::None;
  std::string reason;
};

const Mvec& mvec() {
  static const Mvec m = [] {
    Mvec r;
    r.isa = detect_isa();
    if (r.isa == Isa::None) {
      r.reason = "this CPU has neither AVX-512 nor AVX2+FMA";
      return r;
    }
    void* h = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      r.reason = "libmvec.so.1 (glibc's vector math library) was not found";
      return r;
    }
    static const char* names16[3] = {"_ZGVeN16v_expf", "_ZGVeN16v_erff", "_ZGVeN16v_tanhf"};
    static const char* names8[3] = {"_ZGVdN8v_expf", "_ZGVdN8v_erff", "_ZGVdN8v_tanhf"};
    for (int i = 0; i < 3; i++) {
      r.f16[i] = reinterpret_cast<V16>(dlsym(h, names16[i]));
      r.f8[i] = reinterpret_cast<V8>(dlsym(h, names8[i]));
      void* need = r.isa == Isa::Avx512 ? reinterpret_cast<void*>(r.f16[i]) : reinterpret_cast<void*>(r.f8[i]);
      if (need == nullptr) {
        r.reason = std::string("libmvec lacks ") + (r.isa == Isa::Avx512 ? names16[i] : names8[i]) +
                   " (glibc older than 2.35)";
        return r;
      }
    }
    return r;
  }();
  return m;
}

__attribute__((target("avx512f"))) void run16(V16 f, const float* in, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, f(_mm512_loadu_ps(in + i)));
  if (i < n) {
    alignas(64) float buf[16] = {0};
    std::memcpy(buf, in + i, (n - i) * sizeof(float));
    _mm512_store_ps(buf, f(_mm512_load_ps(buf)));
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

__attribute__((target("avx2"))) void run8(V8 f, const float* in, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(in + i)));
  if (i < n) {
    alignas(32) float buf[8] = {0};
    std::memcpy(buf, in + i, (n - i) * sizeof(float));
    _mm256_store_ps(buf, f(_mm256_load_ps(buf)));
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

}  // namespace

const char* unary_unavailable_reason() { return mvec().reason.c_str(); }

void unary(UnaryOp op, const float* in, float* out, int64_t n) {
  const Mvec& m = mvec();
  const int k = static_cast<int>(op);
  if (m.isa == Isa::Avx512) run16(m.f16[k], in, out, n);
  else run8(m.f8[k], in, out, n);
}

}  // namespace selfevo
