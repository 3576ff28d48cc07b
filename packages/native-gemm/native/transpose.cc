// See transpose.h. The output is written row by row (its last axis contiguous); when the last axis
// stays last, each row is one contiguous copy of the input.
#include "transpose.h"

#include <algorithm>
#include <cstring>

#include "pool.h"

namespace selfevo {

void transpose4(const uint32_t* x, const int64_t d[4], const int perm[4], uint32_t* out, int threads) {
  const int64_t xs[4] = {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};  // input strides
  const int64_t od[4] = {d[perm[0]], d[perm[1]], d[perm[2]], d[perm[3]]};
  const int64_t is[4] = {xs[perm[0]], xs[perm[1]], xs[perm[2]], xs[perm[3]]};  // input stride per output axis
  const int64_t rows = od[0] * od[1] * od[2];
  const int64_t len = od[3];
  if (rows == 0 || len == 0) return;
  const int64_t per = std::max<int64_t>(1, 16384 / len);
  parallel_for(threads, (rows + per - 1) / per, [&](int64_t c) {
    const int64_t r1 = std::min(rows, (c + 1) * per);
    for (int64_t r = c * per; r < r1; r++) {
      const int64_t i2 = r % od[2], i1 = (r / od[2]) % od[1], i0 = r / (od[2] * od[1]);
      const uint32_t* src = x + i0 * is[0] + i1 * is[1] + i2 * is[2];
      uint32_t* dst = out + r * len;
      if (is[3] == 1) {
        std::memcpy(dst, src, static_cast<size_t>(len) * 4);
      } else {
        const int64_t s = is[3];
        for (int64_t j = 0; j < len; j++) dst[j] = src[j * s];
      }
    }
  });
}

}  // namespace selfevo
