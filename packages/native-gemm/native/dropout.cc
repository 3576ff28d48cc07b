// Dropout (fused.h) with its keep mask drawn from SeededRandom's xoshiro128** stream, on every
// pool thread: the stream is linear over GF(2), so the state k steps ahead is M^k·state for the
// 128×128 bit matrix M of one step. Each chunk of the output jumps to its own offset in the stream
// (powers M^(2^j) are tabulated once) and draws its part as 8 interleaved sub-streams, so the mask
// is bit for bit the sequential stream's, for any thread count.
#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "clones.h"
#include "fused.h"
#include "pool.h"

namespace selfevo {
namespace {

using State = std::array<uint32_t, 4>;
/** A 128×128 bit matrix over GF(2) as its 128 columns (each a state). */
using Matrix = std::array<State, 128>;

inline uint32_t rotl(uint32_t v, int k) { return (v << k) | (v >> (32 - k)); }

/** One xoshiro128** step; returns the output drawn before it (SeededRandom.nextUint32). */
inline uint32_t next(State& s) {
  const uint32_t out = rotl(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return out;
}

State mat_vec(const Matrix& m, const State& v) {
  State out{0, 0, 0, 0};
  for (int j = 0; j < 128; j++)
    if ((v[j >> 5] >> (j & 31)) & 1u)
      for (int w = 0; w < 4; w++) out[w] ^= m[j][w];
  return out;
}

constexpr int kPowers = 48;  // jumps below 2^48 steps

/** powers[j] = M^(2^j), built once. */
const std::vector<Matrix>& powers() {
  static std::vector<Matrix> table;
  static std::once_flag once;
  std::call_once(once, [] {
    table.resize(kPowers);
    for (int j = 0; j < 128; j++) {  // M: column j is one step of the j-th unit state
      State e{0, 0, 0, 0};
      e[j >> 5] = 1u << (j & 31);
      next(e);
      table[0][j] = e;
    }
    for (int k = 1; k < kPowers; k++)
      for (int j = 0; j < 128; j++) table[k][j] = mat_vec(table[k - 1], table[k - 1][j]);
  });
  return table;
}

/** The state `steps` draws after `s`. */
State jump(State s, uint64_t steps) {
  const auto& p = powers();
  for (int k = 0; steps != 0 && k < kPowers; k++, steps >>= 1)
    if (steps & 1u) s = mat_vec(p[k], s);
  return s;
}

SELFEVO_CLONES void mask_block(const uint32_t* __restrict bits, const float* __restrict x, int64_t n,
                               uint32_t threshold, float keep, float* __restrict y, float* __restrict mask) {
  for (int64_t i = 0; i < n; i++) {
    const float mk = bits[i] >= threshold ? keep : 0.f;
    mask[i] = mk;
    y[i] = x[i] * mk;
  }
}

constexpr int64_t kLanes = 8;
constexpr int64_t kSub = 1 << 13;            // draws per sub-stream
constexpr int64_t kChunk = kLanes * kSub;    // elements per parallel unit (64 Ki)

/** The `len` (≤ kChunk) draws from `s` on, into bits: 8 sub-streams interleaved when the chunk is full. */
void draw(State s, int64_t len, uint32_t* __restrict bits) {
  if (len < kChunk) {
    for (int64_t i = 0; i < len; i++) bits[i] = next(s);
    return;
  }
  State lane[kLanes];
  lane[0] = s;
  const Matrix& hop = powers()[13];  // M^kSub
  for (int64_t l = 1; l < kLanes; l++) lane[l] = mat_vec(hop, lane[l - 1]);
  // 4 sub-streams at a time: independent dependency chains the core overlaps
  for (int64_t l = 0; l < kLanes; l += 4) {
    State a = lane[l], b = lane[l + 1], c = lane[l + 2], d = lane[l + 3];
    uint32_t* __restrict pa = bits + l * kSub;
    for (int64_t i = 0; i < kSub; i++) {
      pa[i] = next(a);
      pa[kSub + i] = next(b);
      pa[2 * kSub + i] = next(c);
      pa[3 * kSub + i] = next(d);
    }
  }
}

}  // namespace

void dropout(const float* x, int64_t n, uint32_t seed, uint32_t threshold, float keep, float* y, float* mask,
             int threads) {
  static_assert(kSub == int64_t(1) << 13, "the hop matrix is M^(2^13)");
  // SeededRandom's constructor: splitmix32 expands the seed (0 → the golden ratio) into the state.
  State s0;
  uint32_t z0 = seed != 0 ? seed : 0x9e3779b9u;
  for (int i = 0; i < 4; i++) {
    z0 += 0x9e3779b9u;
    uint32_t z = z0;
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    s0[i] = z ^ (z >> 16);
  }
  powers();  // build the table before the threads need it
  parallel_for(threads, (n + kChunk - 1) / kChunk, [&](int64_t c) {
    thread_local std::vector<uint32_t> bits;
    if (bits.size() < static_cast<size_t>(kChunk)) bits.resize(static_cast<size_t>(kChunk));
    const int64_t i0 = c * kChunk, len = std::min(kChunk, n - i0);
    draw(jump(s0, static_cast<uint64_t>(i0)), len, bits.data());
    mask_block(bits.data(), x + i0, len, threshold, keep, y + i0, mask + i0);
  });
}

}  // namespace selfevo
