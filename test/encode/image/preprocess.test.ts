import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGENET_MEAN, IMAGENET_STD, normalizationOf, preprocessImage, resolvePreprocess } from '../../../src/encode/image/preprocess.js';
import type { PreprocessOptions } from '../../../src/encode/image/types.js';
import { UsageError } from '../../../src/errors.js';
import { ROOT } from '../../helpers/paths.js';

const F = (name: string) => path.join(ROOT, 'test/fixtures/images', name);
// quadrants.png, 8×8: top-left 4×4 red, top-right 4×4 green, bottom 8×4 blue.
const QUADRANTS = F('quadrants.png');

/** RGB of pixel (x, y) of an NHWC/NCHW tensor of width w and height h. */
function rgbAt(t: Float32Array, w: number, h: number, x: number, y: number, layout: 'nhwc' | 'nchw' = 'nhwc'): number[] {
  if (layout === 'nhwc') return Array.from(t.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
  return [0, 1, 2].map((c) => t[c * w * h + y * w + x]);
}

const run = (input: string, o: PreprocessOptions) => preprocessImage(input, o);

describe('preprocessImage', () => {
  it('same size: exact pixels, x/255, NHWC', async () => {
    const t = await run(QUADRANTS, { width: 8, height: 8 });
    expect(t.length).toBe(8 * 8 * 3);
    expect(rgbAt(t, 8, 8, 0, 0)).toEqual([1, 0, 0]);
    expect(rgbAt(t, 8, 8, 7, 3)).toEqual([0, 1, 0]);
    expect(rgbAt(t, 8, 8, 0, 7)).toEqual([0, 0, 1]);
  });

  it('NCHW planes, BGR order, symmetric and raw scaling', async () => {
    const nchw = await run(QUADRANTS, { width: 8, height: 8, layout: 'nchw' });
    expect(rgbAt(nchw, 8, 8, 0, 0, 'nchw')).toEqual([1, 0, 0]);
    expect(rgbAt(nchw, 8, 8, 5, 7, 'nchw')).toEqual([0, 0, 1]);
    const bgr = await run(QUADRANTS, { width: 8, height: 8, channelOrder: 'bgr' });
    expect(rgbAt(bgr, 8, 8, 0, 0)).toEqual([0, 0, 1]);
    const sym = await run(QUADRANTS, { width: 8, height: 8, normalization: 'symmetric' });
    expect(rgbAt(sym, 8, 8, 0, 0)).toEqual([1, -1, -1]);
    const raw = await run(QUADRANTS, { width: 8, height: 8, normalization: 'raw' });
    expect(rgbAt(raw, 8, 8, 6, 0)).toEqual([0, 255, 0]);
  });

  it('ImageNet mean/std: (x/255 − mean) / std per channel, in float32', async () => {
    const t = await run(QUADRANTS, { width: 8, height: 8, normalization: normalizationOf('imagenet'), layout: 'nchw' });
    const want = [1, 0, 0].map((v, c) => Math.fround((v - IMAGENET_MEAN[c]) / IMAGENET_STD[c]));
    expect(rgbAt(t, 8, 8, 1, 1, 'nchw')).toEqual(want);
  });

  it('fill squashes, centerCropFraction crops the centre', async () => {
    const fill = await run(QUADRANTS, { width: 4, height: 2, resize: 'fill', normalization: 'raw' });
    expect(rgbAt(fill, 4, 2, 0, 0)[0]).toBeGreaterThan(200);
    expect(rgbAt(fill, 4, 2, 3, 0)[1]).toBeGreaterThan(200);
    expect(rgbAt(fill, 4, 2, 2, 1)[2]).toBeGreaterThan(200);
    // Resize 8×8 → 8×8 (4 / 0.5), keep the centre 4×4: columns/rows 2..5.
    const crop = await run(QUADRANTS, { width: 4, height: 4, centerCropFraction: 0.5 });
    expect(rgbAt(crop, 4, 4, 0, 0)).toEqual([1, 0, 0]);
    expect(rgbAt(crop, 4, 4, 3, 0)).toEqual([0, 1, 0]);
    expect(rgbAt(crop, 4, 4, 0, 3)).toEqual([0, 0, 1]);
  });

  it('contain pads with the background, cover does not', async () => {
    // cat.png is 64×48: fitted into 32×32 it is 32×24, with 4 rows of padding above and below.
    const contain = await run(F('cat.png'), { width: 32, height: 32, resize: 'contain', background: { r: 255, g: 0, b: 255 } });
    expect(rgbAt(contain, 32, 32, 16, 0)).toEqual([1, 0, 1]);
    expect(rgbAt(contain, 32, 32, 16, 31)).toEqual([1, 0, 1]);
    const cover = await run(F('cat.png'), { width: 32, height: 32, resize: 'cover' });
    expect(rgbAt(cover, 32, 32, 16, 0)).not.toEqual([1, 1, 1]);
    expect(rgbAt(cover, 32, 32, 16, 0)).not.toEqual([1, 0, 1]);
  });

  it('rejects bad options with UsageError', () => {
    const bad: [PreprocessOptions, RegExp][] = [
      [{ width: 0, height: 8 }, /width must be an integer in 1 \.\. 16384/],
      [{ width: 8, height: 8, resize: 'stretch' as 'fill' }, /resize must be one of cover, contain, fill/],
      [{ width: 8, height: 8, centerCropFraction: 0 }, /centerCropFraction must be in \(0, 1\]/],
      [{ width: 8, height: 8, normalization: { mean: [0.5, 0.5], std: [1, 1, 1] } }, /normalization\.mean must be 3 finite numbers/],
      [{ width: 8, height: 8, normalization: { mean: [0, 0, 0], std: [1, 0, 1] } }, /normalization\.std must be 3 finite numbers > 0/],
      [{ width: 8, height: 8, layout: 'chw' as 'nchw' }, /layout must be 'nhwc' or 'nchw'/],
      [{ width: 8, height: 8, background: { r: 256, g: 0, b: 0 } }, /background\.r must be an integer in 0 \.\. 255/],
    ];
    for (const [options, message] of bad) {
      expect(() => resolvePreprocess(options)).toThrow(UsageError);
      expect(() => resolvePreprocess(options)).toThrow(message);
    }
  });
});
