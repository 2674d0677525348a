// HDBSCAN side by side with R's dbscan::hdbscan (Debian r-cran-dbscan; the Python hdbscan package
// is not in Debian 12, and scikit-learn 1.2 has no HDBSCAN). Data: Gaussian blobs (unit spread,
// centres uniform in [-spread, spread]^dim, sizes 1 : 2 : … so densities differ in count), truth =
// the blob. Each side runs in its own process on the same float32 rows; reported: fit seconds,
// CPU seconds (all threads), the process's peak RSS, the number of clusters and noise points, ARI against the truth (noise as
// its own label) and our/their ratios. R's hdbscan builds the full n × n distance matrix, so the
// side-by-side runs on the first `--anchor-rows` rows; ours also runs on all `--rows`.
// minPts of R = minClusterSize = minSamples of ours. Our exact variant (`exact: true`: all-pairs core
// distances and Prim's tree, as R) also runs on the anchor rows unless --no-exact.
// Needs: npm run build; apt-get install --no-install-recommends r-cran-dbscan
// Usage: node bench/hdbscan.mjs [--rows 100000] [--anchor-rows 10000] [--dim 20] [--centers 20] [--min-pts 25] [--spread 4] [--noise 0.02] [--threads 2] [--neighbors K (0 = the library default)] [--no-exact]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const peakMb = () => process.resourceUsage().maxRSS / 1024;

if (args[0] === '--child') {
  // one run of ours: node bench/hdbscan.mjs --child FILE ROWS DIM MINPTS THREADS OUT
  const [, file, rows, dim, minPts, threads, out, neighbors, exact] = args;
  const { hdbscan } = await import('../dist/tasks/cluster/hdbscan.js');
  const buf = readFileSync(file);
  const data = new Float32Array(buf.buffer, buf.byteOffset, Number(rows) * Number(dim));
  const cpu0 = process.cpuUsage();
  const r = await hdbscan(
    { rows: Number(rows), dim: Number(dim), data },
    {
      minClusterSize: Number(minPts),
      threads: Number(threads),
      ...(neighbors !== '0' ? { neighbors: Number(neighbors) } : {}),
      exact: exact === 'exact',
    },
  );
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // to a file: a large result written to a pipe before process.exit can arrive cut short
  writeFileSync(
    out,
    `${JSON.stringify({ seconds: r.seconds, cpuSeconds, rssMb: peakMb(), labels: Array.from(r.labels), joinRounds: r.joinRounds })}\n`,
  );
  process.exit(0);
}

const { adjustedRandIndex } = await import('../dist/evaluate/clustering-metrics.js');
const { Random } = await import('../dist/learn/random.js');
const rows = opt('--rows', 100_000);
const anchorRows = opt('--anchor-rows', 10_000);
const dim = opt('--dim', 20);
const centers = opt('--centers', 20);
const minPts = opt('--min-pts', 25);
const threads = opt('--threads', 2);
const spread = opt('--spread', 4);
const noiseShare = opt('--noise', 0.02);
const neighbors = opt('--neighbors', 0); // 0: the library's default

// blob j gets a share ∝ (1 + j % 4) of the rows; rows are shuffled so every prefix has all blobs
const rng = new Random(42);
const centre = Float64Array.from({ length: centers * dim }, () => (rng.uniform() * 2 - 1) * spread);
const weights = Array.from({ length: centers }, (_, j) => 1 + (j % 4));
const total = weights.reduce((a, b) => a + b, 0);
const truth = new Int32Array(rows);
for (let i = 0, j = 0, acc = 0; i < rows; i++) {
  while (i >= Math.round(((acc + weights[j]) / total) * rows)) acc += weights[j++];
  truth[i] = j;
}
for (let i = rows - 1; i > 0; i--) {
  const j = rng.int(i + 1);
  [truth[i], truth[j]] = [truth[j], truth[i]];
}
const data = new Float32Array(rows * dim);
// a share of the rows is uniform background noise over the box (truth −1)
const box = spread + 3;
for (let i = 0; i < rows; i++) {
  const background = rng.uniform() < noiseShare;
  if (background) truth[i] = -1;
  for (let d = 0; d < dim; d++)
    data[i * dim + d] = background ? (rng.uniform() * 2 - 1) * box : centre[truth[i] * dim + d] + rng.gaussian();
}

