import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import type { Encoder } from '../../../src/encode/types.js';
import { loadSearchIndex, saveSearchIndex } from '../../../src/tasks/search/persistence.js';
import { SemanticSearch, type SearchDocument } from '../../../src/tasks/search/semantic-search.js';
import { tuneFusion } from '../../../src/tasks/search/tune.js';
import { tinyTextEncoder } from './fixture-encoder.js';

let dir: string;
let encoder: Encoder;
let vectorsPath: string;

const DOCS: SearchDocument[] = [
  { id: 'c1', text: 'the feline purr and whiskers', metadata: { topic: 'pets', year: 2020 } },
  { id: 'd1', text: 'a puppy on a leash will fetch', metadata: { topic: 'pets', year: 2021 } },
  { id: 'v1', text: 'the automobile engine and wheel', metadata: { topic: 'cars', year: 2022 } },
  { id: 'b1', text: 'bake a loaf of bread in the oven', metadata: { topic: 'food', year: 2023 } },
  { id: 'v2', text: 'drive the vehicle on the road', metadata: { topic: 'cars', year: 2024 } },
];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ek-search-'));
  ({ encoder, vectorsPath } = await tinyTextEncoder(dir));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function built(options = {}): Promise<SemanticSearch> {
  const s = new SemanticSearch(encoder, { encoderName: 'word-vectors', encoderOptions: { vectors: vectorsPath }, ...options });
  await s.add(DOCS);
  return s;
}

