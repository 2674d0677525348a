import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClip, loadClipImageEncoder, loadClipTextEncoder, type ClipModel } from '../../../src/encode/crossmodal/clip.js';
import { imageFile } from '../../../src/encode/crossmodal/mixed.js';
import { trainedEncoderEntries } from '../../../src/encode/train/registry-entries.js';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import { ROOT } from '../../helpers/paths.js';

const DIR = path.join(ROOT, 'test/fixtures/models/tiny-clip');
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as {
  texts: string[];
  input_ids: number[][];
  text_embeds: number[][];
  image: { width: number; height: number; channels: 3; rgb_base64: string };
  image_embeds: number[][];
};
const image = { ...expected.image, data: new Uint8Array(Buffer.from(expected.image.rgb_base64, 'base64')) };

function maxDiff(a: ArrayLike<number>, b: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('CLIP loader (tiny random-weight fixture, expected outputs from torch)', () => {
  let clip: ClipModel;
  let tmp: string;
  beforeAll(async () => {
    clip = await loadClip(DIR, { threads: 1 });
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'embedkit-clip-'));
  });
  afterAll(async () => {
    await clip?.dispose();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('returns a text and an image encoder into one 16-d space', () => {
    expect(clip.dimension).toBe(16);
    expect(clip.text.dimension).toBe(16);
    expect(clip.image.dimension).toBe(16);
    expect(clip.text.modality).toBe('text');
    expect(clip.image.modality).toBe('image');
    expect(clip.text.maxLength).toBe(77);
  });

  it('embeds texts and images in one call, rows in input order, errors at their input index', async () => {
    const png = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toBuffer();
    const file = path.join(tmp, 'mixed.png');
    await fsp.writeFile(file, png);
    const progress: [number, number][] = [];
    const mixed = await clip.embed([expected.texts[0], imageFile(file), image, new Uint8Array([1, 2, 3]), expected.texts[1]], {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect([mixed.rows, mixed.dim]).toEqual([5, 16]);
    const texts = await clip.text.embed([expected.texts[0], expected.texts[1]]);
    const images = await clip.image.embed([file, image]);
    const row = (e: { data: Float32Array }, r: number) => Array.from(e.data.subarray(r * 16, (r + 1) * 16));
    expect(row(mixed, 0)).toEqual(row(texts, 0));
    expect(row(mixed, 4)).toEqual(row(texts, 1));
    expect(row(mixed, 1)).toEqual(row(images, 0));
    expect(row(mixed, 2)).toEqual(row(images, 1));
    expect(mixed.errors.map((e) => e.index)).toEqual([3]);
    expect(row(mixed, 3)).toEqual(new Array(16).fill(0));
    expect(progress[progress.length - 1]).toEqual([5, 5]);
  });

  it('tokenizes like CLIP (byte-level BPE with </w>, start/end tokens)', () => {
    const enc = clip.text.tokenize(expected.texts);
    expected.input_ids.forEach((ids, r) => {
      expect(enc.input_ids[r].slice(0, ids.length)).toEqual(ids);
      expect(enc.attention_mask[r].reduce((a, b) => a + b, 0)).toBe(ids.length);
    });
  });

  it('text embeddings match torch within 1e-4 (padded batch and one by one)', async () => {
    const batch = await clip.text.embed(expected.texts, { normalize: false });
    expect(batch.errors).toEqual([]);
    expected.text_embeds.forEach((row, r) => expect(maxDiff(batch.data.subarray(r * 16, (r + 1) * 16), row)).toBeLessThan(1e-4));
    const single = await clip.text.embed([expected.texts[1]], { normalize: false, batchSize: 1 });
    expect(maxDiff(single.data, expected.text_embeds[1])).toBeLessThan(1e-4);
    const unit = await clip.text.embed(expected.texts.slice(0, 1));
    expect(Math.hypot(...unit.data)).toBeCloseTo(1, 5);
  });

  it('image embeddings match torch within 1e-4 (raw pixels and a lossless PNG of them)', async () => {
    const png = await sharp(Buffer.from(image.data), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    const file = path.join(tmp, 'img.png');
    await fsp.writeFile(file, png);
    const out = await clip.image.embed([image, png, file], { normalize: false });
    expect(out.errors).toEqual([]);
    for (let r = 0; r < 3; r++) expect(maxDiff(out.data.subarray(r * 16, (r + 1) * 16), expected.image_embeds[0])).toBeLessThan(1e-4);
  });

  it('text and image vectors can be compared: cosine of unit rows is in [-1, 1]', async () => {
    const t = await clip.text.embed(['a photo of a cat']);
    const i = await clip.image.embed([image]);
    let dot = 0;
    for (let d = 0; d < 16; d++) dot += t.data[d] * i.data[d];
    expect(Math.abs(dot)).toBeLessThanOrEqual(1);
  });

  it('bad images give per-item errors naming the input; the batch goes on', async () => {
    const empty = path.join(tmp, 'empty.png');
    const corrupt = path.join(tmp, 'corrupt.jpg');
    await fsp.writeFile(empty, '');
    await fsp.writeFile(corrupt, Buffer.from('this is not a jpeg at all'));
    const out = await clip.image.embed([image, empty, corrupt, path.join(tmp, 'missing.png')]);
    expect(out.errors.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(out.errors[0].message).toContain('empty.png');
    expect(out.errors[1].message).toContain('corrupt.jpg');
    expect(out.errors[2].message).toContain('missing.png');
    expect(Array.from(out.data.subarray(16, 32)).every((v) => v === 0)).toBe(true);
    expect(Math.hypot(...out.data.subarray(0, 16))).toBeCloseTo(1, 5);
  });

  it('a non-string text is a per-item error; the other texts are embedded', async () => {
    const out = await clip.text.embed(['a dog', 42 as unknown as string, 'a cat'], { normalize: false });
    expect(out.errors).toEqual([{ index: 1, message: 'input 1 is not a string (number)' }]);
    expect(Array.from(out.data.subarray(16, 32)).every((v) => v === 0)).toBe(true);
    const alone = await clip.text.embed(['a cat'], { normalize: false });
    expect(maxDiff(out.data.subarray(32, 48), Array.from(alone.data))).toBeLessThan(1e-5);
  });

  it('a very long text is truncated to maxLength, not an error', async () => {
    const out = await clip.text.embed(['cat '.repeat(200)]);
    expect(out.errors).toEqual([]);
    expect(clip.text.tokenize(['cat '.repeat(200)]).input_ids[0]).toHaveLength(77);
  });

  it('missing or broken files fail with errors naming the file', async () => {
    await expect(loadClip(path.join(tmp, 'nope'))).rejects.toThrow(/nope: CLIP model folder not found/);
    const copy = path.join(tmp, 'copy');
    await fsp.cp(DIR, copy, { recursive: true });
    await fsp.rm(path.join(copy, 'onnx', 'text_model.onnx'));
    await expect(loadClip(copy)).rejects.toThrow(/text_model\.onnx: missing model file/);
    // The vision tower alone does not need the text files.
    const vision = await loadClipImageEncoder(copy, { threads: 1 });
    expect(vision.dimension).toBe(16);
    await vision.dispose();
    await fsp.writeFile(path.join(copy, 'onnx', 'text_model.onnx'), Buffer.from('garbage, not protobuf'));
    await expect(loadClipTextEncoder(copy)).rejects.toThrow(FileFormatError);
    await expect(loadClipTextEncoder(copy)).rejects.toThrow(/text_model\.onnx: not a valid ONNX model/);
    await fsp.writeFile(path.join(copy, 'onnx', 'text_model.onnx'), '');
    await expect(loadClipTextEncoder(copy)).rejects.toThrow(/text_model\.onnx: empty model file/);
    await fsp.copyFile(path.join(DIR, 'onnx', 'text_model.onnx'), path.join(copy, 'onnx', 'text_model.onnx'));
    await fsp.writeFile(path.join(copy, 'tokenizer.json'), '{"model": ');
    await expect(loadClipTextEncoder(copy)).rejects.toThrow(/tokenizer\.json: not valid JSON/);
    await fsp.rm(path.join(copy, 'tokenizer.json'));
    await expect(loadClipTextEncoder(copy)).rejects.toThrow(/tokenizer\.json: missing tokenizer file/);
  });

  it('towers of different dimensions are refused (not one space)', async () => {
    await expect(loadClip(DIR, { visionModel: 'vision_model_8d.onnx', threads: 1 })).rejects.toThrow(
      /dimension mismatch: the text tower gives 16-d vectors, the vision tower 8-d/,
    );
  });

  it('registry entries clip-text / clip-image load by path', async () => {
    const textEntry = trainedEncoderEntries.find((e) => e.name === 'clip-text')!;
    const imageEntry = trainedEncoderEntries.find((e) => e.name === 'clip-image')!;
    const text = await textEntry.load({ path: DIR, threads: 1, batchSize: 2 });
    const img = await imageEntry.load({ path: DIR, threads: 1 });
    expect([text.modality, text.dimension, img.modality, img.dimension]).toEqual(['text', 16, 'image', 16]);
    const out = await text.embed(expected.texts, { normalize: false });
    expect(maxDiff(out.data.subarray(32, 48), expected.text_embeds[2])).toBeLessThan(1e-4);
    await text.dispose?.();
    await img.dispose?.();
    await expect(textEntry.load({})).rejects.toThrow(UsageError);
    await expect(textEntry.load({ path: DIR, colour: 'red' })).rejects.toThrow(/unknown option 'colour'/);
  });
});
