import { broadcast_util, type TensorInfo, util } from '@tensorflow/tfjs-core';

/** Maps a flat index over the broadcast batch shape `outShape` to the flat index into `shape`. */
export function broadcastIndex(shape: number[], outShape: number[]): (i: number) => number {
  const size = util.sizeFromShape(shape);
  if (size === 1) return () => 0;
  const pad = outShape.length - shape.length;
  const padded = [...Array(pad).fill(1), ...shape];
  if (padded.every((d, j) => d === outShape[j])) return (i) => i;
  const strides = util.computeStrides(padded);
  return (i) => {
    let rest = i;
    let idx = 0;
    for (let j = outShape.length - 1; j >= 0; j--) {
      const coord = rest % outShape[j];
      rest = Math.floor(rest / outShape[j]);
      if (padded[j] !== 1) idx += coord * (j === padded.length - 1 ? 1 : strides[j]);
    }
    return idx;
  };
}

/** The dimensions of op(a)·op(b) for batched matMul, with tfjs's error for mismatched inner dims. */
export function matMulDims(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean) {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const innerA = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const innerB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  util.assert(
    innerA === innerB,
    () =>
      `Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${a.shape} and ` +
      `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outerOut = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  return {
    m,
    n,
    k: innerA,
    outerA,
    outerB,
    outerOut,
    batchA: util.sizeFromShape(outerA),
    batchB: util.sizeFromShape(outerB),
    batchOut: util.sizeFromShape(outerOut),
  };
}
