// face-api runs on a worker thread loaded from dist/: `npm run build` first (`npm test` does).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/encode/image/decode.js';
import { loadFaceEncoder } from '../../../src/encode/image/face-encoder.js';
import { resolvePackageFile } from '../../../src/encode/packages.js';
import { imageEncoderEntries } from '../../../src/encode/image/registry-entries.js';
import { ROOT } from '../../helpers/paths.js';

const F = (name: string) => path.join(ROOT, 'test/fixtures/images', name);

function distance(data: Float32Array, a: number, b: number): number {
  let s = 0;
  for (let d = 0; d < 128; d++) s += (data[a * 128 + d] - data[b * 128 + d]) ** 2;
  return Math.sqrt(s);
}

/** The image mirrored left-right and shrunk to 3/4, as raw pixels. */
async function mirrored(file: string) {
  const img = await decodeImage(file);
  const { width, height } = img;
  const w = Math.round((width * 3) / 4);
  const h = Math.round((height * 3) / 4);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = width - 1 - Math.floor((x * width) / w);
      const sy = Math.floor((y * height) / h);
      data.set(img.data.subarray((sy * width + sx) * 3, (sy * width + sx) * 3 + 3), (y * w + x) * 3);
    }
  }
  return { data, width: w, height: h, channels: 3 as const };
}

describe('face-api encoder (@vladmandic/face-api, bundled weights)', () => {
  it('128-d descriptors: same face close (< 0.6), another person far; no face → per-item error', async () => {
    // face.jpg: skimage's astronaut (Eileen Collins); sample1.jpg ships with face-api (another person).
    const other = path.join(path.dirname(resolvePackageFile('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');
    const encoder = await loadFaceEncoder({ threads: 1 });
    try {
      expect(encoder.dimension).toBe(128);
      const out = await encoder.embed([F('face.jpg'), await mirrored(F('face.jpg')), F('cat.png'), other, F('empty.jpg')]);
      expect(out.errors).toEqual([
        { index: 2, message: `${F('cat.png')}: no face found (detector confidence < 0.5)` },
        { index: 4, message: `${F('empty.jpg')}: empty file (0 bytes)` },
      ]);
      expect(distance(out.data, 0, 1)).toBeLessThan(0.45);
      expect(distance(out.data, 0, 3)).toBeGreaterThan(0.6);
    } finally {
      await encoder.dispose();
    }
  });

  it('is registered lazily with its packages and validates options', async () => {
    const entry = imageEncoderEntries.find((e) => e.name === 'face-api')!;
    expect(entry.dimension).toBe(128);
    expect(entry.requires).toContain('@vladmandic/face-api');
    await expect(entry.load({ minConfidence: 2 })).rejects.toThrow(/minConfidence must be in \(0, 1\)/);
    await expect(entry.load({ size: 3 })).rejects.toThrow(/unknown option 'size'/);
  });
});
