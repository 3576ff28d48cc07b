// The bench configs (bench_torch.py's tiny / mini / small), its FLOP model, and the inference
// benches' MLM positions: plain functions without tfjs, shared by bench.mjs and the child processes.

export const CONFIGS = {
  tiny: { H: 128, L: 2, A: 2, F: 512, V: 8192, T: 128, B: 32 },
  mini: { H: 256, L: 4, A: 4, F: 1024, V: 16384, T: 128, B: 16 },
  small: { H: 512, L: 4, A: 8, F: 2048, V: 30522, T: 128, B: 8 },
};

export function configOf(name = process.env.SELFEVO_BENCH_CONFIG) {
  const c = CONFIGS[name];
  if (!c) throw new Error(`unknown bench config ${name} (tiny, mini, small)`);
  return c;
}

/**
 * Matmul FLOPs of one training step of config `c`, bench_torch.py's model (its docstring): linear
 * layers and attention's QKᵀ and PV, backward = 2 × forward; the MLM transform and the tied
 * decoder only on the `maskedFraction` of tokens they run on. Bias, LayerNorm, softmax, GELU and the
 * embedding gather are not counted. A forward-only pass is `total / 3`.
 */
export function matmulFlops(c, maskedFraction) {
  const tokens = c.B * c.T;
  const encoderLinear = 6 * c.L * (4 * c.H * c.H + 2 * c.H * c.F) * tokens;
  const attention = 12 * c.L * c.T * c.H * tokens;
  const mlmHead = 6 * (c.H * c.H + c.H * c.V) * tokens * maskedFraction;
  return { encoderLinear, attention, mlmHead, total: encoderLinear + attention + mlmHead };
}

/**
 * The inference benches' MLM positions, the same in infer.mjs and torch_infer.py: in each row
 * round(0.15·T) positions spread evenly over 1 … T−2 (flat indices b·T + t).
 */
export function inferPositions(B, T) {
  const n = Math.round(0.15 * T);
  const pos = new Int32Array(B * n);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < n; j++) pos[b * n + j] = b * T + 1 + Math.floor((j * (T - 2)) / n);
  return pos;
}