describe('SemanticSearch', () => {
  it('dense mode finds synonyms BM25 cannot, hybrid keeps both', async () => {
    const s = await built();
    expect(s.size).toBe(5);
    // "kitten" appears in no document: BM25 finds nothing, dense finds the cat document
    expect(await s.query('kitten', { k: 3, fusion: { mode: 'bm25' } })).toEqual([]);
    const dense = await s.query('kitten', { k: 1, fusion: { mode: 'dense' } });
    expect(dense[0].id).toBe('c1');
    expect(dense[0].score).toBeGreaterThan(0.8);
    const hybrid = await s.query('kitten', { k: 2 });
    expect(hybrid[0].id).toBe('c1');
    // exact word "oven": both sides agree
    expect((await s.query('oven', { k: 1 }))[0]).toMatchObject({ id: 'b1', metadata: { topic: 'food' } });
  });

  it('filters on metadata inside both rankings', async () => {
    const s = await built();
    const r = await s.query('car engine', { k: 5, filter: { topic: 'pets' } });
    expect(r.map((h) => h.id).sort()).toEqual(['c1', 'd1']);
    const r2 = await s.query('vehicle', { k: 5, filter: { year: { $gte: 2023 } }, fusion: { mode: 'dense' } });
    expect(r2.map((h) => h.id)).toEqual(['v2', 'b1']);
    await expect(s.query('x', { filter: { year: { $near: 1 } } as never })).rejects.toThrow(/unknown operator/);
  });

  it('MMR diversifies near-duplicates', async () => {
    const s = await built();
    await s.add([{ id: 'v1-copy', text: 'the automobile engine and wheel again', metadata: {} }]);
    const plain = await s.query('automobile engine wheel', { k: 2, fusion: { mode: 'dense' } });
    expect(plain.map((h) => h.id).sort()).toEqual(['v1', 'v1-copy']);
    const diverse = await s.query('automobile engine wheel', { k: 2, fusion: { mode: 'dense' }, mmrLambda: 0.3 });
    // the second pick is not the other copy
    expect(diverse.map((h) => h.id).filter((id) => String(id).startsWith('v1'))).toHaveLength(1);
  });

  it('adds, replaces and removes incrementally; chunks long texts', async () => {
    const s = await built({ chunk: { maxWords: 6, overlap: 2 } });
    const long = `${'bread flour yeast bake loaf oven. '.repeat(4)} cat kitten feline purr whiskers cats`;
    await s.add([{ id: 'long', text: long }]);
    expect(s.chunkCount).toBeGreaterThan(s.size);
    const hit = (await s.query('kitten whiskers', { k: 1, fusion: { mode: 'dense' }, filter: (id) => id === 'long' }))[0];
    expect(hit.id).toBe('long');
    expect(hit.chunk).toMatch(/kitten/);
    await s.add([{ id: 'c1', text: 'bread and flour now' }]);
    expect(s.get('c1')!.text).toBe('bread and flour now');
    expect(s.remove('long')).toBe(true);
    expect(s.remove('long')).toBe(false);
    expect(s.size).toBe(5);
    expect(s.index.size).toBe(s.chunkCount);
    expect((await s.query('whiskers', { k: 5 })).map((h) => h.id)).not.toContain('long');
  });

  it('rejects bad input and leaves the index as it was', async () => {
    const s = await built();
    await expect(s.add([{ id: 'ok', text: 'cat' }, { id: 'bad' } as SearchDocument])).rejects.toThrow(
      /document 1: a text encoder needs a "text"/,
    );
    await expect(
      s.add([
        { id: 'x', text: 'a' },
        { id: 'x', text: 'b' },
      ]),
    ).rejects.toThrow(/given twice/);
    expect(s.size).toBe(5);
    expect(s.has('ok')).toBe(false);
    await expect(s.query('cat', { k: 0 })).rejects.toThrow(UsageError);
    await expect(s.query({ vector: new Float32Array(3) })).rejects.toThrow(/3 dimensions/);
    await expect(s.query({ vector: new Float32Array(16).fill(NaN) })).rejects.toThrow(/NaN/);
    // k > n returns all n
    expect(await s.query('cat', { k: 50, fusion: { mode: 'dense' } })).toHaveLength(5);
    const empty = new SemanticSearch(encoder);
    expect(await empty.query('cat')).toEqual([]);
  });

  it('saves and loads (validated), same answers', async () => {
    const s = await built();
    const out = path.join(dir, 'idx');
    await saveSearchIndex(s, out);
    await s.add([{ id: 'extra', text: 'canine bark' }]);
    await saveSearchIndex(s, out); // second generation replaces the first
    expect(fs.readdirSync(out).sort()).toEqual(['docs-2.json', 'manifest.json', 'vectors-2.ekx']);
    const t = await loadSearchIndex(out, { encoder });
    expect(t.size).toBe(6);
    for (const q of ['kitten', 'oven bread', 'canine']) expect(await t.query(q, { k: 3 })).toEqual(await s.query(q, { k: 3 }));
    // reloading through the registry with the saved encoder options
    const u = await loadSearchIndex(out);
    expect((await u.query('canine', { k: 1 }))[0].id).toBe('extra');
    await expect(loadSearchIndex(path.join(dir, 'nope'))).rejects.toThrow(FileFormatError);
    fs.writeFileSync(path.join(out, 'docs-2.json'), '{"docs": [], "settings": {}}');
    await expect(loadSearchIndex(out, { encoder })).rejects.toThrow(/docs-2\.json/);
    fs.writeFileSync(path.join(out, 'manifest.json'), '{"format":"embedkit-search","version":9}');
    await expect(loadSearchIndex(out, { encoder })).rejects.toThrow(/version 9/);
  });

  it('ranks a document whose query words are spread over its chunks by the whole-document side', async () => {
    const s = await built({ chunk: { maxWords: 6, overlap: 0 } });
    await s.add([
      // the query words lie in different chunks of 'spread'; the other two documents (as long) have one of them twice, in one chunk
      { id: 'spread', text: 'bread flour yeast bake loaf oven purr whiskers kitten feline cat cats' },
      { id: 'bread-only', text: 'bread bread flour yeast bake loaf oven cats feline kitten purr cat' },
      { id: 'whiskers-only', text: 'whiskers whiskers purr feline kitten cat flour yeast bake loaf oven cats' },
    ]);
    const ids = async (fusion: object) => (await s.query('bread whiskers', { k: 3, fusion })).map((h) => h.id);
    expect((await ids({ denseWeight: 0, documentWeight: 0 }))[0]).not.toBe('spread');
    expect((await ids({ denseWeight: 0, documentWeight: 1 }))[0]).toBe('spread');
    // filters apply to the whole-document side too
    const filtered = await s.query('bread whiskers', {
      k: 3,
      fusion: { denseWeight: 0, documentWeight: 1 },
      filter: (id) => id !== 'spread',
    });
    expect(filtered.map((h) => h.id)).not.toContain('spread');
    s.remove('spread');
    expect(await ids({ denseWeight: 0, documentWeight: 1 })).not.toContain('spread');
  });

  it('a chunk without known words borrows the document vector; a query without any is answered lexically', async () => {
    const s = await built({ chunk: { maxWords: 4, overlap: 0 } });
    const before = s.chunkCount;
    await s.add([{ id: 'code', text: 'bread oven loaf bake zzqx yyzx wwqz vvxq' }]);
    expect(s.chunkCount).toBe(before + 2);
    expect(s.index.size).toBe(s.chunkCount);
    expect((await s.query('zzqx', { k: 1 }))[0].id).toBe('code');
    await expect(s.query('zzqx', { k: 1, fusion: { mode: 'dense' } })).rejects.toThrow(/zzqx/);
    // a document none of whose chunks can be embedded is still rejected, and nothing changes
    await expect(s.add([{ id: 'unknown', text: 'zzqx yyzx' }])).rejects.toThrow(/document "unknown"/);
    expect(s.has('unknown')).toBe(false);
    expect(s.index.size).toBe(s.chunkCount);
  });

  it('tunes the fusion on judged queries', async () => {
    const s = await built();
    const t = await tuneFusion(s, [
      { id: 1, text: 'kitten', relevant: ['c1'] },
      { id: 2, text: 'oven', relevant: ['b1'] },
    ]);
    expect(t.mrr).toBe(1);
    expect(s.settings.fusion).toEqual(t.best);
  });
});

