import { util } from '@tensorflow/tfjs-core';

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
