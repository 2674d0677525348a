// Search indexes, encoders, classifiers, clustering and thumbnails through app.inject, with the
// real encoders (word-vector pooling, raw pixels via sharp, MFCC statistics) and a real fastText
// classifier (lid.176.ftz).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder } from '../../src/encode/registry.js';
import type { App } from '../../src/serve/context.js';
import { buildServer } from '../../src/serve/server.js';
import { saveSearchIndex } from '../../src/tasks/search/persistence.js';
import { SemanticSearch } from '../../src/tasks/search/semantic-search.js';
import { LID_FTZ, lidAvailable } from '../helpers/fasttext-cli.js';
import { ROOT } from '../helpers/paths.js';
import { DOCS, load, writeTinyIndex, writeTinyVectors } from './fixtures.js';

const IMAGES = join(ROOT, 'test/fixtures/images');
let dir: string;
let app: App;

beforeAll(async () => {
  expect(lidAvailable()).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-index-'));
  const tiny = writeTinyVectors(dir);
  const docs = await writeTinyIndex(dir, tiny);
  const pixels = await loadEncoder('raw-pixels', { size: 8 });
  const images = new SemanticSearch(pixels, { encoderName: 'raw-pixels', encoderOptions: { size: 8 }, indexType: 'flat' });
  await images.add(['cat.png', 'grey.png', 'quadrants.png', 'cat.jpg'].map((f) => ({ id: f, path: join(IMAGES, f) })));
  await saveSearchIndex(images, join(dir, 'images'));
  const resources = await load([
    ['tiny', tiny],
    ['docs', docs],
    ['imgs', join(dir, 'images')],
    ['lid', LID_FTZ],
  ]);
  const mfcc = await loadEncoder('mfcc-stats');
  app = await buildServer({ models: resources, encoders: [mfcc], webRoot: null });
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
const ids = (r: { json(): { results: { id: string }[] } }) => r.json().results.map((h) => h.id);

describe('indexes in /v1/models and /v1/points', () => {
  it('lists indexes with their encoder, classifiers and encoders', async () => {
    const body = (await app.inject({ url: '/v1/models' })).json();
    expect(body.models.map((m: { name: string }) => m.name)).toEqual(['tiny', 'docs', 'imgs']);
    expect(body.models[1]).toMatchObject({
      kind: 'index',
      count: DOCS.length,
      dims: 8,
      encoder: 'word-vectors',
      hasThumbnails: false,
      modality: 'text',
    });
    expect(body.models[2]).toMatchObject({
      kind: 'index',
      count: 4,
      dims: 64,
      encoder: 'raw-pixels',
      hasThumbnails: true,
      modality: 'image',
    });
    expect(body.classifiers[0]).toMatchObject({ name: 'lid', format: 'fasttext' });
    expect(body.classifiers[0].labels).toContain('en');
    expect(body.encoders.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(['mfcc-stats', 'tiny', 'docs', 'word-vectors', 'imgs', 'raw-pixels']),
    );
  });

  it('points of an index: document ids, titles or text starts, metadata', async () => {
    const body = (await app.inject({ url: '/v1/points?model=docs' })).json();
    expect(body.total).toBe(DOCS.length);
    expect(body.items[0]).toEqual({ id: 'd1', label: 'Royals', metadata: { topic: 'royal', title: 'Royals' } });
    expect(body.items[1]).toEqual({ id: 'd2', label: 'an apple and a pear', metadata: { topic: 'fruit' } });
  });
});

describe('POST /v1/search', () => {
  it('by text (hybrid), with a filter, by vector (dense)', async () => {
    const r = await post('/v1/search', { index: 'docs', text: 'kitten', k: 2 });
    expect(r.statusCode).toBe(200);
    expect(ids(r)[0]).toBe('d5');
    expect(r.json().results[0]).toMatchObject({ label: 'the kitten', metadata: { topic: 'animal' } });
    const filtered = await post('/v1/search', { text: 'kitten', k: 5, filter: { topic: 'fruit' } });
    expect(ids(filtered)).toEqual(['d2']);
    const byVector = await post('/v1/search', { vector: [0, 0, 0, 0, 0, 1, 0, 0], k: 1 });
    expect(ids(byVector)).toEqual(['d4']);
  });

  it('errors: no query, dimension mismatch, bad filter, a model that is not an index', async () => {
    expect((await post('/v1/search', { k: 3 })).json().error.message).toBe('give "text" or "vector" (or both)');
    expect((await post('/v1/search', { vector: [1, 2] })).json().error.message).toBe('"vector" has 2 dimensions, index "docs" has 8');
    const filter = await post('/v1/search', { text: 'cat', filter: { year: { $near: 3 } } });
    expect(filter.statusCode).toBe(400);
    expect(filter.json().error.message).toMatch(/unknown operator '\$near'/);
    expect((await post('/v1/search', { index: 'tiny', text: 'cat' })).json().error.message).toBe(
      '"tiny" is a word-vectors model, not a search index',
    );
  });
});

describe('POST /v1/similar on an index', () => {
  it('neighbours of a document by its vector, without itself', async () => {
    const r = await post('/v1/similar', { model: 'docs', id: 'd3', k: 2 });
    expect(r.statusCode).toBe(200);
    expect(ids(r)[0]).toBe('d5');
    expect(ids(r)).not.toContain('d3');
    expect((await post('/v1/similar', { model: 'docs', id: 'nope' })).statusCode).toBe(404);
    expect((await post('/v1/similar', { model: 'docs', word: 'cat' })).statusCode).toBe(400);
  });
});

describe('POST /v1/embed', () => {
  it('texts with a vectors model (mean of word vectors) and with an index’s encoder', async () => {
    const r = await post('/v1/embed', { encoder: 'tiny', inputs: ['king queen', 'apple'] });
    expect(r.statusCode).toBe(200);
    expect(r.json().dims).toBe(8);
    expect(r.json().vectors).toHaveLength(2);
    const norm = Math.hypot(...r.json().vectors[0]);
    expect(norm).toBeCloseTo(1, 5);
    expect((await post('/v1/embed', { encoder: 'docs', inputs: ['cat'] })).json().dims).toBe(8);
  });

  it('images as base64 and data: URLs; bad bytes and bad base64 are 400', async () => {
    const png = readFileSync(join(IMAGES, 'cat.png')).toString('base64');
    const r = await post('/v1/embed', { encoder: 'raw-pixels', images: [png, `data:image/png;base64,${png}`] });
    expect(r.statusCode).toBe(200);
    expect(r.json().dims).toBe(64);
    expect(r.json().vectors[0]).toEqual(r.json().vectors[1]);
    const bad = await post('/v1/embed', { encoder: 'imgs', images: [readFileSync(join(IMAGES, 'not-an-image.jpg')).toString('base64')] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^images\[0\]: /);
    const notBase64 = await post('/v1/embed', { encoder: 'imgs', images: ['%%%'] });
    expect(notBase64.json().error.message).toBe('images[0] is not base64 data');
  });

  it('audio clips as base64; bad audio bytes are 400', async () => {
    const mp3 = readFileSync(join(ROOT, 'test/fixtures/audio/tone.mp3')).toString('base64');
    const r = await post('/v1/embed', { encoder: 'mfcc-stats', audio: [mp3] });
    expect(r.statusCode).toBe(200);
    expect(r.json().dims).toBe(134);
    const bad = await post('/v1/embed', { encoder: 'mfcc-stats', audio: [Buffer.from('not audio at all').toString('base64')] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^audio\[0\]: /);
  });

  it('wrong modality, unknown encoder, nothing to embed', async () => {
    expect((await post('/v1/embed', { encoder: 'tiny', images: ['AAAA'] })).json().error.message).toBe(
      'encoder "tiny" embeds text; send "inputs", not "images"',
    );
    const unknown = await post('/v1/embed', { encoder: 'clip', inputs: ['x'] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toMatch(/^no encoder named "clip" \(available: /);
    expect((await post('/v1/embed', { encoder: 'tiny' })).statusCode).toBe(400);
  });
});

describe('thumbnails', () => {
  it('JPEG of at most 128 px for documents of an image index', async () => {
    const r = await app.inject({ url: '/v1/thumbnails/imgs/cat.png' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(r.rawPayload).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(128);
    expect((await app.inject({ url: '/v1/thumbnails/imgs/none.png' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/thumbnails/docs/d1' })).statusCode).toBe(400);
  });
});

describe('POST /v1/classify', () => {
  it('labels texts with a supervised fastText model', async () => {
    const r = await post('/v1/classify', {
      inputs: ['the weather is nice today and we are going out', 'ceci est une phrase en français'],
      k: 2,
    });
    expect(r.statusCode).toBe(200);
    const { predictions } = r.json();
    expect(predictions[0].labels[0].label).toBe('en');
    expect(predictions[1].labels[0].label).toBe('fr');
    expect(predictions[0].labels).toHaveLength(2);
    expect((await post('/v1/classify', { model: 'tiny', inputs: ['x'] })).statusCode).toBe(400);
  });
});

describe('POST /v1/cluster', () => {
  it('k-means over the unit vectors, labels in point order, seeded', async () => {
    const r = await post('/v1/cluster', { model: 'tiny', k: 4, seed: 1 });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.count).toBe(16);
    expect(body.labels).toHaveLength(16);
    expect(body.sizes.reduce((a: number, b: number) => a + b, 0)).toBe(16);
    const words = (await app.inject({ url: '/v1/points?model=tiny' })).json().items.map((p: { label: string }) => p.label);
    const label = (w: string) => body.labels[words.indexOf(w)];
    expect(label('pear')).toBe(label('apple'));
    expect(label('truck')).toBe(label('car'));
    expect((await post('/v1/cluster', { model: 'tiny', k: 4, seed: 1 })).json().labels).toEqual(body.labels);
    expect((await post('/v1/cluster', { model: 'tiny', k: 40 })).statusCode).toBe(400);
  });
});
