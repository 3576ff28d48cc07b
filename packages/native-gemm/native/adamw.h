// One fused AdamW update over float32 arrays (the math of @selfevo/encoder-model's AdamW).
#pragma once
#include <cstdint>

namespace selfevo {

struct AdamWArgs {
  const float *p, *g, *m, *v;  // parameter, gradient, first and second moment
  float *p_out, *m_out, *v_out;
  int64_t n;
  float step_size, beta1, beta2, bc2_sqrt, eps, decay;
  float one_minus_beta1, one_minus_beta2;  // computed in double, then rounded (1 − 0.999f ≠ 0.001)
  float grad_scale;                        // g is used as g·grad_scale (global-norm clipping); 1: as is
};

/**
 * With g ← g·gradScale: m' = β₁m + (1−β₁)g; v' = β₂v + (1−β₂)g²; p' = decay·p − stepSize·m' /
 * (√v'/bc2 + eps).
 */
void adamw(const AdamWArgs& a, int threads);

}  // namespace selfevo