const dir = mkdtempSync(join(tmpdir(), 'bench-hdbscan-'));
const self = fileURLToPath(import.meta.url);
const ours = (n, exact = false) => {
  const file = join(dir, `x${n}.f32`);
  writeFileSync(file, data.subarray(0, n * dim));
  const out = join(dir, `ours${n}.json`);
  const childArgs = [
    self,
    '--child',
    file,
    String(n),
    String(dim),
    String(minPts),
    String(threads),
    out,
    String(neighbors),
    exact ? 'exact' : 'hnsw',
  ];
  execFileSync(process.execPath, childArgs, {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return JSON.parse(readFileSync(out, 'utf8'));
};
const theirs = (n) => {
  const file = join(dir, `x${n}.f32`);
  writeFileSync(file, data.subarray(0, n * dim));
  const r = `
suppressPackageStartupMessages(library(dbscan))
x <- matrix(readBin("${file}", "numeric", size = 4, n = ${n * dim}), ncol = ${dim}, byrow = TRUE)
t <- proc.time()
cl <- hdbscan(x, minPts = ${minPts})
d <- proc.time() - t
s <- d[["elapsed"]]
cpu <- d[["user.self"]] + d[["sys.self"]]
hwm <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
cat(sprintf('{"seconds": %f, "cpuSeconds": %f, "rssMb": %f, "labels": [%s]}', s, cpu, as.numeric(gsub("[^0-9]", "", hwm)) / 1024, paste(cl$cluster - 1, collapse = ",")))`;
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  return JSON.parse(execFileSync('Rscript', ['-e', r], { env, maxBuffer: 1 << 28 }).toString());
};
const describe = (r, n) => {
  const clusters = new Set(r.labels.filter((l) => l >= 0)).size;
  const noise = r.labels.filter((l) => l < 0).length;
  return { ...r, clusters, noise, ari: adjustedRandIndex(truth.subarray(0, n), r.labels) };
};
const row = (name, n, r) =>
  `| ${name} | ${n} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.clusters} | ${r.noise} | ${r.ari.toFixed(4)} |`;
try {
  const version = execFileSync('Rscript', ['-e', 'cat(as.character(packageVersion("dbscan")))']).toString();
  const a = describe(ours(anchorRows), anchorRows);
  const b = describe(theirs(anchorRows), anchorRows);
  const exact = args.includes('--no-exact') ? undefined : describe(ours(anchorRows, true), anchorRows);
  const big = describe(ours(rows), rows);
  console.log(
    `HDBSCAN: Gaussian blobs, ${centers} centres in [-${spread}, ${spread}]^${dim} + ${noiseShare * 100} % uniform noise in [-${box}, ${box}]^${dim}, minPts = min_cluster_size = min_samples = ${minPts}, ${threads} threads; R dbscan ${version}`,
  );
  console.log('| | rows | fit s | CPU s | peak RSS MB | clusters | noise | ARI vs truth |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(row('embedkit hdbscan (HNSW kNN graph)', anchorRows, a));
  console.log(row('R dbscan::hdbscan (full distance matrix)', anchorRows, b));
  if (exact) console.log(row('embedkit hdbscan exact (all pairs, Prim)', anchorRows, exact));
  console.log(row('embedkit hdbscan (HNSW kNN graph)', rows, big));
  console.log(
    `at ${anchorRows} rows: speed-up ${(b.seconds / a.seconds).toFixed(2)}× (CPU time ${(b.cpuSeconds / a.cpuSeconds).toFixed(2)}×), RSS ratio (ours/R) ${(a.rssMb / b.rssMb).toFixed(2)}, ARI ours/R ${(a.ari / b.ari).toFixed(4)}, agreement ARI(ours, R) ${adjustedRandIndex(a.labels, b.labels).toFixed(4)}${exact ? `, ARI(ours exact, R) ${adjustedRandIndex(exact.labels, b.labels).toFixed(4)}` : ''}; component-join rounds ${a.joinRounds} (${anchorRows}), ${big.joinRounds} (${rows})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
