import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabelledFolder, stratifiedSplit } from '../../../src/encode/train/dataset.js';
import { trainedEncoderEntries } from '../../../src/encode/train/registry-entries.js';
import { trainImageEncoder } from '../../../src/encode/train/train-encoder.js';
import { loadTrainedEncoder } from '../../../src/encode/train/trained-file.js';
import type { TrainedImageEncoder } from '../../../src/encode/train/trained-encoder.js';
import { writeShapeSet } from './shapes.js';

describe('trainImageEncoder on a folder of labelled images (raw-pixels backbone)', () => {
  let tmp: string;
  let data: string;
  let encoder: TrainedImageEncoder;
  let report: Awaited<ReturnType<typeof trainImageEncoder>>['report'];

  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'embedkit-train-'));
    data = path.join(tmp, 'shapes');
    await writeShapeSet(data, 30, 1);
    // Unreadable files inside the set: reported, skipped, training goes on.
    await fsp.writeFile(path.join(data, 'disc', 'zero.png'), '');
    await fsp.writeFile(path.join(data, 'ring', 'broken.jpg'), 'not a jpeg');
    await fsp.writeFile(path.join(data, 'notes.txt'), 'ignored');
    ({ encoder, report } = await trainImageEncoder(data, {
      backbone: 'raw-pixels',
      backboneOptions: { size: 16 },
      hidden: [64],
      outputDim: 16,
      epochs: 40,
      learningRate: 2e-3,
      testFraction: 0.3,
      seed: 3,
    }));
  });
  afterAll(async () => {
    await encoder?.dispose();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('reads dir/label/* and splits per label', async () => {
    const set = await readLabelledFolder(data);
    expect(set.labelNames).toEqual(['cross', 'disc', 'ring', 'square']);
    expect(set.files).toHaveLength(122);
    expect(set.skipped).toEqual([path.join(data, 'notes.txt')]);
    const split = stratifiedSplit(set.labels, 0.3, 3);
    expect(split.train.length + split.test.length).toBe(122);
    for (let c = 0; c < 4; c++) expect(split.test.filter((i) => set.labels[i] === c).length).toBe(9);
    await expect(readLabelledFolder(path.join(tmp, 'none'))).rejects.toThrow(
      /none: cannot read the labelled image folder \(no such folder\)/,
    );
    await expect(readLabelledFolder(path.join(data, 'disc'))).rejects.toThrow(/at least 2 labels, found 0/);
  });

  it('reports unreadable images by file and trains on the rest', () => {
    expect(report.failures.map((f) => path.basename(f.file)).sort()).toEqual(['broken.jpg', 'zero.png']);
    expect(report.failures.every((f) => f.message.includes(f.file))).toBe(true);
    expect(report.trainCount + report.testCount).toBe(120);
    expect(report.testCount).toBe(36);
  });

  it('improves held-out precision@1 over the raw backbone features', () => {
    const { before, after } = report.heldOutPrecisionAt1!;
    expect(report.losses[report.losses.length - 1]).toBeLessThan(report.losses[0]);
    expect(report.trainPrecisionAt1.after).toBeGreaterThan(0.9);
    // Measured: 0.56 → 0.67 (seed 3). Pixels of shapes at random places: the head learns some invariance.
    expect(after).toBeGreaterThan(before + 0.05);
    expect(after).toBeGreaterThan(0.6);
    expect(encoder.dimension).toBe(16);
    expect(encoder.name).toBe('trained:shapes');
    expect(encoder.labels).toEqual(['cross', 'disc', 'ring', 'square']);
  });

  it('embeds new images (unit rows), with per-item errors for bad inputs', async () => {
    const fresh = path.join(tmp, 'fresh');
    await writeShapeSet(fresh, 2, 99);
    const files = [path.join(fresh, 'disc', '000.png'), path.join(tmp, 'missing.png'), path.join(fresh, 'ring', '001.png')];
    const out = await encoder.embed(files);
    expect(out.rows).toBe(3);
    expect(out.errors.map((e) => e.index)).toEqual([1]);
    expect(out.errors[0].message).toContain('missing.png');
    expect(Array.from(out.data.subarray(16, 32)).every((v) => v === 0)).toBe(true);
    expect(Math.hypot(...out.data.subarray(0, 16))).toBeCloseTo(1, 5);
  });

  it('saves to one file and reloads (by path or through the registry) with identical outputs', async () => {
    const file = path.join(tmp, 'shapes.ekte');
    await encoder.save(file);
    const entries = await fsp.readdir(tmp);
    expect(entries.filter((e) => e.includes('.tmp'))).toEqual([]);
    const files = (await readLabelledFolder(data)).files.slice(0, 10);
    const a = await encoder.embed(files);
    const reloaded = await loadTrainedEncoder(file);
    const b = await reloaded.embed(files);
    expect(reloaded.name).toBe(encoder.name);
    expect(reloaded.dimension).toBe(16);
    expect(reloaded.info.backbone).toEqual({ name: 'raw-pixels', options: { size: 16 }, dimension: 256 });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    await reloaded.dispose();
    const viaRegistry = await trainedEncoderEntries.find((e) => e.name === 'trained')!.load({ path: file });
    expect(viaRegistry.modality).toBe('image');
    expect(Array.from((await viaRegistry.embed(files)).data)).toEqual(Array.from(a.data));
    await viaRegistry.dispose?.();
  });

  it('is deterministic: the same seed gives the same file', async () => {
    const opts = { backbone: 'raw-pixels', backboneOptions: { size: 8 }, hidden: [8], outputDim: 4, epochs: 2, seed: 5 } as const;
    const one = await trainImageEncoder(data, opts);
    const two = await trainImageEncoder(data, opts);
    await one.encoder.save(path.join(tmp, 'one.ekte'));
    await two.encoder.save(path.join(tmp, 'two.ekte'));
    expect(await fsp.readFile(path.join(tmp, 'one.ekte'))).toEqual(await fsp.readFile(path.join(tmp, 'two.ekte')));
    await one.encoder.dispose();
    await two.encoder.dispose();
  });
});