describe('SemanticSearch with an encoder fitted on the documents', () => {
  it('saves the fitted state so reloaded queries embed the same', async () => {
    const { loadWordVectorsEncoder } = await import('../../../src/encode/text/glove-encoders.js');
    const options = { vectors: vectorsPath, pooling: 'tfidf' };
    const tfidf = await loadWordVectorsEncoder(options);
    const s = new SemanticSearch(tfidf, { encoderName: 'word-vectors', encoderOptions: options });
    await s.add(DOCS);
    const out = path.join(dir, 'idx-tfidf');
    await saveSearchIndex(s, out);
    expect(fs.readdirSync(out)).toContain('encoder-state-1.json');
    const t = await loadSearchIndex(out); // encoder reloaded from the registry with the saved state
    for (const q of ['kitten', 'the oven'])
      expect(await t.query(q, { k: 3, fusion: { mode: 'dense' } })).toEqual(await s.query(q, { k: 3, fusion: { mode: 'dense' } }));
  });
});

describe('SemanticSearch with a latent (LSA) side', () => {
  // two topics; "automobile" appears in one document only, next to the car words of the others
  const TOPIC_DOCS: SearchDocument[] = [
    { id: 't1', text: 'car engine wheel road' },
    { id: 't2', text: 'automobile engine wheel road' },
    { id: 't3', text: 'car road vehicle engine' },
    { id: 't4', text: 'vehicle drive road wheel' },
    { id: 't5', text: 'bread flour oven yeast' },
    { id: 't6', text: 'bread oven loaf yeast' },
    { id: 't7', text: 'flour loaf oven bake' },
    { id: 't8', text: 'bake bread yeast flour' },
  ];

  it('is fitted on the chunks when enabled; mode latent ranks by topic', async () => {
    const s = new SemanticSearch(encoder, { latent: { dim: 2, minDf: 1 } });
    await s.add(TOPIC_DOCS);
    expect(s.latent?.dim).toBe(2);
    expect(s.latent?.documents).toBe(8);
    const r = await s.query('automobile', { k: 4, fusion: { mode: 'latent' } });
    expect(r.map((h) => h.id).sort()).toEqual(['t1', 't2', 't3', 't4']);
    // BM25 only knows t2; BM25 + latent also ranks the other car documents above the bread ones
    expect((await s.query('automobile', { k: 8, fusion: { mode: 'bm25' } })).map((h) => h.id)).toEqual(['t2']);
    const hybrid = (await s.query('automobile', { k: 8, fusion: { denseWeight: 0, latentWeight: 0.2 } })).map((h) => h.id);
    expect(hybrid[0]).toBe('t2');
    expect(hybrid.slice(1, 4).sort()).toEqual(['t1', 't3', 't4']);
    expect(new SemanticSearch(encoder, { latent: false }).settings.latent).toBeNull();
    expect(new SemanticSearch(encoder).settings.latent).toBeNull(); // off by default
  });

  it('folds new chunks in, refits when the collection doubles, and saves/loads the model', async () => {
    const s = new SemanticSearch(encoder, { latent: { dim: 2 }, encoderName: 'word-vectors', encoderOptions: { vectors: vectorsPath } });
    await s.add(TOPIC_DOCS.slice(0, 6));
    expect(s.latent?.documents).toBe(6);
    await s.add(TOPIC_DOCS.slice(6, 7));
    expect(s.latent?.documents).toBe(6); // folded in
    await s.add(
      TOPIC_DOCS.slice(7).concat([
        { id: 'x1', text: 'car wheel' },
        { id: 'x2', text: 'oven bread' },
        { id: 'x3', text: 'road' },
        { id: 'x4', text: 'yeast' },
      ]),
    );
    expect(s.latent?.documents).toBe(12); // 12 ≥ 2 × 6: refitted on everything
    const out = path.join(dir, 'idx-latent');
    await saveSearchIndex(s, out);
    const t = await loadSearchIndex(out, { encoder });
    expect(t.latent?.toJSON()).toEqual(s.latent?.toJSON());
    for (const q of ['automobile', 'oven loaf', 'road wheel'])
      for (const mode of ['latent', 'convex', 'rrf'] as const)
        expect(await t.query(q, { k: 5, fusion: { mode } })).toEqual(await s.query(q, { k: 5, fusion: { mode } }));
    // an index written before the latent side: the model is fitted on load
    const docsFile = path.join(out, 'docs-1.json');
    const state = JSON.parse(fs.readFileSync(docsFile, 'utf8')) as Record<string, unknown>;
    delete state.latent;
    fs.writeFileSync(docsFile, JSON.stringify(state));
    const u = await loadSearchIndex(out, { encoder });
    expect(u.latent?.documents).toBe(12);
    // a corrupt model names the file
    fs.writeFileSync(docsFile, JSON.stringify({ ...state, latent: { dim: 2, documents: 1, terms: ['a'], idf: [1], loadings: 'AAAA' } }));
    await expect(loadSearchIndex(out, { encoder })).rejects.toThrow(/docs-1\.json.*latent model/);
  });

  it('tunes dense, latent and BM25 weights together', async () => {
    const s = new SemanticSearch(encoder, { latent: { dim: 2 } });
    await s.add(TOPIC_DOCS);
    const t = await tuneFusion(s, [
      { id: 1, text: 'automobile vehicle', relevant: ['t2', 't4'] },
      { id: 2, text: 'loaf', relevant: ['t6', 't7'] },
    ]);
    expect(t.mrr).toBe(1);
    expect(t.tried.some((x) => x.fusion.latentWeight > 0)).toBe(true);
    expect(s.settings.fusion).toEqual(t.best);
  });
});
