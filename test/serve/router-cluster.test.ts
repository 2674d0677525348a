// Sharded search with real processes: three `serve --shard` servers over thirds of a collection,
// one server over the whole collection, routers with a fixed shard list and with the membership in
// a real redis-server. The router's answers must equal the whole index's (ids, scores, labels);
// a dead shard or a stalled one gives a partial answer of the others; membership follows the
// heartbeats.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWordVectorsEncoder } from '../../src/encode/text/glove-encoders.js';
import { saveSearchIndex } from '../../src/tasks/search/persistence.js';
import { SemanticSearch, type SearchDocument } from '../../src/tasks/search/semantic-search.js';
import { shardKey, shardMembersKey } from '../../src/jobs/shard-registry.js';
import { hasRedisServer, startCli, startRedis, stopProcess, type CliProcess, type RedisServer } from '../jobs/cluster.js';
import { DIM, WORDS, writeTinyVectors } from './fixtures.js';

const SHARDS = 3;
let dir: string;
let redis: RedisServer;
const procs: CliProcess[] = [];
let whole: string;
let shardUrls: string[];
let shardProcs: CliProcess[];
let staticRouter: string;
let redisRouter: string;
/** A router with a short shard timeout (1 s), for the stalled shard. */
let impatientRouter: string;
const shardOfDoc = new Map<string, number>();

/** 90 documents of 2–4 distinct words (seeded, no two with the same words). */
function documents(): SearchDocument[] {
  let s = 2024;
  // the high bits of the LCG: its low bits have short periods
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 16;
  const seen = new Set<string>();
  const docs: SearchDocument[] = [];
  while (docs.length < 90) {
    const n = 2 + (next() % 3);
    const words = new Set<string>();
    while (words.size < n) words.add(WORDS[next() % WORDS.length]);
    const key = [...words].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    const i = docs.length;
    docs.push({ id: `doc-${String(i).padStart(2, '0')}`, text: [...words].join(' '), metadata: { parity: i % 2 === 0 ? 'even' : 'odd' } });
  }
  return docs;
}

async function writeIndex(vectors: string, docs: SearchDocument[], name: string): Promise<string> {
  const encoder = await loadWordVectorsEncoder({ vectors });
  // flat (exact) vector index: the equality with one index is then exact, not up to HNSW recall
  const search = new SemanticSearch(encoder, { encoderName: 'word-vectors', encoderOptions: { vectors }, indexType: 'flat' });
  await search.add(docs);
  const out = path.join(dir, name);
  await saveSearchIndex(search, out);
  return out;
}

