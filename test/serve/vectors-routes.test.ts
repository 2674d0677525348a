// The word-vector routes of the server through app.inject: models, points, similar, analogy,
// vectors, and the error answers (unknown words, wrong types, dimension mismatches, malformed JSON,
// oversize bodies).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/serve/context.js';
import { buildServer } from '../../src/serve/server.js';
import { fasttext } from '../helpers/fasttext-cli.js';
import { DIM, load, WORDS, writeTinyVectors } from './fixtures.js';

let dir: string;
let app: App;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-vectors-'));
  const tiny = writeTinyVectors(dir);
  // a real fastText model with subwords (Debian's fasttext CLI), for vectors of unseen words
  const corpus = join(dir, 'corpus.txt');
  const text = Array.from({ length: 200 }, (_, i) => `the king spoke to the queen ${i % 7} times and the kingdom listened`).join('\n');
  writeFileSync(corpus, text);
  fasttext([
    'skipgram',
    '-input',
    corpus,
    '-output',
    join(dir, 'ft'),
    '-dim',
    '8',
    '-epoch',
    '1',
    '-minCount',
    '1',
    '-minn',
    '2',
    '-maxn',
    '4',
    '-thread',
    '1',
    '-verbose',
    '0',
  ]);
  const resources = await load([
    ['tiny', tiny],
    ['ft', join(dir, 'ft.bin')],
  ]);
  app = await buildServer({ models: resources, webRoot: null, bodyLimit: 64 * 1024 });
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

