import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropOrigins, cropWindow, flipHorizontal, poolViews, resolveTta, viewsPerImage } from '../../../src/encode/image/augment.js';
import { loadOnnxImageEncoder, type OnnxImageEncoder } from '../../../src/encode/image/onnx-encoder.js';
import type { RawImage } from '../../../src/encode/image/types.js';
import { UsageError } from '../../../src/errors.js';
import { ROOT } from '../../helpers/paths.js';

const DIR = path.join(ROOT, 'test/fixtures/models/tiny-cnn');
const MODEL = path.join(DIR, 'model.onnx'); // random-weight CNN, 32×32 input, 16-d output
const A = path.join(DIR, 'a.png'); // 32×32 RGB

describe('test-time augmentation settings and pixel operations', () => {
  it('resolves presets and checks settings', () => {
    expect(resolveTta(undefined)).toBeNull();
    expect(resolveTta('none')).toBeNull();
    expect(resolveTta('flip')).toEqual({ flip: true, crops: 0, cropFraction: 0.8, pooling: 'mean' });
    expect(viewsPerImage(resolveTta('flip'))).toBe(2);
    expect(viewsPerImage(resolveTta('crops'))).toBe(6);
    expect(viewsPerImage(resolveTta('flip-crops'))).toBe(12);
    expect(resolveTta({ flip: false, crops: 0 })).toBeNull();
    expect(() => resolveTta('mirror' as never)).toThrow(/tta must be one of none, flip, crops, flip-crops/);
    expect(() => resolveTta({ crops: 4 as never })).toThrow(UsageError);
    expect(() => resolveTta({ cropFraction: 1 })).toThrow(/cropFraction/);
    expect(() => resolveTta({ pooling: 'median' as never })).toThrow(/pooling/);
    expect(() => resolveTta({ rotate: true } as never)).toThrow(/unknown tta setting 'rotate'/);
  });

  it('flips, crops and pools (hand-computed)', () => {
    // 3 × 2 image, pixel value = 10·x + y in every channel
    const img = new Uint8Array(3 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) img.fill(10 * x + y, (y * 3 + x) * 3, (y * 3 + x) * 3 + 3);
    const flipped = flipHorizontal(img, 3, 2);
    expect([...flipped].filter((_, i) => i % 3 === 0)).toEqual([20, 10, 0, 21, 11, 1]);
    expect([...cropWindow(img, 3, 1, 0, 2, 2)].filter((_, i) => i % 3 === 0)).toEqual([10, 20, 11, 21]);
    expect(cropOrigins(5, 10, 8, 6, 6)).toEqual([
      [2, 1],
      [0, 0],
      [4, 0],
      [0, 2],
      [4, 2],
    ]);
    const f = Float32Array.from([1, 5, 3, 1, 2, 2, 0, 9]); // 2 images × 2 views × 2 dims
    expect([...poolViews(f, 2, 2, 2, 'mean')]).toEqual([2, 3, 1, 5.5]);
    expect([...poolViews(f, 2, 2, 2, 'max')]).toEqual([3, 5, 2, 9]);
  });
});

describe('test-time augmentation in an image encoder (onnx tiny CNN)', () => {
  let plain: OnnxImageEncoder;
  let raw: RawImage;
  beforeAll(async () => {
    plain = await loadOnnxImageEncoder({ path: MODEL, normalize: false, threads: 1 });
    const { data, info } = await sharp(A).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    raw = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  });
  afterAll(async () => plain?.dispose());

  const rawOf = async (s: ReturnType<typeof sharp>): Promise<RawImage> => {
    const { data, info } = await s.raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  };

  it("'flip' is the mean of the image's and its mirror's features", async () => {
    const mirrored = await rawOf(sharp(A).removeAlpha().flop());
    const ref = await plain.embed([raw, mirrored]);
    const enc = await loadOnnxImageEncoder({ path: MODEL, normalize: false, threads: 1, tta: 'flip' });
    try {
      const out = await enc.embed([A, mirrored]);
      expect(out.errors).toEqual([]);
      for (let d = 0; d < 16; d++) {
        const want = (ref.data[d] + ref.data[16 + d]) / 2;
        expect(out.data[d]).toBeCloseTo(want, 4);
        expect(out.data[16 + d]).toBeCloseTo(want, 4); // a mirrored copy gets the same vector
      }
    } finally {
      await enc.dispose();
    }
  });

  it('crops: the whole image plus a centre crop of the enlarged image, max-pooled', async () => {
    // cropFraction 0.5: the 32×32 input is resized to 64×64 and its centre 32×32 is the second view
    const crop = await rawOf(sharp(A).removeAlpha().resize(64, 64).extract({ left: 16, top: 16, width: 32, height: 32 }));
    const ref = await plain.embed([raw, crop]);
    const enc = await loadOnnxImageEncoder({
      path: MODEL,
      normalize: false,
      threads: 1,
      tta: { flip: false, crops: 1, cropFraction: 0.5, pooling: 'max' },
    });
    try {
      const out = await enc.embed([A, path.join(DIR, 'missing.png')]);
      for (let d = 0; d < 16; d++) expect(out.data[d]).toBeCloseTo(Math.max(ref.data[d], ref.data[16 + d]), 4);
      // a failed input still fails alone
      expect(out.errors).toHaveLength(1);
      expect(out.errors[0]).toMatchObject({ index: 1 });
      expect(out.errors[0].message).toMatch(/missing\.png.*file not found/);
    } finally {
      await enc.dispose();
    }
  });

  it('rejects a bad tta option when loading', async () => {
    await expect(loadOnnxImageEncoder({ path: MODEL, tta: 'sideways' as never })).rejects.toThrow(/tta must be one of/);
  });
});
