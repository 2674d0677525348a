import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainDevise, loadDevise, defaultLabelText, type DeviseModel, type DeviseReport } from '../../../src/encode/crossmodal/devise.js';
import { hingeRankLoss, trainDeviseMap, unitRows } from '../../../src/encode/crossmodal/devise-map.js';
import { MeanPoolingEncoder } from '../../../src/encode/text/mean-max.js';
import { retrievalFigures } from '../../../src/learn/metrics.js';
import { predict } from '../../../src/learn/mlp.js';
import { Random } from '../../../src/learn/random.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { writeShapeSet } from '../train/shapes.js';

const WORDS = ['red', 'green', 'blue', 'disc', 'square', 'cross', 'ring', 'round', 'sharp'];

/** Random 8-d word vectors (seeded). */
function wordVectors(): KeyedVectors {
  const rng = new Random(11);
  const dim = 8;
  const v = new Float32Array(WORDS.length * dim);
  for (let i = 0; i < v.length; i++) v[i] = rng.gaussian();
  return new KeyedVectors({ words: WORDS, vectors: v, dim });
}

describe('DeViSE map (hinge rank loss, Frome et al. 2013)', () => {
  it('the hinge rank loss is zero when the true label wins by the margin, and its gradient points to the label', () => {
    const targets = unitRows(Float32Array.from([1, 0, 0, 1]), 2);
    expect(hingeRankLoss(Float32Array.from([1, 0]), [0], targets, 2, 2, 0.1).loss).toBe(0);
    const { loss, grad } = hingeRankLoss(Float32Array.from([0, 0]), [0], targets, 2, 2, 0.1);
    expect(loss).toBeCloseTo(0.1);
    expect(Array.from(grad)).toEqual([-1, 1]); // descending moves p towards label 0 and away from label 1
  });

  it('maps compositional features so unseen colour+shape pairs are retrieved by their words (zero-shot)', async () => {
    // Image features: a random linear mix of (colour one-hot, shape one-hot) plus noise.
    const colours = ['red', 'green', 'blue'];
    const shapes = ['disc', 'square', 'cross'];
    const kv = wordVectors();
    const rng = new Random(5);
    const dim = 24;
    const mix = Float32Array.from({ length: 6 * dim }, () => rng.gaussian());
    const pairs = colours.flatMap((c, ci) => shapes.map((s, si) => ({ text: `${c} ${s}`, ci, si })));
    const unseen = new Set(['blue cross', 'green disc']);
    const sample = (ci: number, si: number) => {
      const row = new Float32Array(dim);
      for (let d = 0; d < dim; d++) row[d] = mix[ci * dim + d] + mix[(3 + si) * dim + d] + 0.2 * rng.gaussian();
      return row;
    };
    const text = new MeanPoolingEncoder(kv);
    const labelVecs = (await text.embed(pairs.map((p) => p.text))).data;
    const seen = pairs.map((_, k) => k).filter((k) => !unseen.has(pairs[k].text));
    const x: Float32Array[] = [];
    const y: number[] = [];
    seen.forEach((k, j) => {
      for (let n = 0; n < 20; n++) {
        x.push(sample(pairs[k].ci, pairs[k].si));
        y.push(j);
      }
    });
    const features = new Float32Array(x.length * dim);
    x.forEach((r, i) => features.set(r, i * dim));
    const seenVecs = new Float32Array(seen.length * 8);
    seen.forEach((k, j) => seenVecs.set(labelVecs.subarray(k * 8, k * 8 + 8), j * 8));
    const { layer, losses } = await trainDeviseMap(features, dim, Int32Array.from(y), seenVecs, 8, {
      epochs: 60,
      learningRate: 1e-2,
      seed: 2,
    });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 4);
    // Fresh images of every pair, retrieved with the pair's text among all 9 pairs' images.
    const test: Float32Array[] = [];
    const testLabels: number[] = [];
    pairs.forEach((p, k) => {
      for (let n = 0; n < 5; n++) {
        test.push(sample(p.ci, p.si));
        testLabels.push(k);
      }
    });
    const tf = new Float32Array(test.length * dim);
    test.forEach((r, i) => tf.set(r, i * dim));
    const projected = predict([layer], tf, test.length);
    const unseenIds = pairs.map((_, k) => k).filter((k) => unseen.has(pairs[k].text));
    const unseenQueries = new Float32Array(unseenIds.length * 8);
    unseenIds.forEach((k, j) => unseenQueries.set(labelVecs.subarray(k * 8, k * 8 + 8), j * 8));
    const zeroShot = retrievalFigures(unseenQueries, unseenIds, projected, testLabels, 8, 5);
    const all = retrievalFigures(
      labelVecs,
      pairs.map((_, k) => k),
      projected,
      testLabels,
      8,
      5,
    );
    expect(all.precisionAt1).toBeGreaterThan(0.85);
    expect(zeroShot.precisionAt1).toBe(1);
    expect(zeroShot.recallAtK).toBeGreaterThan(0.7); // chance: 5 of 45 images
  });
});