describe('server basics', () => {
  it('GET /healthz', async () => {
    const r = await app.inject({ url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('GET /openapi.json lists every route with its request and response schemas', async () => {
    const r = await app.inject({ url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of [
      '/healthz',
      '/v1/models',
      '/v1/points',
      '/v1/similar',
      '/v1/analogy',
      '/v1/vectors',
      '/v1/embed',
      '/v1/search',
      '/v1/classify',
      '/v1/cluster',
      '/v1/projections',
      '/v1/projections/{id}',
      '/v1/projections/{id}/coords',
      '/v1/thumbnails/{index}/{id}',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    const similar = doc.paths['/v1/similar'].post;
    expect(similar.requestBody.content['application/json'].schema.properties.k).toMatchObject({ type: 'integer', maximum: 1000 });
    expect(similar.responses['200'].content['application/json'].schema.properties.results.type).toBe('array');
    expect(similar.responses['404']).toBeDefined();
    expect(doc.components.schemas.ErrorResponse).toBeDefined();
  });

  it('GET /v1/models', async () => {
    const r = await app.inject({ url: '/v1/models' });
    expect(r.statusCode).toBe(200);
    const { models } = r.json();
    expect(models[0]).toMatchObject({
      name: 'tiny',
      kind: 'vectors',
      count: WORDS.length,
      dims: DIM,
      hasThumbnails: false,
      subwords: false,
    });
    expect(models[1]).toMatchObject({ name: 'ft', kind: 'vectors', dims: 8, subwords: true });
  });

  it('unknown routes: 404 in the error shape', async () => {
    const r = await app.inject({ url: '/v1/nothing' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v1/nothing' } });
  });

  it('without a built UI, / explains how to build it', async () => {
    const r = await app.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toMatch(/explorer UI was not built/);
  });
});

describe('GET /v1/points', () => {
  it('pages through the words in row order', async () => {
    const r = await app.inject({ url: '/v1/points?model=tiny&offset=2&limit=3' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ total: WORDS.length, offset: 2, items: WORDS.slice(2, 5).map((w, i) => ({ id: i + 2, label: w })) });
    const all = (await app.inject({ url: '/v1/points' })).json();
    expect(all.items.map((p: { label: string }) => p.label)).toEqual(WORDS);
  });

  it('rejects bad paging and unknown models', async () => {
    expect((await app.inject({ url: '/v1/points?limit=0' })).json().error.code).toBe('bad_request');
    expect((await app.inject({ url: '/v1/points?offset=x' })).statusCode).toBe(400);
    const r = await app.inject({ url: '/v1/points?model=nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.message).toMatch(/no model named "nope"/);
  });
});

describe('POST /v1/similar', () => {
  it('neighbours of a word by cosine, without the word itself', async () => {
    const r = await post('/v1/similar', { word: 'cat', k: 2 });
    expect(r.statusCode).toBe(200);
    const { results } = r.json();
    expect(results).toHaveLength(2);
    expect(results.map((x: { word: string }) => x.word).sort()).toEqual(['dog', 'kitten']);
    expect(results[0]).toEqual({ word: expect.any(String), id: WORDS.indexOf(results[0].word), score: expect.any(Number) });
    expect(results[0].score).toBeGreaterThan(results[1].score);
  });

  it('by row id and by vector', async () => {
    const byId = (await post('/v1/similar', { id: WORDS.indexOf('apple'), k: 2 })).json().results;
    expect(byId.map((x: { word: string }) => x.word).sort()).toEqual(['pear', 'plum']);
    const vec = [0, 0, 0, 0, 0, 1, 0, 0];
    const byVec = (await post('/v1/similar', { vector: vec, k: 2 })).json().results;
    expect(byVec.map((x: { word: string }) => x.word).sort()).toEqual(['car', 'truck']);
  });

  it('a fastText model answers words it never saw (subword vectors)', async () => {
    const r = await post('/v1/similar', { model: 'ft', word: 'kingdoms', k: 3 });
    expect(r.statusCode).toBe(200);
    expect(r.json().results).toHaveLength(3);
  });

  it('errors: unknown word 404, wrong types 400, dimension mismatch 400, k over the cap, several queries', async () => {
    const unknown = await post('/v1/similar', { word: 'zebra' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'not_found', message: 'word "zebra" is not in the vocabulary of model "tiny"' } });
    const wrongType = await post('/v1/similar', { word: 'cat', k: '5' });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.message).toBe('body.k must be integer');
    const dims = await post('/v1/similar', { vector: [1, 2, 3] });
    expect(dims.statusCode).toBe(400);
    expect(dims.json().error.message).toBe('"vector" has 3 dimensions, model "tiny" has 8');
    expect((await post('/v1/similar', { vector: [0, 0, 0, 0, 0, 0, 0, 0] })).json().error.message).toMatch(/all zeros/);
    expect((await post('/v1/similar', { word: 'cat', k: 100_000 })).json().error.message).toBe('body.k must be <= 1000');
    expect((await post('/v1/similar', { word: 'cat', id: 1 })).json().error.message).toBe('give exactly one of "word", "id" or "vector"');
    expect((await post('/v1/similar', { wrod: 'cat' })).json().error.message).toBe('body has an unknown field "wrod"');
    expect((await post('/v1/similar', { id: 999 })).statusCode).toBe(404);
    expect((await post('/v1/similar', { word: ['cat'] })).statusCode).toBe(400);
  });

  it('malformed JSON, a body that is not JSON, an oversize body: 400 / 415 / 413', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/similar',
      headers: { 'content-type': 'application/json' },
      payload: '{"word": "cat",',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^malformed JSON/);
    const text = await app.inject({ method: 'POST', url: '/v1/similar', headers: { 'content-type': 'text/plain' }, payload: 'cat' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('unsupported_media_type');
    const big = await post('/v1/similar', { word: 'cat', pad: 'x'.repeat(100 * 1024) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ error: { code: 'too_large', message: 'the request body is larger than the limit of 65536 bytes' } });
    const empty = await app.inject({ method: 'POST', url: '/v1/similar', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    // and the server still answers
    expect((await post('/v1/similar', { word: 'cat', k: 1 })).statusCode).toBe(200);
  });
});

describe('POST /v1/analogy', () => {
  it('king − man + woman → queen', async () => {
    const r = await post('/v1/analogy', { positive: ['king', 'woman'], negative: ['man'], k: 1 });
    expect(r.statusCode).toBe(200);
    expect(r.json().results[0]).toMatchObject({ word: 'queen', id: WORDS.indexOf('queen') });
  });

  it('names every unknown word; needs a positive word', async () => {
    const r = await post('/v1/analogy', { positive: ['king', 'zebra'], negative: ['yeti'] });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.message).toBe('words "zebra", "yeti" are not in the vocabulary of model "tiny"');
    expect((await post('/v1/analogy', { positive: [] })).statusCode).toBe(400);
  });
});

describe('POST /v1/vectors', () => {
  it('vectors of known words, null and "missing" for unknown ones', async () => {
    const r = await post('/v1/vectors', { words: ['cat', 'zebra', '__proto__'] });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.vectors.cat).toHaveLength(DIM);
    expect(body.vectors.zebra).toBeNull();
    expect(body.missing).toEqual(['zebra', '__proto__']);
    expect(body.dims).toBe(DIM);
    expect((await post('/v1/vectors', { words: ['zebra'] })).statusCode).toBe(404);
  });

  it('fastText models give vectors for any word', async () => {
    const r = await post('/v1/vectors', { model: 'ft', words: ['kingdomz'] });
    expect(r.statusCode).toBe(200);
    expect(r.json().vectors.kingdomz).toHaveLength(8);
    expect(r.json().missing).toEqual([]);
  });

  it('caps the batch size', async () => {
    const r = await post('/v1/vectors', { words: Array.from({ length: 300 }, (_, i) => `w${i}`) });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toBe('body.words must NOT have more than 256 items');
  });
});
