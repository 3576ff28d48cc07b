import * as tf from '@tensorflow/tfjs-core';

/** Numbers nested to any depth (what `tensor.arraySync()` returns). */
export type NestedNumbers = ReadonlyArray<number | NestedNumbers>;
/** What the comparison helpers accept: a tensor, a typed array, nested arrays, or a number. */
export type Numeric = tf.Tensor | ArrayLike<number> | NestedNumbers | number;

function flatten(x: Numeric): Float64Array {
  if (x instanceof tf.Tensor) return Float64Array.from(x.dataSync() as ArrayLike<number>);
  if (typeof x === 'number') return Float64Array.of(x);
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'number') out.push(v);
    else if (v != null && typeof (v as ArrayLike<unknown>).length === 'number') {
      for (let i = 0; i < (v as ArrayLike<unknown>).length; i++) walk((v as ArrayLike<unknown>)[i]);
    } else throw new TypeError(`expected numbers, got ${typeof v}`);
  };
  walk(x);
  return Float64Array.from(out);
}

/** Largest |a - b| over two equally sized numeric inputs (tensors, typed arrays or nested arrays). */
export function maxAbsDiff(actual: Numeric, expected: Numeric): number {
  const a = flatten(actual);
  const b = flatten(expected);
  if (a.length !== b.length)
    throw new Error(`size mismatch: actual has ${a.length} values, expected ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Number.POSITIVE_INFINITY;
    const d = Math.abs(a[i] - b[i]);
    if (d > m) m = d;
  }
  return m;
}

/**
 * Tolerance assert in the style of tfjs-core's `expectArraysClose`: every element satisfies
 * |a - b| <= atol + rtol·|b|. NaN must match NaN; ±Infinity must match exactly.
 */
export function expectAllClose(actual: Numeric, expected: Numeric, atol = 1e-5, rtol = 0): void {
  const a = flatten(actual);
  const b = flatten(expected);
  if (a.length !== b.length)
    throw new Error(`size mismatch: actual has ${a.length} values, expected ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      Number.isNaN(y)
        ? Number.isNaN(x)
        : !Number.isFinite(y)
          ? x === y
          : Math.abs(x - y) <= atol + rtol * Math.abs(y)
    )
      continue;
    throw new Error(
      `element ${i}: actual ${x} vs expected ${y} (|diff| ${Math.abs(x - y)} > ${atol} + ${rtol}·|expected|)`,
    );
  }
}
