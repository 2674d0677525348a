import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../../src/learn/random.js';
import { Classifier } from '../../../src/tasks/classify/classifier.js';
import { readLabelled } from '../../../src/tasks/classify/dataset.js';

let dir: string;

/** A 32×32 PNG of stripes (vertical or horizontal) with seeded noise. */
async function stripes(file: string, vertical: boolean, rng: Random): Promise<void> {
  const size = 32;
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const on = ((vertical ? x : y) >> 2) % 2 === 0;
      const v = Math.max(0, Math.min(255, (on ? 200 : 50) + Math.round(30 * rng.gaussian())));
      px.fill(v, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  await sharp(px, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toFile(file);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-folder-'));
  const rng = new Random(2);
  for (const [split, count] of [
    ['train', 8],
    ['test', 4],
  ] as const)
    for (const label of ['horizontal', 'vertical']) {
      mkdirSync(join(dir, split, label), { recursive: true });
      for (let i = 0; i < count; i++) await stripes(join(dir, split, label, `${i}.png`), label === 'vertical', rng);
    }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classifying a DIR/label/file image folder', () => {
  it.each(['logistic', 'knn'])('%s on raw-pixels embeddings', async (method) => {
    const train = await readLabelled(join(dir, 'train'), 'image');
    expect(train.labels.filter((l) => l === 'vertical')).toHaveLength(8);
    await expect(Classifier.train(train)).rejects.toThrow(/needs --encoder/);
    const model = await Classifier.train(train, { encoder: 'raw-pixels', method });
    expect(model.features).toBe('embedding');
    const test = await readLabelled(join(dir, 'test'), 'image');
    const file = join(dir, `${method}.json`);
    await model.save(file);
    const pred = await (await Classifier.load(file)).predict(test.inputs);
    expect(pred).toEqual(test.labels);
  });
});
