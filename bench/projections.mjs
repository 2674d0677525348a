// Projections side by side with the anchors, in one run: embedkit's PCA, t-SNE and UMAP against
// scikit-learn 1.2's PCA (randomized) and TSNE (Barnes-Hut; Debian python3-sklearn) and umap-js
// (npm). Time (wall seconds) and quality: 10-NN preservation — for a seeded sample of rows, the
// share of each row's 10 nearest neighbours in the input that are also among its 10 nearest in the
// embedding (exact neighbours by a flat scan over all rows in both spaces).
// Data: Gaussian blobs (`--rows` × `--dim`, `--centers` centres uniform in [-4, 4]^dim, unit spread,
// rows shuffled) and the real 100-d word vectors of ../shared/ann/gcide100 (45,870 rows).
// The anchors are slow, so the side-by-side runs on the first `--anchor-rows` rows of each set
// (ours runs there too, for the ratios); ours also runs on all rows (the 100k target).
// Needs: npm run build; apt-get install python3-sklearn; umap-js (a devDependency).
// Usage: node bench/projections.mjs [--rows 100000] [--dim 100] [--centers 20] [--anchor-rows 10000]
//          [--threads 2] [--sample 1000] [--pca-rows 1000000 --pca-dim 300] [--skip-gcide] [--skip-anchors]
//          [--methods pca,tsne,tsne-fast,umap]
// t-SNE runs twice: the default Barnes-Hut repulsion ('tsne') and the sampled one ('tsne-fast');
// both are compared with scikit-learn's Barnes-Hut.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const flag = (name) => args.includes(name);
const rows = opt('--rows', 100_000);
const dim = opt('--dim', 100);
const centers = opt('--centers', 20);
const anchorRows = opt('--anchor-rows', 10_000);
const threads = opt('--threads', 2);
const sample = opt('--sample', 1000);
const pcaRows = opt('--pca-rows', 1_000_000);
const pcaDim = opt('--pca-dim', 300);
const methods = args.includes('--methods') ? args[args.indexOf('--methods') + 1].split(',') : ['pca', 'tsne', 'tsne-fast', 'umap'];

const here = fileURLToPath(new URL('.', import.meta.url));
const { PCA, TSNE, UMAP } = await import('../dist/project/index.js');
const { createIndex } = await import('../dist/ann/index.js');
const { readFvecs } = await import('../dist/io/index.js');
const { Random } = await import('../dist/learn/random.js');

/** Exact k nearest other rows of the `queries` rows, by a flat scan over all n rows. */
async function exactKnn(data, n, d, queries, k) {
  const index = createIndex({ type: 'flat', metric: 'l2', dim: d, quantize: 'none', capacity: n, threads });
  await index.add(
    Array.from({ length: n }, (_, i) => i),
    { data, rows: n, dim: d },
  );
  const q = new Float32Array(queries.length * d);
  queries.forEach((r, i) => q.set(data.subarray(r * d, (r + 1) * d), i * d));
  const hits = await index.searchBatch({ data: q, rows: queries.length, dim: d }, k + 1, { withMetadata: false });
  return hits.map((list, i) =>
    list
      .map((h) => h.id)
      .filter((id) => id !== queries[i])
      .slice(0, k),
  );
}

/** 10-NN preservation over a seeded sample of rows. */
async function preservation(high, d, low, dims, n) {
  const rng = new Random(7);
  const queries = Array.from({ length: Math.min(sample, n) }, () => rng.int(n));
  const a = await exactKnn(high, n, d, queries, 10);
  const b = await exactKnn(low, n, dims, queries, 10);
  let hits = 0;
  a.forEach((list, i) => {
    const set = new Set(b[i]);
    hits += list.filter((id) => set.has(id)).length;
  });
  return hits / (queries.length * 10);
}

function blobs(n, d, c, seed) {
  const rng = new Random(seed);
  const centre = Float64Array.from({ length: c * d }, () => (rng.uniform() * 2 - 1) * 4);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const j = rng.int(c);
    for (let t = 0; t < d; t++) data[i * d + t] = centre[j * d + t] + rng.gaussian();
  }
  return data;
}

const results = [];
async function timeOurs(name, set, n, d, make) {
  const t0 = performance.now();
  const c0 = process.cpuUsage(); // this process and its worker threads
  const y = await make().fitTransform(set.subarray(0, n * d), n, d);
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  const q = await preservation(set.subarray(0, n * d), d, y, 2, n);
  const row = { tool: 'embedkit', method: name, rows: n, seconds, cpu, preservation: q };
  results.push(row);
  console.error(`  embedkit ${name} ${n}: ${seconds.toFixed(2)} s (CPU ${cpu.toFixed(1)} s), 10-NN preservation ${q.toFixed(4)}`);
  return row;
}

function sklearn(method, set, n, d, dir) {
  const input = join(dir, 'x.f32');
  const out = join(dir, 'y.f32');
  writeFileSync(input, set.subarray(0, n * d));
  const r = JSON.parse(
    execFileSync('/usr/bin/python3', [join(here, 'projections_sklearn.py'), method, input, String(n), String(d), out, String(threads)], {
      encoding: 'utf8',
    }),
  );
  const buf = readFileSync(out);
  return { seconds: r.seconds, cpu: r.cpu, y: new Float32Array(buf.buffer, buf.byteOffset, n * 2) };
}

