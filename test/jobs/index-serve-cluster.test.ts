// The distributed build served sharded, end to end with real processes: `jobs index --encoder` on a
// real redis-server and two real `jobs worker` processes writes one search index folder per
// partition; a `serve --shard` server per partition and a `serve --router` in front must answer as
// one `search build` index over the union (same ids in the same order, scores within 1e-6, same
// labels). The output folder itself and a bare partition are refused with what to serve instead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadWordVectorsEncoder } from '../../src/encode/text/glove-encoders.js';
import { DIM, WORDS, writeTinyVectors } from '../serve/fixtures.js';
import { hasRedisServer, runCli, startCli, startRedis, startWorkerCli, stopProcess, type CliProcess, type RedisServer } from './cluster.js';

const DOCS = 72;
const PARTITIONS = 3;
let dir: string;
let redis: RedisServer;
const procs: CliProcess[] = [];

/** Seeded documents of 2–4 distinct words, with a metadata field; ids are strings and numbers. */
function documents(): { id: string | number; text: string; parity: string }[] {
  let s = 77;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 16;
  const seen = new Set<string>();
  const docs: { id: string | number; text: string; parity: string }[] = [];
  while (docs.length < DOCS) {
    const words = new Set<string>();
    const n = 2 + (next() % 3);
    while (words.size < n) words.add(WORDS[next() % WORDS.length]);
    const key = [...words].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    const i = docs.length;
    docs.push({ id: i % 4 === 0 ? 1000 + i : `doc-${i}`, text: [...words].join(' '), parity: i % 2 === 0 ? 'even' : 'odd' });
  }
  return docs;
}

