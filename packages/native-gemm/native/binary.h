// Element-wise float32 add / sub / mul with the broadcasts an encoder uses, over one buffer.
#pragma once
#include <cstdint>

namespace selfevo {

enum class BinaryOp { Add = 0, Sub = 1, Mul = 2 };

/**
 * How an operand of `len` elements maps onto the output's flat index i:
 * Full: i (len = n); Scalar: 0; Inner: i % len (a suffix of the output shape, e.g. a bias [C] on
 * [R, C]); Outer: i / inner (a prefix followed by ones, e.g. [R, 1] on [R, C]).
 */
enum class Bcast { Full = 0, Scalar = 1, Inner = 2, Outer = 3 };

struct BinaryArgs {
  BinaryOp op;
  const float* a; Bcast a_mode; int64_t a_len;
  const float* b; Bcast b_mode; int64_t b_len;
  float* out; int64_t n;
};

/** out = a op b; `threads` splits the output into contiguous ranges (results do not depend on it). */
void binary(const BinaryArgs& args, int threads);

}  // namespace selfevo
