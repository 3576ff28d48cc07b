// Element-wise float32 functions (exp, erf, tanh) over a buffer, vectorized with glibc's libmvec
// (loaded with dlopen at first use; unavailable without it, e.g. on musl).
#pragma once
#include <cstdint>

namespace selfevo {

enum class UnaryOp { Exp = 0, Erf = 1, Tanh = 2 };

/** Whether the vector functions were found ("" when they were, else why not). */
const char* unary_unavailable_reason();

/** out[i] = f(in[i]) for i < n. in and out may be the same buffer (element-wise, in order). */
void unary(UnaryOp op, const float* in, float* out, int64_t n);

}  // namespace selfevo
