import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { tinyTextEncoder } from '../tasks/search/fixture-encoder.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const readdir = (d: string) => readdirSync(d).sort();
let dir: string;
let enc: string[];

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(...args: string[]) {
  const r = run(...args, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ek-search-cli-'));
  const { vectorsPath } = await tinyTextEncoder(dir);
  enc = ['--encoder', 'word-vectors', '-O', `vectors=${vectorsPath}`];
  const docs = [
    { id: 'c1', text: 'the feline will purr', topic: 'pets' },
    { id: 'd1', text: 'a puppy on a leash', topic: 'pets' },
    { id: 'v1', text: 'the automobile engine', topic: 'cars' },
    { id: 'b1', text: 'bake a loaf of bread in the oven', topic: 'food' },
  ];
  writeFileSync(join(dir, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n'));
  writeFileSync(join(dir, 'more.jsonl'), JSON.stringify({ id: 'v2', text: 'drive the vehicle on the road', topic: 'cars' }));
  writeFileSync(
    join(dir, 'q.jsonl'),
    [
      { id: 'q1', text: 'kitten', relevant: ['c1'] },
      { id: 'q2', text: 'oven', relevant: ['b1'] },
    ]
      .map((q) => JSON.stringify(q))
      .join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit search', () => {
  it('builds, queries (JSON shape of the issue), filters and updates', () => {
    const b = json('search', 'build', '--input', 'docs.jsonl', '--output', 'idx', ...enc, '--tune', 'q.jsonl');
    expect(b).toMatchObject({ documents: 4, chunks: 4, tunedMrr: 1 });
    const q = json('search', 'query', 'idx', '--queries', 'q.jsonl', '--k', '2');
    expect(Object.keys(q.results)).toEqual(['q1', 'q2']);
    expect(q.results.q1[0]).toEqual({ id: 'c1', score: expect.any(Number) });
    expect(q.metrics.mrr).toBe(1);
    const f = json('search', 'query', 'idx', '--text', 'automobile', '--filter', '{"topic":"pets"}', '--k', '10');
    expect(f.results.text.map((h: { id: string }) => h.id).sort()).toEqual(['c1', 'd1']);
    expect(run('search', 'build', '--input', 'more.jsonl', '--output', 'idx', ...enc).code).toBe(2); // exists: needs --update
    expect(json('search', 'build', '--input', 'more.jsonl', '--output', 'idx', '--update').documents).toBe(5);
    expect(json('search', 'query', 'idx', '--text', 'vehicle road', '--mode', 'bm25', '--k', '1').results.text[0].id).toBe('v2');
  });

  it('latent side: off by default, on with --latent / --latent-dim; fusion flags', () => {
    const topics = ['bread oven loaf', 'bread oven yeast', 'loaf yeast flour', 'car engine road', 'car road wheel', 'engine wheel drive'];
    writeFileSync(join(dir, 'topics.jsonl'), topics.map((text, i) => JSON.stringify({ id: `t${i}`, text })).join('\n'));
    const b = json('search', 'build', '--input', 'topics.jsonl', '--output', 'idx-lsa', ...enc, '--latent-dim', '2');
    expect(b.latent).toEqual({ dim: 2, terms: 8, fittedOn: 6 }); // terms in ≥ 2 documents
    expect(b.fusion).toMatchObject({ mode: 'convex', denseWeight: 0.1, latentWeight: 0.1, normalization: 'minmax' });
    const n = json('search', 'build', '--input', 'docs.jsonl', '--output', 'idx-plain', ...enc, '--normalization', 'zscore');
    expect(n.latent).toBeNull();
    expect(n.fusion.normalization).toBe('zscore');
    // "yeast" is in two documents; the latent side ranks the third bread document (t0) with them
    const q = json('search', 'query', 'idx-lsa', '--text', 'yeast', '--mode', 'latent', '--k', '3');
    expect(q.results.text.map((h: { id: string }) => h.id).sort()).toEqual(['t0', 't1', 't2']);
    expect(run('search', 'query', 'idx-lsa', '--text', 'oven', '--latent-weight', '2').code).toBe(2);
    // BM25 over whole documents alone: only the two documents with "yeast"
    expect(b.fusion.documentWeight).toBe(0);
    const w = json('search', 'query', 'idx-lsa', '--text', 'yeast', '--dense-weight', '0', '--document-weight', '1', '--k', '2');
    expect(w.results.text.map((h: { id: string }) => h.id).sort()).toEqual(['t1', 't2']);
    expect(run('search', 'query', 'idx-lsa', '--text', 'oven', '--document-weight', '2').code).toBe(2);
  });

  it('bad input: clear one-line errors, nothing written', () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"id": 1, "text": "cat"}\n{"id": 2}\n');
    let r = run('search', 'build', '--input', 'bad.jsonl', '--output', 'bad-idx', ...enc);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.jsonl: line 2: no "text"/);
    expect(existsSync(join(dir, 'bad-idx', 'manifest.json'))).toBe(false);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(run('search', 'build', '--input', 'empty.jsonl', '--output', 'e', ...enc).err).toMatch(/empty\.jsonl/);
    r = run('search', 'query', 'nowhere', '--text', 'x');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nowhere: is not a search index/);
    expect(run('search', 'query', 'idx').code).toBe(2);
  });
});