describe('trainDevise on a folder (raw-pixels backbone, tiny word vectors)', () => {
  let tmp: string;
  let data: string;
  let model: DeviseModel;
  let report: DeviseReport;
  const kv = wordVectors();

  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'embedkit-devise-'));
    data = path.join(tmp, 'shapes');
    // Dark shapes on light backgrounds, little jitter: grey pixels are then nearly linearly separable.
    await writeShapeSet(data, 16, 4, undefined, { jitter: 3, darkOnLight: true });
    await fsp.mkdir(path.join(data, 'zorblat'));
    await fsp.copyFile(path.join(data, 'disc', '000.png'), path.join(data, 'zorblat', 'a.png'));
    await fsp.writeFile(path.join(data, 'ring', 'empty.png'), '');
    ({ model, report } = await trainDevise(data, {
      backbone: 'raw-pixels',
      backboneOptions: { size: 12 },
      text: new MeanPoolingEncoder(kv, { name: 'tiny-words' }),
      unseenLabels: ['cross'],
      epochs: 40,
      learningRate: 5e-3,
      testFraction: 0.25,
      seed: 1,
    }));
  });
  afterAll(async () => {
    await model?.image.dispose();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('reports labels without a word vector, failed images, seen/unseen splits', () => {
    expect(defaultLabelText('traffic_light-red')).toBe('traffic light red');
    expect(report.labelsWithoutVector.map((l) => l.label)).toEqual(['zorblat']);
    expect(report.failures.map((f) => path.basename(f.file))).toEqual(['empty.png']);
    expect(report.trainedLabels).toEqual(['disc', 'ring', 'square']);
    expect(report.unseenLabels).toEqual(['cross']);
    expect(report.trainCount).toBe(36);
    expect(report.evalCount).toBe(12 + 16);
    expect(report.losses[report.losses.length - 1]).toBeLessThan(report.losses[0]);
    expect(model.dimension).toBe(8);
  });

  it('text queries retrieve images of their label better than chance', () => {
    // Pool of 28 images, 4 per seen label and 16 for cross: chance precision@1 for a seen label ≈ 0.14.
    expect(report.seen!.queries).toBe(3);
    expect(report.seen!.precisionAt1).toBeGreaterThanOrEqual(2 / 3);
    expect(report.seen!.recallAtK).toBeGreaterThan(0.6);
    expect(report.labelAccuracy.seen!).toBeGreaterThan(0.7);
    expect(report.unseen!.queries).toBe(1);
    // Random word vectors carry no meaning, so nothing transfers to 'cross': structure only.
    expect(report.labelAccuracy.unseen).not.toBeNull();
  });

  it('saves and reloads (text encoder passed back) with identical image vectors; text vectors share the space', async () => {
    const file = path.join(tmp, 'devise.ekte');
    await model.image.save(file);
    const files = [path.join(data, 'disc', '001.png'), path.join(data, 'square', '002.png')];
    const a = await model.image.embed(files);
    const back = await loadDevise(file, { text: new MeanPoolingEncoder(kv, { name: 'tiny-words' }) });
    expect(back.image.info.kind).toBe('devise');
    expect(back.image.info.text).toEqual({ name: 'tiny-words', options: {}, dimension: 8 });
    expect(Array.from((await back.image.embed(files)).data)).toEqual(Array.from(a.data));
    const t = await back.text.embed(['disc', 'square']);
    expect(t.dim).toBe(back.image.dimension);
    await back.image.dispose();
    // The custom text encoder is not in the registry: a clear error says to pass it.
    await expect(loadDevise(file)).rejects.toThrow(/unknown text encoder 'tiny-words'.*pass the encoder itself/);
    await expect(
      loadDevise(file, { text: new MeanPoolingEncoder(new KeyedVectors({ words: ['a'], vectors: new Float32Array(3), dim: 3 })) }),
    ).rejects.toThrow(/dimension mismatch: .* 8-d text space/);
  });
});
