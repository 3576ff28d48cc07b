import * as tf from '@tensorflow/tfjs-core';
import { type LoadReport, MissingParametersError } from './errors.js';
import type { SafeTensor } from './safetensors.js';

export interface LoadOptions {
  /** Throw `MissingParametersError` on any missing, unexpected or wrong-shaped tensor (default true). */
  strict?: boolean;
  /** Base-model prefix (`bert` / `roberta`): file names without it (bare `BertModel` files) match too. */
  prefix?: string;
}

/** Tensors HF writes that are aliases of other parameters (tied decoder, buffers): never "unexpected". */
const ALIASES = [
  /^cls\.predictions\.decoder\.(weight|bias)$/,
  /^lm_head\.decoder\.(weight|bias)$/,
  /\.embeddings\.position_ids$/,
];

/**
 * Copy `weights` into `params` by HF name. Checks everything first, then assigns, so a strict
 * failure leaves the parameters untouched. Returns what was missing / unexpected / mismatched.
 */
export function loadWeights(
  params: Map<string, tf.Variable>,
  weights: Map<string, SafeTensor>,
  opts: LoadOptions = {},
): LoadReport {
  const strict = opts.strict ?? true;
  const matched = new Map<string, SafeTensor>();
  const report: LoadReport = { missing: [], unexpected: [], mismatched: [] };
  for (const [name, t] of weights) {
    const target = params.has(name)
      ? name
      : opts.prefix && params.has(`${opts.prefix}.${name}`)
        ? `${opts.prefix}.${name}`
        : undefined;
    if (!target) {
      if (!ALIASES.some((re) => re.test(name))) report.unexpected.push(name);
      continue;
    }
    const p = params.get(target)!;
    if (p.shape.join(',') !== t.shape.join(','))
      report.mismatched.push(`${name}: file [${t.shape}] vs model [${p.shape}]`);
    else matched.set(target, t);
  }
  for (const name of params.keys()) {
    if (!matched.has(name) && !report.mismatched.some((m) => m.startsWith(`${name}:`)))
      report.missing.push(name);
  }
  const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
  if (strict && problems) throw new MissingParametersError(report);
  for (const [name, t] of matched) {
    tf.tidy(() => params.get(name)!.assign(tf.tensor(t.data, t.shape, 'float32')));
  }
  return report;
}
