// mobilenet-v2 with the feature-map poolings of its `pooling` option. The encoder runs its model on
// worker threads loaded from dist/: `npm run build` first (`npm test` does).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMapPooling } from '../../../src/encode/image/map-pooling.js';
import { preprocessImage, resolvePreprocess } from '../../../src/encode/image/preprocess.js';
import { loadTfjsImageEncoder } from '../../../src/encode/image/tfjs-encoder.js';
import { loadTfjsFeatureModel, type TfjsFeatureModel } from '../../../src/encode/image/tfjs-models.js';
import { UsageError } from '../../../src/errors.js';
import { ROOT } from '../../helpers/paths.js';

const F = (name: string) => path.join(ROOT, 'test/fixtures/images', name);
const FILES = [F('cat.jpg'), F('face.jpg')];

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('mobilenet-v2 feature-map pooling (GeM, R-MAC, max)', () => {
  let average: TfjsFeatureModel;
  let gemOne: TfjsFeatureModel;
  beforeAll(async () => {
    average = await loadTfjsFeatureModel('mobilenet-v2');
    gemOne = await loadTfjsFeatureModel('mobilenet-v2', resolveMapPooling({ type: 'gem', p: 1 }));
  });
  afterAll(() => {
    average?.dispose();
    gemOne?.dispose();
  });

  it('cuts the graph at the map the model itself averages: GeM with p = 1 gives the shipped vector', async () => {
    // mobilenet-v2's preprocessing (tfjs-encoder.ts)
    const spec = resolvePreprocess({ width: 224, height: 224, resize: 'cover', normalization: 'unit', layout: 'nhwc' });
    for (const file of FILES) {
      const x = await preprocessImage(file, spec);
      const shipped = average.run(x.slice(), 1);
      const pooled = gemOne.run(x.slice(), 1);
      expect(shipped).toHaveLength(1792);
      // ReLU6 activations (0 .. 6) averaged over 7 × 7 positions: equal up to float32 rounding and the 1e-6 clamp
      expect(maxAbsDifference(shipped, pooled)).toBeLessThan(1e-4);
    }
  });

  it('embeds with pooling gem and rmac on worker threads, deterministically, as on this thread', async () => {
    const gem = await loadTfjsImageEncoder('mobilenet-v2', { threads: 2, batchSize: 1, pooling: 'gem' });
    const gemHere = await loadTfjsFeatureModel('mobilenet-v2', resolveMapPooling('gem'));
    try {
      const a = await gem.embed(FILES, { normalize: false });
      const b = await gem.embed(FILES, { normalize: false });
      expect(a.errors).toEqual([]);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      for (let i = 0; i < FILES.length; i++) {
        const here = gemHere.run(await preprocessImage(FILES[i], gem.preprocess), 1);
        expect(maxAbsDifference(here, a.data.subarray(i * 1792, (i + 1) * 1792))).toBeLessThan(1e-5);
        // GeM (p = 3) lies between the average and the max of each channel, above the average
        const avg = average.run(await preprocessImage(FILES[i], gem.preprocess), 1);
        for (let d = 0; d < 1792; d += 97) expect(a.data[i * 1792 + d]).toBeGreaterThanOrEqual(avg[d] - 1e-5);
      }
    } finally {
      gemHere.dispose();
      await gem.dispose();
    }
    const rmac = await loadTfjsImageEncoder('mobilenet-v2', { threads: 1, pooling: 'rmac' });
    try {
      const out = await rmac.embed(FILES);
      expect([out.rows, out.dim, out.errors.length]).toEqual([2, 1792, 0]);
      for (let i = 0; i < 2; i++) expect(Math.hypot(...out.data.subarray(i * 1792, (i + 1) * 1792))).toBeCloseTo(1, 4);
    } finally {
      await rmac.dispose();
    }
  });

  it('rejects a bad pooling option and a model without a feature map', async () => {
    await expect(loadTfjsImageEncoder('mobilenet-v2', { threads: 1, pooling: 'median' as never })).rejects.toThrow(UsageError);
    await expect(loadTfjsImageEncoder('inception-v3', { threads: 1, pooling: 'gem' })).rejects.toThrow(
      /the inception-v3 encoder supports only pooling 'average'/,
    );
  });
});
