#!/usr/bin/env node
// Paired HNSW comparison: hnswlib and embedkit alternated as fresh processes, so that both see
// the same state of a noisy machine (bench/index.mjs runs each library once per round, minutes
// apart; on a shared VM one library's speed can move by tens of percent in between).
//
//   npm run build && npm run bench:index-paired -- --dataset gcide100 --ef 40 --pairs 8
//   npm run bench:index-paired -- --dataset gauss128 --ef 20 --cache /tmp
//   npm run bench:index-paired -- --dataset gcide100 --exact     # FlatIndex vs FAISS IndexFlat
//
// Both indexes are built once (M=16, efConstruction=200, seed 100, 2 threads; embedkit int8,
// its default) and saved in --cache (default ~/.cache/embedkit-bench/ann, next to gauss128's
// data); each pair then loads them in two new processes and times the 1,000 queries as one batch
// on 1 thread at the given ef: best wall time over ≥ 3 runs and ≥ 1 s, as bench_py.py. Prints one
// line per pair (QPS of each, ratio) and the median ratio; --json prints the pairs as JSON.
// --exact compares exact search instead: embedkit's FlatIndex (built once, saved) against FAISS
// IndexFlat through ../shared/anchors/ann/bench_py.py (faiss-flat: 1 thread, same timing rule).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = resolve(dirname(self), '..');
const shared = resolve(root, '../shared');
const PY = '/usr/bin/python3';
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const fail = (msg) => {
  console.error(`bench: ${msg}`);
  process.exit(1);
};

if (args[0] === '--child') {
  // one embedkit timing: node index-paired.mjs --child INDEX QUERIES EF
  const ek = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const [, file, queryFile, ef] = args;
  const queries = await ek.readFvecs(queryFile);
  const index = await ek.loadIndex(file);
  let best = Infinity;
  for (let reps = 0, total = 0; reps < 3 || total < 1; reps++) {
    const t = performance.now();
    index.searchBatchSync(queries, 10, { ef: Number(ef) || undefined, withMetadata: false });
    const dt = (performance.now() - t) / 1000;
    best = Math.min(best, dt);
    total += dt;
  }
  console.log(Math.round(queries.rows / best));
  process.exit(0);
}

const dataset = opt('dataset', 'gcide100');
const metric = { gcide100: 'cosine', gauss128: 'l2' }[dataset] ?? fail(`unknown dataset '${dataset}' (gcide100, gauss128)`);
const exact = args.includes('--exact');
const ef = exact ? 0 : Number(opt('ef', dataset === 'gcide100' ? '40' : '20'));
const pairs = Number(opt('pairs', '8'));
const cache = resolve(opt('cache', join(homedir(), '.cache/embedkit-bench/ann')));
let dir = join(shared, 'ann', dataset);
if (!existsSync(join(dir, 'base.fvecs'))) dir = join(cache, dataset);
if (!existsSync(join(dir, 'base.fvecs')))
  fail(`${dataset} not found in ${join(shared, 'ann')} nor ${cache} (npm run bench:index generates gauss128)`);
if (!existsSync(join(root, 'dist/index.js'))) fail('dist/ is missing: run npm run build first');
if (spawnSync(PY, ['-c', exact ? 'import faiss, numpy' : 'import hnswlib, numpy']).status !== 0)
  fail(`needs Debian ${exact ? 'python3-faiss' : 'python3-hnswlib'} python3-numpy`);
mkdirSync(cache, { recursive: true });

