import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { greyRows } from '../../../src/encode/image/pixel-encoder.js';
import { precisionAt1 } from '../../../src/encode/image/labelled-set.js';
import { imageEncoderEntries } from '../../../src/encode/image/registry-entries.js';
import { MissingPackageError, requirePackages } from '../../../src/encode/packages.js';
import { ROOT } from '../../helpers/paths.js';

const F = (name: string) => path.join(ROOT, 'test/fixtures/images', name);

describe('imageEncoderEntries', () => {
  it('lists the image encoders with their dimensions', () => {
    expect(imageEncoderEntries.map((e) => [e.name, e.dimension])).toEqual([
      ['mobilenet-v2', 1792],
      ['inception-v3', 2048],
      ['onnx-image', 0],
      ['face-api', 128],
      ['raw-pixels', 1024],
    ]);
    for (const e of imageEncoderEntries) expect(e.modality).toBe('image');
  });

  it('a missing package is a MissingPackageError naming it', () => {
    expect(() => requirePackages('face-api', ['sharp', 'no-such-package-embedkit'])).toThrow(MissingPackageError);
    expect(() => requirePackages('face-api', ['no-such-package-embedkit'])).toThrow(
      /encoder 'face-api' needs the npm package 'no-such-package-embedkit'/,
    );
  });
});

describe('raw-pixels baseline', () => {
  it('greyRows: Rec. 601 luma, mean-centred', () => {
    const rgb = new Float32Array([1, 0, 0, 0, 1, 0]); // 2 pixels: red, green
    expect(Array.from(greyRows(rgb, 1, 2, false))).toEqual([0.299, 0.587].map(Math.fround));
    const centred = greyRows(rgb, 1, 2, true);
    expect(centred[0] + centred[1]).toBeCloseTo(0, 6);
  });

  it('embeds 32×32 thumbnails; per-item errors', async () => {
    const encoder = await imageEncoderEntries.find((e) => e.name === 'raw-pixels')!.load({});
    const out = await encoder.embed([F('cat.png'), F('cat.jpg'), F('truncated.jpg'), F('face.jpg')]);
    expect(out.dim).toBe(1024);
    expect(out.errors.map((e) => e.index)).toEqual([2]);
    const dot = (a: number, b: number) =>
      out.data.subarray(a * 1024, (a + 1) * 1024).reduce((s, v, d) => s + v * out.data[b * 1024 + d], 0);
    expect(dot(0, 1)).toBeGreaterThan(0.98);
    expect(dot(0, 3)).toBeLessThan(0.5);
  });
});

describe('precisionAt1', () => {
  it('leave-one-out nearest neighbour, optionally skipping the same source', () => {
    // a1 (1, 0), a2 (0.8, 0.6), b1 (0.95, −0.31) next to a1, b2 (0, −1).
    // Nearest: a1 → b1 (miss), a2 → a1 (hit), b1 → a1 (miss), b2 → b1 (hit).
    const data = new Float32Array([1, 0, 0.8, 0.6, 0.95, -0.31, 0, -1]);
    const labels = ['a', 'a', 'b', 'b'];
    expect(precisionAt1(data, 2, labels)).toEqual({ precision: 0.5, queries: 4 });
    // Without b1: a1 → a2, a2 → a1, b2 → a1.
    expect(precisionAt1(data, 2, labels, { skip: new Set([2]) })).toEqual({ precision: 2 / 3, queries: 3 });
    // a1 and a2 share a source, so neither may find the other.
    expect(precisionAt1(data, 2, labels, { sources: ['x', 'x', 'y', 'z'] })).toEqual({ precision: 0.25, queries: 4 });
  });
});
