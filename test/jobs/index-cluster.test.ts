// `embedkit jobs index` on a real redis-server and a real worker process: one index per partition,
// a manifest, and the shards together answer as one index over all the vectors.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createIndex } from '../../src/ann/index.js';
import { loadIndex } from '../../src/ann/persistence.js';
import { writeFvecs } from '../../src/io/index.js';
import { hasRedisServer, runCli, startRedis, startWorkerCli, stopProcess, type CliProcess, type RedisServer } from './cluster.js';

const ROWS = 600;
const DIM = 16;
let dir: string;
let redis: RedisServer;
let worker: CliProcess;
const data = new Float32Array(ROWS * DIM);

beforeAll(async () => {
  expect(hasRedisServer(), 'redis-server is not installed (scripts/system-packages.mjs lists it)').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'embedkit-jobs-index-'));
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  await writeFvecs(join(dir, 'base.fvecs'), { data, rows: ROWS, dim: DIM });
  redis = await startRedis();
  worker = await startWorkerCli(redis.url, ['--lock-seconds', '2']);
});

afterAll(async () => {
  if (worker) await stopProcess(worker.child, 'SIGKILL');
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('builds one flat index per partition; merged top-k equals one index over the union', async () => {
  const args = [
    'jobs',
    'index',
    '--redis',
    redis.url,
    '-i',
    'base.fvecs',
    '-o',
    'shards',
    '-p',
    '3',
    '--metric',
    'l2',
    '--type',
    'flat',
    '--threads',
    '1',
    '--json',
  ];
  const r = await runCli(args, { cwd: dir });
  expect(r.code, r.err).toBe(0);
  const summary = JSON.parse(r.out) as { vectors: number; submitted: number };
  expect(summary).toMatchObject({ vectors: ROWS, submitted: 3 });
  const manifest = JSON.parse(readFileSync(join(dir, 'shards/manifest.json'), 'utf8')) as {
    shards: { index: string; rowStart: number; rowEnd: number; vectors: number }[];
  };
  expect(manifest.shards.map((p) => [p.rowStart, p.rowEnd, p.vectors])).toEqual([
    [0, 200, 200],
    [200, 400, 200],
    [400, 600, 200],
  ]);
  const shards = await Promise.all(manifest.shards.map((p) => loadIndex(join(dir, 'shards', p.index))));
  const whole = createIndex({ type: 'flat', metric: 'l2', dim: DIM, threads: 1 });
  await whole.add(
    Array.from({ length: ROWS }, (_, i) => i),
    { data, rows: ROWS, dim: DIM },
  );
  for (let q = 0; q < 20; q++) {
    const query = data.subarray(q * 29 * DIM, (q * 29 + 1) * DIM);
    const merged = shards
      .flatMap((index) => index.search(query, 10))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 10);
    expect(merged.map((h) => h.id)).toEqual(whole.search(query, 10).map((h) => h.id));
  }
  // A rerun finds every partition done and submits nothing.
  const again = await runCli(args, { cwd: dir });
  expect(again.code, again.err).toBe(0);
  expect(JSON.parse(again.out)).toMatchObject({ resumed: 3, submitted: 0 });
  expect(existsSync(join(dir, 'shards/part-0.index.json'))).toBe(true);
});
