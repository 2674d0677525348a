import { describe, expect, it } from 'vitest';
import { pooledDimension, poolOutput } from '../../../src/encode/image/output-pooling.js';

describe('poolOutput', () => {
  // Two images, 2 channels, 1×3 spatial, NCHW: image 0 channel 0 = 1,2,3; channel 1 = 4,5,9; image 1 = negatives.
  const nchw = new Float32Array([1, 2, 3, 4, 5, 9, -1, -2, -3, -4, -5, -9]);
  const dims = [2, 2, 1, 3];

  it('mean / max over the spatial axes of an NCHW map', () => {
    expect(pooledDimension(dims, 'mean', 'nchw')).toBe(2);
    expect(Array.from(poolOutput(nchw, dims, 'mean', 'nchw'))).toEqual([2, 6, -2, -6]);
    expect(Array.from(poolOutput(nchw, dims, 'max', 'nchw'))).toEqual([3, 9, -1, -4]);
  });

  it('the same map in NHWC gives the same vectors', () => {
    const nhwc = new Float32Array([1, 4, 2, 5, 3, 9, -1, -4, -2, -5, -3, -9]);
    expect(Array.from(poolOutput(nhwc, [2, 1, 3, 2], 'mean', 'nhwc'))).toEqual([2, 6, -2, -6]);
  });

  it('tokens [N, T, D]: cls takes the first token, mean averages', () => {
    const tokens = new Float32Array([1, 2, 3, 4, 10, 20, 30, 40]); // N=2, T=2, D=2
    expect(Array.from(poolOutput(tokens, [2, 2, 2], 'cls', 'nchw'))).toEqual([1, 2, 10, 20]);
    expect(Array.from(poolOutput(tokens, [2, 2, 2], 'mean', 'nchw'))).toEqual([2, 3, 20, 30]);
  });

  it('rank 2 is kept, none flattens, rank 5 needs none', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    expect(poolOutput(x, [2, 2], 'mean', 'nchw')).toBe(x);
    expect(pooledDimension(dims, 'none', 'nchw')).toBe(6);
    expect(() => pooledDimension([1, 2, 2, 2, 2], 'mean', 'nchw')).toThrow(/use pooling 'none' to flatten/);
    expect(() => pooledDimension([4], 'mean', 'nchw')).toThrow(/expected a batch axis/);
  });
});
