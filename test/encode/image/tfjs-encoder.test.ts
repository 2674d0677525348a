// The tfjs encoders run their models on worker threads loaded from dist/: `npm run build` first
// (`npm test` does).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/encode/image/decode.js';
import { listLabelledImages, precisionAt1 } from '../../../src/encode/image/labelled-set.js';
import { loadPixelEncoder } from '../../../src/encode/image/pixel-encoder.js';
import { preprocessImage } from '../../../src/encode/image/preprocess.js';
import { loadTfjsImageEncoder, type TfjsImageEncoder } from '../../../src/encode/image/tfjs-encoder.js';
import { loadTfjsFeatureModel } from '../../../src/encode/image/tfjs-models.js';
import { TfjsWorkerPool } from '../../../src/encode/image/tfjs-pool.js';
import { AbortError, UsageError } from '../../../src/errors.js';
import { ROOT } from '../../helpers/paths.js';

const F = (name: string) => path.join(ROOT, 'test/fixtures/images', name);

function cosine(data: Float32Array, dim: number, a: number, b: number): number {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < dim; d++) {
    s += data[a * dim + d] * data[b * dim + d];
    na += data[a * dim + d] ** 2;
    nb += data[b * dim + d] ** 2;
  }
  return s / Math.sqrt(na * nb);
}

describe('mobilenet-v2 (nsfwjs MobileNetV2Mid feature vector, tfjs wasm on worker threads)', () => {
  let encoder: TfjsImageEncoder;
  beforeAll(async () => {
    encoder = await loadTfjsImageEncoder('mobilenet-v2', { threads: 2, batchSize: 4 });
  });
  afterAll(async () => {
    await encoder?.dispose();
  });

  it('embeds paths, Buffers and raw pixels; bad items get per-item errors with their index', async () => {
    const cat = await decodeImage(F('cat.png'));
    const inputs = [F('cat.png'), readFileSync(F('cat.jpg')), F('empty.jpg'), cat, F('face.jpg'), F('missing.png'), F('cat.webp')];
    const progress: number[] = [];
    const out = await encoder.embed(inputs, { onProgress: (done) => progress.push(done) });
    expect([out.rows, out.dim]).toEqual([7, 1792]);
    expect(out.errors).toEqual([
      { index: 2, message: `${F('empty.jpg')}: empty file (0 bytes)` },
      { index: 5, message: `${F('missing.png')}: file not found` },
    ]);
    expect(progress.at(-1)).toBe(7);
    for (const i of [0, 1, 3, 4, 6]) expect(Math.hypot(...out.data.subarray(i * 1792, (i + 1) * 1792))).toBeCloseTo(1, 4);
    expect(out.data.subarray(2 * 1792, 3 * 1792).every((v) => v === 0)).toBe(true);
    // The PNG file and its decoded pixels are the same image; JPEG/WebP versions are close; a face is not a cat.
    expect(cosine(out.data, 1792, 0, 3)).toBeGreaterThan(0.9999);
    expect(cosine(out.data, 1792, 0, 1)).toBeGreaterThan(0.95);
    expect(cosine(out.data, 1792, 0, 6)).toBeGreaterThan(0.95);
    expect(cosine(out.data, 1792, 0, 4)).toBeLessThan(0.6);
  });

  it('gives the same vectors as the model run on this thread, one image at a time', async () => {
    const model = await loadTfjsFeatureModel('mobilenet-v2');
    try {
      const spec = encoder.preprocess;
      const files = [F('cat.jpg'), F('face.jpg'), F('rotated-exif.jpg')];
      const out = await encoder.embed(files, { normalize: false, batchSize: 2 });
      for (let i = 0; i < files.length; i++) {
        const single = model.run(await preprocessImage(files[i], spec), 1);
        let max = 0;
        for (let d = 0; d < 1792; d++) max = Math.max(max, Math.abs(single[d] - out.data[i * 1792 + d]));
        expect(max).toBeLessThan(1e-4);
      }
    } finally {
      model.dispose();
    }
  });

  it('beats raw pixels at leave-one-out retrieval on the committed image subset', async () => {
    const set = await listLabelledImages(F('set'));
    expect(new Set(set.labels).size).toBe(6);
    const pixels = await loadPixelEncoder();
    const raw = await pixels.embed(set.files);
    const cnn = await encoder.embed(set.files);
    expect(raw.errors).toEqual([]);
    expect(cnn.errors).toEqual([]);
    // Other-source P@1: a crop may not find its own original.
    const rawP = precisionAt1(raw.data, raw.dim, set.labels, { sources: set.sources }).precision;
    const cnnP = precisionAt1(cnn.data, cnn.dim, set.labels, { sources: set.sources }).precision;
    expect(cnnP).toBeGreaterThanOrEqual(0.8);
    expect(cnnP).toBeGreaterThan(rawP + 0.15);
  });

  it('aborts and validates options', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(encoder.embed([F('cat.png')], { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(encoder.embed([F('cat.png')], { batchSize: 0 })).rejects.toThrow(UsageError);
    await expect(encoder.embed('cat.png' as never)).rejects.toThrow(/inputs must be an array/);
    await expect(loadTfjsImageEncoder('mobilenet-v2', { threads: 1, colour: true } as never)).rejects.toThrow(/unknown option 'colour'/);
    expect((await encoder.embed([])).rows).toBe(0);
  });
});

describe('TfjsWorkerPool', () => {
  it('concurrent batches go to different workers, and more batches than workers all finish', async () => {
    const pool = await TfjsWorkerPool.start('mobilenet-v2', 2);
    try {
      const per = 224 * 224 * 3;
      const outs = await Promise.all(Array.from({ length: 5 }, () => pool.run(new Float32Array(per), 1)));
      // The first two claims take one worker each (the old pool gave both to the first worker).
      expect(pool.runsPerWorker.every((n) => n >= 1)).toBe(true);
      expect(pool.runsPerWorker.reduce((a, b) => a + b, 0)).toBe(5);
      for (const out of outs)
        expect(Array.from((out as { data: Float32Array }).data)).toEqual(Array.from((outs[0] as { data: Float32Array }).data));
    } finally {
      await pool.dispose();
    }
  });
});

describe('inception-v3 (nsfwjs InceptionV3, flatten_1)', () => {
  it('gives 2048-d vectors at 299×299', async () => {
    const encoder = await loadTfjsImageEncoder('inception-v3', { threads: 1 });
    try {
      expect([encoder.dimension, encoder.preprocess.width]).toEqual([2048, 299]);
      const out = await encoder.embed([F('cat.png'), F('cat.jpg'), F('not-an-image.jpg')]);
      expect(out.errors.map((e) => e.index)).toEqual([2]);
      expect(cosine(out.data, 2048, 0, 1)).toBeGreaterThan(0.95);
    } finally {
      await encoder.dispose();
    }
  });
});
