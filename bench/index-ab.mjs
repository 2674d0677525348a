#!/usr/bin/env node
// In-process A/B of two embedkit builds (two dist/ folders, e.g. main's and a branch's) on a bench
// dataset: one index is built (1 thread, deterministic) and saved by build A, both builds load
// the same file, check that they return identical results (ids and distance bits), then time the
// same calls alternately. On a shared VM whose speed drifts by ±20 % in minutes, alternating in one
// process keeps the drift out of each pair; the median of the pair ratios is the figure to read
// (run A against A once to see the noise floor).
//
//   node bench/index-ab.mjs --a ../main/dist --b dist --dataset gcide100 --variant int8 --rounds 21
//   --variant int8 | none | flat     --cache DIR (gauss128's data, as bench/index.mjs; default
//   ~/.cache/embedkit-bench/ann)     --only 'batch ef40' (one case)
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const dataset = opt('dataset', 'gcide100');
const variant = opt('variant', 'int8');
const rounds = Number(opt('rounds', '21'));
const only = opt('only');
const load = async (dir) => import(pathToFileURL(join(resolve(dir), 'index.js')).href);
const libs = { A: await load(opt('a', '../main/dist')), B: await load(opt('b', 'dist')) };
const cache = resolve(opt('cache', join(homedir(), '.cache/embedkit-bench/ann')));
const dir = dataset === 'gcide100' ? resolve('../shared/ann/gcide100') : join(cache, dataset);
const metric = dataset === 'gcide100' ? 'cosine' : 'l2';
const base = await libs.A.readFvecs(join(dir, 'base.fvecs'));
const queries = await libs.A.readFvecs(join(dir, 'query.fvecs'));
const dim = base.dim;

const tmp = mkdtempSync(join(tmpdir(), 'embedkit-ab-'));
const file = join(tmp, 'index.ekx');
const built =
  variant === 'flat'
    ? libs.A.createIndex({ type: 'flat', metric, dim, threads: 1, capacity: base.rows })
    : libs.A.createIndex({
        type: 'hnsw',
        metric,
        dim,
        m: 16,
        efConstruction: 200,
        seed: 100,
        quantize: variant,
        threads: 1,
        capacity: base.rows,
      });
built.addSync(
  Array.from({ length: base.rows }, (_, i) => i),
  base,
);
built.saveSync(file);
const sides = { A: await libs.A.loadIndex(file, { threads: 2 }), B: await libs.B.loadIndex(file, { threads: 2 }) };
rmSync(tmp, { recursive: true, force: true });

const q = (i) => queries.data.subarray(i * dim, (i + 1) * dim);
const all =
  variant === 'flat'
    ? {
        'batch 1t': (ix) => ix.searchBatchSync(queries, 10, { withMetadata: false }),
        'batch 2t': (ix) => ix.searchBatch(queries, 10, { withMetadata: false }),
      }
    : {
        ...Object.fromEntries(
          [10, 20, 40, 160].map((ef) => [`batch ef${ef}`, (ix) => ix.searchBatchSync(queries, 10, { ef, withMetadata: false })]),
        ),
        'one ef40': (ix) => Array.from({ length: queries.rows }, (_, i) => ix.search(q(i), 10, { ef: 40, withMetadata: false })),
      };
const cases = only ? { [only]: all[only] } : all;

const hash = (res) => {
  const h = createHash('sha256');
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (const hits of res)
    for (const x of hits) {
      f[0] = x.distance;
      h.update(`${x.id}:${u[0]};`);
    }
  return h.digest('hex').slice(0, 16);
};
for (const [name, fn] of Object.entries(cases)) {
  const a = hash(await fn(sides.A));
  const b = hash(await fn(sides.B));
  if (a !== b) console.log(`${name}: RESULTS DIFFER (A ${a}, B ${b})`);
}

const best = {};
const ratios = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(cases)) {
    const t = {};
    for (const side of r % 2 ? ['B', 'A'] : ['A', 'B']) {
      const t0 = performance.now();
      await fn(sides[side]);
      t[side] = performance.now() - t0;
      best[`${name} ${side}`] = Math.min(best[`${name} ${side}`] ?? Infinity, t[side]);
    }
    (ratios[name] ??= []).push(t.A / t.B);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const name of Object.keys(cases)) {
  const qps = (side) => (queries.rows / best[`${name} ${side}`]) * 1000;
  console.log(
    `${dataset} ${variant} ${name}: A ${qps('A').toFixed(0)} QPS, B ${qps('B').toFixed(0)} QPS (best of ${rounds}); ` +
      `B/A median of the pair ratios ${median(ratios[name]).toFixed(3)}`,
  );
}
process.exit(0);