/** Starts `embedkit serve …`; resolves with its URL once it listens. */
async function serve(args: readonly string[]): Promise<string> {
  const p = startCli(['serve', '--port', '0', '--log-level', 'silent', ...args], { cwd: dir });
  procs.push(p);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening on (http:\/\/[^/ ]+)\//.exec(p.stderr);
    if (m) return m[1];
    if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`serve ${args.join(' ')} did not start: ${p.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function search(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}/v1/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

let union: string;
let router: string;

beforeAll(async () => {
  expect(hasRedisServer(), 'redis-server is not installed (scripts/system-packages.mjs lists it)').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'embedkit-index-serve-'));
  const model = writeTinyVectors(dir);
  const docs = documents();
  // The vectors as `jobs embed` would write them: {id, vector, …} with the text and metadata kept.
  const encoder = await loadWordVectorsEncoder({ vectors: model });
  const emb = await encoder.embed(
    docs.map((d) => d.text),
    { normalize: true },
  );
  expect(emb.errors).toEqual([]);
  expect(emb.dim).toBe(DIM);
  const row = (i: number) => Array.from(emb.data.subarray(i * DIM, (i + 1) * DIM));
  writeFileSync(join(dir, 'vectors.jsonl'), docs.map((d, i) => `${JSON.stringify({ ...d, vector: row(i) })}\n`).join(''));
  writeFileSync(join(dir, 'docs.jsonl'), docs.map((d) => `${JSON.stringify(d)}\n`).join(''));
  redis = await startRedis();
  procs.push(...(await Promise.all([0, 1].map(() => startWorkerCli(redis.url, ['--lock-seconds', '2'])))));
  const [built, whole] = await Promise.all([
    runCli(
      [
        'jobs',
        'index',
        '--redis',
        redis.url,
        '-i',
        'vectors.jsonl',
        '-o',
        'shards',
        '-p',
        String(PARTITIONS),
        '--metric',
        'cosine',
        '--type',
        'flat',
        '--threads',
        '1',
        '-e',
        'word-vectors',
        '-O',
        'vectors=tiny.txt',
        '--json',
      ],
      { cwd: dir },
    ),
    runCli(
      ['search', 'build', '-i', 'docs.jsonl', '-o', 'whole', '-e', 'word-vectors', '-O', 'vectors=tiny.txt', '--index', 'flat', '-q'],
      {
        cwd: dir,
      },
    ),
  ]);
  expect(built.code, built.err).toBe(0);
  expect(JSON.parse(built.out)).toMatchObject({ vectors: DOCS, partitions: PARTITIONS, submitted: PARTITIONS });
  expect(whole.code, whole.err).toBe(0);
  const shards = await Promise.all(Array.from({ length: PARTITIONS }, (_, i) => serve(['--shard', `docs=shards/part-${i}`])));
  union = await serve(['docs=whole']);
  router = await serve(['--router', '--shards', shards.map((u) => u.replace('http://', '')).join(','), '--shard-timeout', '20000']);
}, 90_000);

afterAll(async () => {
  for (const p of procs) await stopProcess(p.child, 'SIGKILL');
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('the router over the jobs-index partitions answers as one search index over the union', { timeout: 30_000 }, async () => {
  let s = 5;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const vectors = Array.from({ length: 24 }, () => Array.from({ length: DIM }, rand));
  const bodies: Record<string, unknown>[] = [
    ...vectors.map((vector, i) => ({ vector, k: [1, 5, 10, 40][i % 4] })),
    ...vectors.slice(0, 4).map((vector) => ({ vector, k: 9, filter: { parity: 'even' } })),
    ...['king queen', 'apple dog', 'car truck kitten', 'girl'].map((text) => ({ text, k: 6 })),
  ];
  const seenPartitions = new Set<string>();
  for (const body of bodies) {
    const expected = await search(union, { ...body, mode: 'dense' });
    const got = await search(router, body);
    expect(expected.status).toBe(200);
    expect(got.status, JSON.stringify(got.json)).toBe(200);
    expect(got.json.partial).toBe(false);
    type Hit = { id: string | number; score: number; label: string; metadata?: unknown };
    const want = expected.json.results as Hit[];
    const have = got.json.results as Hit[];
    expect(want.length).toBe(body.k);
    expect(have.map((h) => h.id)).toEqual(want.map((h) => h.id));
    have.forEach((h, i) => {
      expect(Math.abs(h.score - want[i].score)).toBeLessThanOrEqual(1e-6);
      expect([h.label, h.metadata]).toEqual([want[i].label, want[i].metadata]);
    });
    for (const h of have) seenPartitions.add(String(h.id));
  }
  // the answers drew on documents of every partition (rows 0–23, 24–47, 48–71)
  const docs = documents();
  const partitionOf = (id: string) => Math.floor(docs.findIndex((d) => String(d.id) === id) / (DOCS / PARTITIONS));
  expect(new Set([...seenPartitions].map(partitionOf)).size).toBe(PARTITIONS);
});

it('refuses the output folder and a bare partition, saying what to serve', async () => {
  const bare = await runCli(
    ['jobs', 'index', '--redis', redis.url, '-i', 'vectors.jsonl', '-o', 'bare', '-p', '2', '--metric', 'cosine', '--type', 'flat', '-q'],
    {
      cwd: dir,
    },
  );
  expect(bare.code, bare.err).toBe(0);
  const [folder, part, all, l2] = await Promise.all([
    runCli(['serve', '--port', '0', '--shard', 'docs=shards'], { cwd: dir }),
    runCli(['serve', '--port', '0', '--shard', 'docs=bare/part-0.index'], { cwd: dir }),
    runCli(['serve', '--port', '0', '--shard', 'docs=bare'], { cwd: dir }),
    // searchable partitions are cosine, as `search build` makes them: refused before anything is queued
    runCli(['jobs', 'index', '--redis', redis.url, '-i', 'vectors.jsonl', '-o', 'l2', '-p', '2', '--metric', 'l2', '-e', 'word-vectors'], {
      cwd: dir,
    }),
  ]);
  expect(folder.code).toBe(1);
  expect(folder.err).toMatch(/output of `embedkit jobs index` \(3 partitions\).*--shard NAME=shards\/part-0/);
  expect(part.code).toBe(1);
  expect(part.err).toMatch(/bare vector index of `embedkit jobs index`.*--encoder/);
  expect(all.code).toBe(1);
  expect(all.err).toMatch(/without --encoder/);
  expect(l2.code).toBe(2);
  expect(l2.err).toMatch(/--metric cosine/);
});
