import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import { listEncoders, loadEncoder } from '../../../src/encode/registry.js';
import { trainDoc2Vec } from '../../../src/vectors/doc2vec/trainer.js';
import { topicDocuments } from '../../vectors/doc2vec/topic-documents.js';

let dir: string;
let file: string;
const docs = topicDocuments(20);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-doc2vec-encoder-'));
  file = join(dir, 'topics.d2v');
  const { model } = await trainDoc2Vec(
    docs.map((d) => ({ tags: d.tags, text: d.words.join(' ') })),
    { dim: 24, window: 3, minCount: 1, epochs: 20, sample: 0, seed: 2, workers: 1 },
  );
  await model.save(file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the 'doc2vec' text encoder", () => {
  it('is listed as a text encoder that needs a model path', () => {
    const info = listEncoders({ modality: 'text' }).find((e) => e.name === 'doc2vec');
    expect(info).toMatchObject({ modality: 'text', dimension: 0, available: true });
    expect(info!.note).toContain('needs a model path');
  });

  it('embeds texts with the saved model: unit rows, deterministic, topics apart', async () => {
    const encoder = await loadEncoder('doc2vec', { path: file, epochs: 40 });
    expect(encoder.dimension).toBe(24);
    const texts = topicDocuments(2, 30, 77).map((d) => d.words.join(' '));
    const a = await encoder.embed(texts);
    const b = await encoder.embed(texts);
    expect([a.rows, a.dim, a.errors]).toEqual([texts.length, 24, []]);
    expect(a.data).toEqual(b.data);
    const row = (i: number) => a.data.subarray(i * 24, (i + 1) * 24);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, k) => s + v * y[k], 0);
    expect(dot(row(0), row(0))).toBeCloseTo(1, 5);
    // texts come topic by topic, two rounds: row i and row i+4 share a topic
    expect(dot(row(0), row(4))).toBeGreaterThan(dot(row(0), row(1)));
    await encoder.dispose?.();
  });

  it('refuses a missing path, unknown options and a file that is no model', async () => {
    await expect(loadEncoder('doc2vec')).rejects.toThrow(UsageError);
    await expect(loadEncoder('doc2vec', { path: file, beam: 3 })).rejects.toThrow(/unknown option 'beam'/);
    await expect(loadEncoder('doc2vec', { path: join(dir, '..', 'package.json') })).rejects.toThrow();
    await expect(loadEncoder('doc2vec', { path: new URL(import.meta.url).pathname })).rejects.toThrow(FileFormatError);
  });
});