/** Starts `embedkit serve …` on a free port; resolves with its URL once it listens. */
async function serve(args: readonly string[], listening = /listening on (http:\/\/[^/ ]+)\//): Promise<{ url: string; p: CliProcess }> {
  const p = startCli(['serve', '--port', '0', '--log-level', 'silent', ...args]);
  procs.push(p);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = listening.exec(p.stderr);
    if (m) return { url: m[1], p };
    if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`serve ${args.join(' ')} did not start: ${p.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function post(url: string, route: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

async function shardList(router: string): Promise<string[]> {
  const r = await fetch(`${router}/v1/shards`);
  return ((await r.json()) as { shards: { name: string }[] }).shards.map((s) => s.name).sort();
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Seeded query vectors of the index's dimension. */
function queries(n: number): number[][] {
  let s = 99;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, () => Array.from({ length: DIM }, next));
}

beforeAll(async () => {
  expect(hasRedisServer(), 'redis-server is not installed (scripts/system-packages.mjs lists it)').toBe(true);
  dir = mkdtempSync(path.join(tmpdir(), 'embedkit-router-'));
  const vectors = writeTinyVectors(dir);
  const docs = documents();
  const parts = Array.from({ length: SHARDS }, (_, s) => docs.filter((_, i) => i % SHARDS === s));
  docs.forEach((d, i) => shardOfDoc.set(String(d.id), i % SHARDS));
  const [wholeDir, ...shardDirs] = await Promise.all([
    writeIndex(vectors, docs, 'whole'),
    ...parts.map((p, s) => writeIndex(vectors, p, `part-${s}`)),
  ]);
  redis = await startRedis();
  const started = await Promise.all([
    serve([`docs=${wholeDir}`]),
    ...shardDirs.map((d, s) => serve(['--shard', `docs=${d}`, '--redis', redis.url, '--shard-name', `part-${s}`])),
  ]);
  whole = started[0].url;
  shardUrls = started.slice(1).map((s) => s.url);
  shardProcs = started.slice(1).map((s) => s.p);
  const hostPorts = shardUrls.map((u) => u.replace('http://', ''));
  const routers = await Promise.all([
    serve(['--router', '--shards', hostPorts.join(','), '--shard-timeout', '20000'], /router listening on (http:\/\/[^/ ]+)\//),
    serve(['--router', '--redis', redis.url, '--refresh', '100', '--shard-timeout', '20000'], /router listening on (http:\/\/[^/ ]+)\//),
    serve(['--router', '--shards', hostPorts.join(','), '--shard-timeout', '1000'], /router listening on (http:\/\/[^/ ]+)\//),
  ]);
  [staticRouter, redisRouter, impatientRouter] = routers.map((r) => r.url);
}, 60_000);

afterAll(async () => {
  for (const p of procs) {
    if (p.child.signalCode === null && p.child.exitCode === null) p.child.kill('SIGCONT');
    await stopProcess(p.child, 'SIGKILL');
  }
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sharded search', { timeout: 30_000 }, () => {
  it('merges to exactly the answers of one index over the union (vectors, texts, filters, /v1/similar)', async () => {
    expect(await shardList(redisRouter)).toEqual(['part-0', 'part-1', 'part-2']);
    const bodies: Record<string, unknown>[] = [
      ...queries(40).map((vector, i) => ({ vector, k: [1, 5, 10, 30][i % 4] })),
      ...queries(5).map((vector) => ({ vector, k: 8, filter: { parity: 'odd' } })),
      ...['king queen', 'apple dog', 'car truck kitten', 'girl', 'plum cat man'].map((text) => ({ text, k: 7 })),
      { text: 'prince princess', vector: queries(1)[0], k: 4 },
    ];
    for (const router of [staticRouter, redisRouter])
      for (const body of bodies) {
        const expected = await post(whole, '/v1/search', { ...body, mode: 'dense' });
        const got = await post(router, '/v1/search', body);
        expect(expected.status).toBe(200);
        expect(got.status, JSON.stringify(got.json)).toBe(200);
        expect((expected.json.results as unknown[]).length).toBe(body.k);
        expect(got.json).toEqual({ results: expected.json.results, partial: false, failed: [] });
      }
    // every shard contributed to the answers above
    const top = await post(staticRouter, '/v1/search', { vector: queries(1)[0], k: 90 });
    expect(new Set((top.json.results as { id: string }[]).map((h) => shardOfDoc.get(h.id))).size).toBe(SHARDS);
    for (const vector of queries(10)) {
      const expected = await post(whole, '/v1/similar', { vector, k: 6 });
      const got = await post(staticRouter, '/v1/similar', { vector, k: 6 });
      expect(got.json).toEqual({ results: expected.json.results, partial: false, failed: [] });
    }
  });

  it('refuses what it cannot merge exactly, with the reason', async () => {
    const hybrid = await post(staticRouter, '/v1/search', { text: 'king', mode: 'convex' });
    expect(hybrid.status).toBe(400);
    expect(JSON.stringify(hybrid.json)).toMatch(/BM25/);
    const byId = await post(staticRouter, '/v1/similar', { id: 'doc-01' });
    expect(byId.status).toBe(400);
    // a request every shard refuses (wrong dimension) gets the shards' own 400
    const wrong = await post(staticRouter, '/v1/search', { vector: [1, 2, 3] });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.json)).toMatch(/dimension/);
  });

  it('follows the Redis membership: a new shard appears, one that stops heartbeating disappears, a stopped one leaves', async () => {
    const extra = await serve([
      '--shard',
      `docs=${path.join(dir, 'part-0')}`,
      '--redis',
      redis.url,
      '--shard-name',
      'extra',
      '--shard-ttl',
      '1500',
    ]);
    await until('the extra shard to appear', async () => (await shardList(redisRouter)).includes('extra'));
    // a replica of part-0: documents returned twice are merged, the answer is unchanged
    const vector = queries(1)[0];
    const expected = await post(whole, '/v1/search', { vector, k: 10, mode: 'dense' });
    expect((await post(redisRouter, '/v1/search', { vector, k: 10 })).json).toEqual({
      results: expected.json.results,
      partial: false,
      failed: [],
    });
    // a frozen process sends no heartbeat: its key expires after the TTL
    extra.p.child.kill('SIGSTOP');
    const t0 = Date.now();
    await until('the frozen shard to disappear', async () => !(await shardList(redisRouter)).includes('extra'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    extra.p.child.kill('SIGCONT');
    await until('the thawed shard to come back', async () => (await shardList(redisRouter)).includes('extra'));
    // a graceful stop deregisters before the process exits, without waiting for the TTL
    await stopProcess(extra.p.child, 'SIGTERM');
    expect(await extra.p.exited).toBe(0);
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      expect(await client.exists(shardKey('docs', 'extra'))).toBe(0);
      expect(await client.smembers(shardMembersKey('docs'))).not.toContain('extra');
    } finally {
      client.disconnect();
    }
    await until('the stopped shard to leave', async () => !(await shardList(redisRouter)).includes('extra'));
  });

  it('answers within the shard timeout with the others’ results when a shard stalls', async () => {
    const stalled = 1;
    await until(
      'every shard to answer within 1 s',
      async () => (await post(impatientRouter, '/v1/search', { vector: queries(1)[0] })).json.partial === false,
    );
    shardProcs[stalled].child.kill('SIGSTOP');
    try {
      const vector = queries(2)[1];
      const t0 = performance.now();
      const got = await post(impatientRouter, '/v1/search', { vector, k: 10 });
      const ms = performance.now() - t0;
      expect(got.status).toBe(200);
      expect(ms).toBeLessThan(1000 + 1500);
      expect(got.json.partial).toBe(true);
      expect(got.json.failed).toEqual([
        { shard: shardUrls[stalled].replace('http://', ''), url: shardUrls[stalled], error: 'no answer within 1000 ms' },
      ]);
      const all = (await post(whole, '/v1/search', { vector, k: 90, mode: 'dense' })).json.results as { id: string }[];
      expect(got.json.results).toEqual(all.filter((h) => shardOfDoc.get(h.id) !== stalled).slice(0, 10));
    } finally {
      shardProcs[stalled].child.kill('SIGCONT');
    }
    await until(
      'the stalled shard to answer again',
      async () => (await post(impatientRouter, '/v1/search', { vector: queries(1)[0] })).json.partial === false,
    );
  });

  it('gives the others’ results, marked partial, when a shard is killed', async () => {
    const dead = 2;
    await stopProcess(shardProcs[dead].child, 'SIGKILL');
    for (const vector of queries(5)) {
      const got = await post(staticRouter, '/v1/search', { vector, k: 12 });
      expect(got.status).toBe(200);
      expect(got.json.partial).toBe(true);
      expect((got.json.failed as { shard: string; error: string }[]).map((f) => f.shard)).toEqual([shardUrls[dead].replace('http://', '')]);
      const all = (await post(whole, '/v1/search', { vector, k: 90, mode: 'dense' })).json.results as { id: string }[];
      expect(got.json.results).toEqual(all.filter((h) => shardOfDoc.get(h.id) !== dead).slice(0, 12));
    }
    // no shard left: 503 naming them
    for (const p of shardProcs) await stopProcess(p.child, 'SIGKILL');
    const none = await post(staticRouter, '/v1/search', { vector: queries(1)[0] });
    expect(none.status).toBe(503);
    expect(JSON.stringify(none.json)).toMatch(/no shard answered/);
  });
});