// hnswlib side: builds and saves the index once, or loads it and times one batch.
const pyFile = join(cache, 'hnswlib-paired.py');
writeFileSync(
  pyFile,
  `import os, sys, time, numpy as np, hnswlib
base, queries, space, saved, ef = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def fvecs(p):
    a = np.fromfile(p, dtype=np.int32)
    return a.reshape(-1, a[0] + 1)[:, 1:].view(np.float32).copy()
x = fvecs(base)
p = hnswlib.Index(space=space, dim=x.shape[1])
if not os.path.exists(saved):
    p.init_index(max_elements=len(x), M=16, ef_construction=200, random_seed=100)
    p.set_num_threads(2)
    p.add_items(x, np.arange(len(x)))
    p.save_index(saved + '.tmp')
    os.replace(saved + '.tmp', saved)
    sys.exit(0)
p.load_index(saved, max_elements=len(x))
q = fvecs(queries)
p.set_num_threads(1)
p.set_ef(ef)
best, total, reps = 1e9, 0.0, 0
while reps < 3 or total < 1:
    t = time.perf_counter(); p.knn_query(q, k=10, num_threads=1); dt = time.perf_counter() - t
    best = min(best, dt); total += dt; reps += 1
print(round(len(q) / best))
`,
);
const hnswFile = join(cache, `${dataset}-hnswlib.bin`);
const ekFile = join(cache, exact ? `${dataset}-embedkit-flat.ekx` : `${dataset}-embedkit-int8.ekx`);
// FAISS side of --exact: the shared runner, on a folder of symlinks (it reads $ANN_ROOT/ann/DATASET)
let annRoot;
const faiss = () => {
  if (!annRoot) {
    annRoot = mkdtempSync(join(tmpdir(), 'embedkit-paired-'));
    mkdirSync(join(annRoot, 'ann'));
    symlinkSync(dir, join(annRoot, 'ann', dataset));
    process.on('exit', () => rmSync(annRoot, { recursive: true, force: true }));
  }
  const r = spawnSync(PY, [join(shared, 'anchors/ann/bench_py.py'), dataset, metric === 'cosine' ? 'cos' : 'l2', 'faiss-flat'], {
    env: { ...process.env, ANN_ROOT: annRoot },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const row = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .pop();
  return { status: r.status === 0 && row ? 0 : 1, stdout: String(Math.round(row?.qps ?? 0)) };
};
const py = (e) =>
  spawnSync(PY, [pyFile, join(dir, 'base.fvecs'), join(dir, 'query.fvecs'), metric === 'cosine' ? 'cosine' : 'l2', hnswFile, String(e)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
if (!exact && !existsSync(hnswFile)) {
  console.error(`== building the hnswlib index (${hnswFile})`);
  if (py(ef).status !== 0) fail('hnswlib build failed');
}
if (!existsSync(ekFile)) {
  console.error(`== building the embedkit index (${ekFile})`);
  const ek = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const base = await ek.readFvecs(join(dir, 'base.fvecs'));
  const index = exact
    ? ek.createIndex({ type: 'flat', metric, dim: base.dim, threads: 2, capacity: base.rows })
    : ek.createIndex({
        type: 'hnsw',
        metric,
        dim: base.dim,
        m: 16,
        efConstruction: 200,
        seed: 100,
        quantize: 'int8',
        threads: 2,
        capacity: base.rows,
      });
  await index.add(
    Array.from({ length: base.rows }, (_, i) => i),
    base,
  );
  await index.save(ekFile);
}

const out = [];
for (let i = 0; i < pairs; i++) {
  const h = exact ? faiss() : py(ef);
  const e = spawnSync(process.execPath, [self, '--child', ekFile, join(dir, 'query.fvecs'), String(ef)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (h.status !== 0 || e.status !== 0) fail('a timing process failed');
  const anchor = exact ? 'faiss' : 'hnswlib';
  const pair = { dataset, ef: exact ? 'exact' : ef, [anchor]: Number(h.stdout.trim()), embedkit: Number(e.stdout.trim()) };
  pair.ratio = pair.embedkit / pair[anchor];
  out.push(pair);
  if (!args.includes('--json'))
    console.log(
      `${dataset} ${exact ? 'exact' : `ef=${ef}`} pair ${i + 1}: ${anchor} ${pair[anchor]} QPS, embedkit ${pair.embedkit} QPS, ×${pair.ratio.toFixed(2)}`,
    );
}
const ratios = out.map((p) => p.ratio).sort((a, b) => a - b);
const median = ratios.length % 2 ? ratios[(ratios.length - 1) / 2] : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
if (args.includes('--json')) console.log(JSON.stringify({ pairs: out, median }));
else
  console.log(
    `${dataset} ${exact ? 'exact' : `ef=${ef}`}: embedkit ${exact ? 'Flat vs FAISS IndexFlat (1 thread)' : 'HNSW int8 vs hnswlib'}, ${pairs} pairs: ×${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}, median ×${median.toFixed(2)}`,
  );