async function timeAnchor(tool, name, set, n, d, run) {
  const r = await run();
  if (!r) return undefined;
  const { seconds, cpu, y } = r;
  const q = await preservation(set.subarray(0, n * d), d, y, 2, n);
  const row = { tool, method: name, rows: n, seconds, cpu, preservation: q };
  results.push(row);
  console.error(
    `  ${tool} ${name} ${n}: ${seconds.toFixed(2)} s${cpu === undefined ? '' : ` (CPU ${cpu.toFixed(1)} s)`}, 10-NN preservation ${q.toFixed(4)}`,
  );
  return row;
}

async function umapJs(set, n, d) {
  let UmapJs;
  try {
    ({ UMAP: UmapJs } = await import('umap-js'));
  } catch {
    console.error('  umap-js is not installed (npm install --no-save umap-js@1.4.0): its column stays empty');
    return undefined;
  }
  const rng = new Random(1);
  const rowsArr = Array.from({ length: n }, (_, i) => Array.from(set.subarray(i * d, (i + 1) * d)));
  const t0 = performance.now();
  const emb = new UmapJs({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: () => rng.uniform() }).fit(rowsArr);
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, y: Float32Array.from(emb.flat()) };
}

const sets = [{ name: `blobs ${dim}-d, ${centers} centres`, data: blobs(rows, dim, centers, 42), n: rows, d: dim }];
const gcide = join(here, '../../shared/ann/gcide100/base.fvecs');
if (!flag('--skip-gcide')) {
  const file = existsSync(gcide) ? gcide : undefined;
  if (file) {
    const m = await readFvecs(file);
    sets.push({ name: 'gcide100 word vectors', data: m.data, n: m.rows, d: m.dim });
  } else console.error(`(${gcide} not found: gcide100 skipped)`);
}

const dir = mkdtempSync(join(tmpdir(), 'projections-bench-'));
const table = [];
try {
  for (const s of sets) {
    console.error(`${s.name}: ${s.n} × ${s.d}`);
    const m = Math.min(anchorRows, s.n);
    const ours = {
      pca: () => new PCA({ dims: 2, seed: 0, threads }),
      tsne: () => new TSNE({ seed: 0, threads }),
      'tsne-fast': () => new TSNE({ seed: 0, threads, method: 'fast' }),
      umap: () => new UMAP({ seed: 0, threads }),
    };
    // side by side on the first m rows
    const anchors = {};
    for (const method of methods) {
      const mine = await timeOurs(method, s.data, m, s.d, ours[method]);
      if (flag('--skip-anchors')) continue;
      const anchor =
        method === 'umap'
          ? await timeAnchor('umap-js 1.4', method, s.data, m, s.d, () => umapJs(s.data, m, s.d))
          : method === 'tsne-fast'
            ? anchors.tsne // the same anchor as 'tsne', run once
            : await timeAnchor('scikit-learn 1.2', method, s.data, m, s.d, () => sklearn(method, s.data, m, s.d, dir));
      anchors[method] = anchor;
      table.push({ set: s.name, method, rows: m, ours: mine, anchor });
    }
    // ours on all rows
    if (s.n > m)
      for (const method of methods)
        table.push({ set: s.name, method, rows: s.n, ours: await timeOurs(method, s.data, s.n, s.d, ours[method]) });
  }
  // PCA at scale: ours vs scikit-learn on pcaRows × pcaDim random rows with a decaying spectrum
  if (pcaRows > 0) {
    console.error(`PCA ${pcaRows} × ${pcaDim}`);
    const rng = new Random(3);
    const scales = Float32Array.from({ length: pcaDim }, (_, t) => 1 / (1 + t));
    const big = new Float32Array(pcaRows * pcaDim);
    for (let i = 0; i < big.length; i++) big[i] = scales[i % pcaDim] * rng.gaussian();
    const t0 = performance.now();
    const pca = new PCA({ dims: 2, seed: 0, threads });
    await pca.fit(big, pcaRows, pcaDim);
    const seconds = (performance.now() - t0) / 1000;
    const row = {
      set: `gaussian ${pcaDim}-d`,
      method: 'pca',
      rows: pcaRows,
      ours: { seconds, evr: Array.from(pca.explainedVarianceRatio) },
    };
    console.error(`  embedkit pca: ${seconds.toFixed(2)} s, explained variance ratio ${row.ours.evr.map((v) => v.toFixed(5)).join(', ')}`);
    if (!flag('--skip-anchors')) {
      const input = join(dir, 'big.f32');
      writeFileSync(input, big);
      const r = JSON.parse(
        execFileSync(
          '/usr/bin/python3',
          [join(here, 'projections_sklearn.py'), 'pca', input, String(pcaRows), String(pcaDim), join(dir, 'bigy.f32'), String(threads)],
          {
            encoding: 'utf8',
          },
        ),
      );
      row.anchor = { seconds: r.seconds };
      console.error(`  scikit-learn pca: ${r.seconds.toFixed(2)} s`);
    }
    table.push(row);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (x, digits = 2) => (x === undefined ? '' : x.toFixed(digits));
console.log(
  `| set | method | rows | embedkit s | CPU s | anchor | anchor s | CPU s | speed-up (anchor s ÷ ours) | 10-NN pres. ours | anchor | ours ÷ anchor |`,
);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|`);
for (const r of table) {
  const a = r.anchor;
  console.log(
    `| ${r.set} | ${r.method} | ${r.rows} | ${f(r.ours.seconds)} | ${f(r.ours.cpu, 1)} | ${a ? (a.tool ?? 'scikit-learn 1.2') : '—'} | ${f(a?.seconds)} | ${f(a?.cpu, 1)} | ${a ? f(a.seconds / r.ours.seconds) : ''} | ${f(r.ours.preservation, 4)} | ${f(a?.preservation, 4)} | ${a?.preservation ? f(r.ours.preservation / a.preservation, 3) : ''} |`,
  );
}
