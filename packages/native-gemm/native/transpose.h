// Rank-4 transposes of 4-byte elements (float32 / int32), the head split and merge of attention.
#pragma once
#include <cstdint>

namespace selfevo {

/**
 * out = x permuted: x has shape d[0..3] (row-major), out has shape d[perm[0]], …, d[perm[3]] and
 * out[i0, i1, i2, i3] = x at index i_k on axis perm[k]. Split over `threads` by output rows.
 */
void transpose4(const uint32_t* x, const int64_t d[4], const int perm[4], uint32_t* out, int threads);

}  // namespace selfevo
