import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/encode/image/decode.js';
import { ImageInputError } from '../../../src/encode/image/errors.js';
import { preprocessBatch } from '../../../src/encode/image/preprocess.js';
import { UsageError } from '../../../src/errors.js';
import { ROOT } from '../../helpers/paths.js';

const F = (name: string) => path.join(ROOT, 'test/fixtures/images', name);

function pixel(img: { data: Uint8Array | Uint8ClampedArray; width: number; channels: number }, x: number, y: number): number[] {
  const o = (y * img.width + x) * img.channels;
  return Array.from(img.data.subarray(o, o + img.channels));
}

describe('decodeImage', () => {
  it.each(['cat.jpg', 'cat.png', 'cat.webp', 'cat.gif', 'cat.tiff'])('decodes %s to 64×48 RGB close to the PNG', async (name) => {
    const png = await decodeImage(F('cat.png'));
    const img = await decodeImage(F(name));
    expect([img.width, img.height, img.channels]).toEqual([64, 48, 3]);
    expect(img.data.length).toBe(64 * 48 * 3);
    let diff = 0;
    for (let i = 0; i < img.data.length; i++) diff += Math.abs(img.data[i] - png.data[i]);
    // Lossy JPEG/WebP and the 256-colour GIF stay within a few levels on average.
    expect(diff / img.data.length).toBeLessThan(name === 'cat.gif' ? 12 : 6);
  });

  it('decodes AVIF and SVG (made here with sharp / as text)', async () => {
    const sharp = (await import('sharp')).default;
    const avif = await decodeImage(await sharp(F('cat.png')).avif().toBuffer());
    expect([avif.width, avif.height]).toEqual([64, 48]);
    const svg = await decodeImage(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#f00"/></svg>'),
    );
    expect([svg.width, svg.height]).toEqual([20, 10]);
    expect(pixel(svg, 5, 5)).toEqual([255, 0, 0]);
  });

  it('applies the EXIF orientation (stored 60×40 left red, orientation 6 → 40×60, red on top)', async () => {
    const img = await decodeImage(F('rotated-exif.jpg'));
    expect([img.width, img.height]).toEqual([40, 60]);
    const top = pixel(img, 20, 5);
    const bottom = pixel(img, 20, 55);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);
  });

  it('flattens transparency on white, expands grey to RGB, takes the first GIF frame', async () => {
    const alpha = await decodeImage(F('alpha.png'));
    expect(pixel(alpha, 2, 2)).toEqual([255, 255, 255]);
    expect(pixel(alpha, 30, 5)).toEqual([0, 255, 0]);
    const grey = await decodeImage(F('grey.png'));
    expect(grey.channels).toBe(3);
    const g = pixel(grey, 3, 8);
    expect(g[0]).toBe(g[1]);
    expect(g[1]).toBe(g[2]);
    const gif = await decodeImage(F('animated.gif'));
    expect([gif.width, gif.height]).toEqual([8, 8]);
    expect(pixel(gif, 4, 4)).toEqual([255, 0, 0]);
  });

  it('accepts Buffers, Uint8Arrays and raw pixels', async () => {
    const bytes = readFileSync(F('cat.png'));
    const fromBuffer = await decodeImage(bytes);
    const fromArray = await decodeImage(new Uint8Array(bytes));
    expect(Buffer.from(fromArray.data).equals(Buffer.from(fromBuffer.data))).toBe(true);
    const raw = await decodeImage({ data: fromBuffer.data, width: 64, height: 48, channels: 3 });
    expect(Buffer.from(raw.data).equals(Buffer.from(fromBuffer.data))).toBe(true);
    const grey = await decodeImage({ data: new Uint8Array([0, 255, 128, 64]), width: 2, height: 2, channels: 1 });
    expect(pixel(grey, 1, 0)).toEqual([255, 255, 255]);
  });

  describe('bad inputs name the input and the problem', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'embedkit-decode-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const cases: [string, RegExp][] = [
      ['empty.jpg', /empty\.jpg: empty file \(0 bytes\)/],
      ['truncated.jpg', /truncated\.jpg: corrupt or truncated image/],
      ['not-an-image.jpg', /not-an-image\.jpg: not an image, or a format that cannot be decoded/],
      ['unsupported.bmp', /unsupported\.bmp: BMP is not a supported image format/],
      ['missing.png', /missing\.png: file not found/],
    ];
    it.each(cases)('%s', async (name, message) => {
      const error = await decodeImage(F(name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageInputError);
      expect((error as Error).message).toMatch(message);
    });

    it('a directory', async () => {
      await expect(decodeImage(dir)).rejects.toThrow(/is a directory, not an image file/);
    });

    it('images above the pixel limit are refused before decoding', async () => {
      await expect(decodeImage(F('huge-header.jpg'))).rejects.toThrow(
        /huge-header\.jpg: image of 50000×50000 = 2,500,000,000 pixels is above the limit of 40,000,000 pixels/,
      );
      await expect(decodeImage(readFileSync(F('huge-header.jpg')))).rejects.toThrow(
        /^input 0 \(Buffer of \d+ bytes\): image of 50000×50000/,
      );
      await expect(decodeImage(F('cat.png'), { maxInputPixels: 1000 })).rejects.toThrow(
        /cat\.png: image of 64×48 = 3,072 pixels is above the limit of 1,000/,
      );
      await expect(decodeImage({ data: new Uint8Array(300), width: 10, height: 10, channels: 3 }, { maxInputPixels: 50 })).rejects.toThrow(
        /above the limit of 50 pixels/,
      );
      expect((await decodeImage(F('cat.png'), { maxInputPixels: 0 })).width).toBe(64);
    });

    it('empty buffers, wrong raw shapes and non-images', async () => {
      await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(/empty buffer \(0 bytes\)/);
      await expect(decodeImage({ data: new Uint8Array(10), width: 2, height: 2, channels: 3 })).rejects.toThrow(
        /raw image data has 10 bytes, expected width × height × channels = 12/,
      );
      await expect(decodeImage({ data: new Uint8Array(12), width: 2, height: 2, channels: 5 as 3 })).rejects.toThrow(
        /channels must be 1, 2, 3 or 4/,
      );
      await expect(decodeImage(42 as unknown as string)).rejects.toThrow(/not an image input/);
      await expect(decodeImage(F('cat.png'), { maxInputPixels: -1 })).rejects.toThrow(UsageError);
    });
  });
});

describe('preprocessBatch: per-item errors, the batch goes on', () => {
  it('reports each failed input with its index and keeps the good ones', async () => {
    const inputs = [
      F('cat.png'),
      F('empty.jpg'),
      readFileSync(F('cat.jpg')),
      F('truncated.jpg'),
      readFileSync(F('huge-header.jpg')),
      F('cat.webp'),
    ];
    const out = await preprocessBatch(inputs, { width: 8, height: 8 }, 10);
    expect(out.ok).toEqual([true, false, true, false, false, true]);
    expect(out.errors.map((e) => e.index)).toEqual([11, 13, 14]);
    expect(out.errors[0].message).toMatch(/empty\.jpg: empty file/);
    expect(out.errors[2].message).toMatch(/^input 14 \(Buffer of \d+ bytes\): image of 50000×50000/);
    const per = 8 * 8 * 3;
    expect(out.data.subarray(per, 2 * per).every((v) => v === 0)).toBe(true);
    expect(out.data.subarray(0, per).some((v) => v > 0)).toBe(true);
  });
});