describe('embedkit dedupe and match', () => {
  it('finds duplicate lines and matches queries', () => {
    writeFileSync(join(dir, 'lines.txt'), 'the feline will purr\nbake bread\nthe feline will purr\nautomobile engine\n');
    const d = json('dedupe', '--input', 'lines.txt', '--threshold', '0.99', ...enc);
    expect(d.pairs).toEqual([{ a: 0, b: 2, score: expect.any(Number) }]);
    expect(d.groups).toEqual([[0, 2]]);
    writeFileSync(join(dir, 'queries.txt'), 'kitten\nloaf in the oven\n');
    const m = json('match', '--queries', 'queries.txt', '--candidates', 'lines.txt', ...enc);
    expect(m.results['0'][0].id === 0 || m.results['0'][0].id === 2).toBe(true);
    expect(m.results['1'][0]).toMatchObject({ id: 1, text: 'bake bread' });
    writeFileSync(join(dir, 'none.txt'), '');
    const r = run('dedupe', '--input', 'none.txt', ...enc);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/none\.txt: is empty/);
  });
});

describe('embedkit search over images', () => {
  const set = join(ROOT, 'test/fixtures/images/set');
  const clip = join(ROOT, 'test/fixtures/models/tiny-clip');
  it('indexes a folder, queries by file, and by text with a cross-modal encoder', () => {
    const b = json('search', 'build', '--input', set, '--output', 'img-idx', '--encoder', 'raw-pixels', '--index', 'flat');
    expect(b.documents).toBeGreaterThanOrEqual(6);
    const first = b.documents; // precondition: a folder of several images
    expect(first).toBeGreaterThan(1);
    const q = json('search', 'query', 'img-idx', '--file', join(set, 'box', readdir(join(set, 'box'))[0]), '--k', '1');
    expect(Object.values(q.results)[0]).toEqual([{ id: `box/${readdir(join(set, 'box'))[0]}`, score: expect.any(Number) }]);
    expect(run('search', 'query', 'img-idx', '--text', 'a box').code).toBe(2); // an image index needs a file
    json('search', 'build', '--input', set, '--output', 'clip-idx', '--encoder', 'clip-image', '--model', clip);
    const t = json('search', 'query', 'clip-idx', '--text', 'a box', '--query-encoder', 'clip-text', '--query-model', clip, '--k', '3');
    expect(t.results.text).toHaveLength(3);
    const bad = run('search', 'query', 'img-idx', '--text', 'a box', '--query-encoder', 'clip-text', '--query-model', clip);
    expect(bad.err).toMatch(/dimensions/);
  });
});
