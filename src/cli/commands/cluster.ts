import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { silhouetteScore } from '../../evaluate/clustering-metrics.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import type { Matrix } from '../../math/matrix.js';
import { agglomerative, type AgglomerativeOptions } from '../../tasks/cluster/agglomerative.js';
import { dbscan } from '../../tasks/cluster/dbscan.js';
import { hdbscan, type HdbscanOptions } from '../../tasks/cluster/hdbscan.js';
import { KMeans, type KMeansOptions } from '../../tasks/cluster/kmeans.js';
import { MiniBatchKMeans } from '../../tasks/cluster/minibatch-kmeans.js';
import { parseOptionValue } from './embed-run.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { DEFAULT_CLUSTER_ENCODER, readClusterInput } from './cluster-input.js';

type ClusterMethod = 'kmeans' | 'minibatch' | 'dbscan' | 'hdbscan' | 'agglomerative';
const METHODS = allValues<ClusterMethod>({ kmeans: true, minibatch: true, dbscan: true, hdbscan: true, agglomerative: true });

/** k-means parameters, with the library's defaults. */
const KMEANS_FLAGS: readonly LibraryFlag<KMeansOptions>[] = [
  { key: 'k', flags: '--k <n>', description: 'number of clusters (kmeans, minibatch, agglomerative)', parse: int(1) },
  { key: 'maxIter', flags: '--max-iter <n>', description: 'most Lloyd iterations', parse: int(1), default: 300 },
  {
    key: 'tol',
    flags: '--tol <x>',
    description: 'stop when the squared centroid shift ≤ tol × mean variance (0: until labels settle)',
    parse: float(0),
    default: 1e-4,
  },
  {
    key: 'seed',
    flags: '--seed <n>',
    description: 'seed of the k-means++ draws (dbscan, hdbscan: of the index)',
    parse: int(0, 2 ** 31 - 1),
    default: 0,
  },
  {
    key: 'threads',
    flags: '--threads <n>',
    description: 'worker threads (default: up to 4 cores; 1 below 20k vectors)',
    parse: int(1, 256),
  },
];

/** HDBSCAN parameters (--min-samples is shared with dbscan and declared below). */
const HDBSCAN_FLAGS: readonly LibraryFlag<HdbscanOptions>[] = [
  { key: 'minClusterSize', flags: '--min-cluster-size <n>', description: 'hdbscan: smallest cluster', parse: int(2), default: 5 },
  {
    key: 'clusterSelection',
    flags: '--cluster-selection <how>',
    description: 'hdbscan: eom (excess of mass) or leaf',
    parse: oneOf(['eom', 'leaf'] as const),
    default: 'eom',
  },
  {
    key: 'neighbors',
    flags: '--neighbors <n>',
    description: 'hdbscan: neighbours per point in the kNN graph (default max(16, min-samples))',
    parse: int(1),
  },
  { key: 'exact', flags: '--exact', description: 'hdbscan: exact HDBSCAN* over all pairs (O(n²) time, O(n) memory)', default: false },
];

/** Agglomerative clustering parameters (--k is the k-means flag). */
const AGGLOMERATIVE_FLAGS: readonly LibraryFlag<AgglomerativeOptions>[] = [
  {
    key: 'linkage',
    flags: '--linkage <how>',
    description: 'agglomerative: ward, average, complete or single',
    parse: oneOf(['ward', 'average', 'complete', 'single'] as const),
    default: 'ward',
  },
  {
    key: 'distanceThreshold',
    flags: '--distance-threshold <x>',
    description: 'agglomerative: make only the merges below this distance (instead of --k)',
    parse: float(0),
  },
  { key: 'maxRows', flags: '--max-rows <n>', description: 'agglomerative: most vectors (n² memory)', parse: int(2), default: 10000 },
];

interface ClusterFlags {
  input: string;
  method: ClusterMethod;
  texts: boolean;
  encoder?: string;
  option?: Record<string, unknown>;
  output?: string;
  limit?: number;
  batchSize?: number;
  eps?: number;
  minSamples?: number;
  silhouette?: number;
  json: boolean;
  quiet: boolean;
}

/** What every method reports: the labels and the JSON summary's method-specific fields. */
interface Clustering {
  labels: Int32Array;
  summary: Record<string, unknown> & { k: number; seconds: number };
  line: string;
}

async function runMethod(command: Command, o: ClusterFlags & Record<string, unknown>, x: Matrix, signal: AbortSignal): Promise<Clustering> {
  const options = libraryOptions(o, KMEANS_FLAGS);
  const { rows } = x;
  if (o.method === 'dbscan') {
    if (o.eps === undefined) throw new UsageError('--method dbscan needs --eps');
    const r = await dbscan(x, { eps: o.eps, minSamples: o.minSamples ?? 5, threads: options.threads, seed: options.seed, signal });
    return {
      labels: r.labels,
      summary: { k: r.clusters, noise: r.noise, seconds: r.seconds },
      line: `dbscan: ${rows} vectors → ${r.clusters} clusters, ${r.noise} noise points, ${r.seconds.toFixed(2)} s`,
    };
  }
  if (o.method === 'hdbscan') {
    const h = libraryOptions(o, HDBSCAN_FLAGS);
    const bar = new ProgressBar(!o.quiet);
    const r = await hdbscan(x, {
      ...h,
      minSamples: o.minSamples,
      threads: options.threads,
      seed: options.seed,
      signal,
      onProgress: (done, total) => bar.update('hdbscan', done / total, `neighbours of ${done}/${total} vectors`),
    });
    bar.done();
    return {
      labels: r.labels,
      summary: { k: r.clusters, noise: r.noise, seconds: r.seconds, joinRounds: r.joinRounds },
      line: `hdbscan: ${rows} vectors → ${r.clusters} clusters, ${r.noise} noise points, ${r.seconds.toFixed(2)} s`,
    };
  }
  if (o.method === 'agglomerative') {
    const a = libraryOptions(o, AGGLOMERATIVE_FLAGS);
    if ((options.k === undefined) === (a.distanceThreshold === undefined))
      throw new UsageError('--method agglomerative needs either --k or --distance-threshold');
    const r = await agglomerative(x, { ...a, k: options.k, signal });
    return {
      labels: r.labels,
      summary: { k: r.clusters, linkage: a.linkage ?? 'ward', seconds: r.seconds },
      line: `agglomerative (${a.linkage ?? 'ward'}): ${rows} vectors → ${r.clusters} clusters, ${r.seconds.toFixed(2)} s`,
    };
  }
  if (options.k === undefined) throw new UsageError(`--method ${o.method} needs --k`);
  const bar = new ProgressBar(!o.quiet);
  const maxIter = options.maxIter ?? 300;
  const result =
    o.method === 'minibatch'
      ? await new MiniBatchKMeans({
          k: options.k,
          maxIter: command.getOptionValueSource('maxIter') === 'default' ? undefined : options.maxIter,
          seed: options.seed,
          batchSize: o.batchSize,
          signal,
        }).fit(x)
      : await new KMeans({
          ...options,
          k: options.k,
          signal,
          onIteration: ({ iteration, changed }) => bar.update('k-means', iteration / maxIter, `iteration ${iteration}, ${changed} moved`),
        }).fit(x);
  bar.done();
  const sizes = new Array<number>(result.centroids.rows).fill(0);
  for (const l of result.labels) sizes[l]++;
  const k = result.centroids.rows;
  return {
    labels: result.labels,
    summary: { k, inertia: result.inertia, iterations: result.iterations, seconds: result.seconds, sizes },
    line:
      `${o.method}: ${rows} vectors × ${x.dim} → ${k} clusters in ${result.iterations} iterations, ${result.seconds.toFixed(2)} s\n` +
      `inertia ${result.inertia.toPrecision(6)}; cluster sizes ${Math.min(...sizes)}–${Math.max(...sizes)}`,
  };
}

/** Mean silhouette of the non-noise rows on a seeded sample; null when fewer than 2 clusters (or every row its own). */
function silhouetteOf(x: Matrix, labels: Int32Array, sample: number): number | null {
  const clusters = new Set(Array.from(labels).filter((l) => l >= 0)).size;
  const members = labels.filter((l) => l >= 0).length;
  if (clusters < 2 || clusters >= members) return null;
  return silhouetteScore(x, labels, { sample, seed: 0 });
}

/** `embedkit cluster`: clusters the vectors of a file (or the embeddings of its lines); labels one per line in input order. */
export function registerCluster(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('cluster')
    .description(
      'cluster vectors or texts: k-means (WASM kernel, multi-threaded), mini-batch k-means, DBSCAN and HDBSCAN on the HNSW index, agglomerative (small sets); labels one per line in input order',
    )
    .requiredOption(
      '-i, --input <file>',
      'vectors (.fvecs, .npy, JSON Lines {"id", "vector"}, a word-vector file) or texts, one per line (any other text file, or with --texts / --encoder)',
    )
    .addOption(new Option('--method <method>', 'clustering method').default('kmeans').argParser(oneOf(METHODS)))
    .option('--texts', 'read --input as texts, one per line, and embed them', false)
    .option('-e, --encoder <name>', `text encoder for --input texts (default ${DEFAULT_CLUSTER_ENCODER}; \`embedkit encoders\` lists them)`)
    .option('-O, --option <key=value>', 'encoder load option, repeatable (e.g. -O vectors=model.ekv)', parseOptionValue);
  addLibraryFlags(command, KMEANS_FLAGS);
  addLibraryFlags(command, HDBSCAN_FLAGS);
  addLibraryFlags(command, AGGLOMERATIVE_FLAGS);
  command
    .option('-o, --output <file>', 'write the labels here, one per line in input order (written atomically)')
    .option('--limit <n>', 'use only the first n vectors (or lines)', int(1))
    .option('--eps <x>', 'dbscan: neighbourhood radius (Euclidean)', float(0))
    .option(
      '--min-samples <n>',
      'dbscan, hdbscan: points (itself included) in a core point’s neighbourhood (default: dbscan 5, hdbscan --min-cluster-size)',
      int(1),
    )
    .option('--batch-size <n>', 'minibatch: rows per step (default 1024; --max-iter counts passes over the data, default 100)', int(1))
    .option(
      '--json',
      'print JSON {method, k, seconds, rows, dim, source, …}: kmeans/minibatch add inertia, iterations, sizes; dbscan/hdbscan noise; agglomerative linkage',
      false,
    )
    .option(
      '--silhouette <n>',
      'also report the mean silhouette of the labels (noise left out) over a seeded sample of n rows (exact distances to all rows: O(n · rows · dim))',
      int(1),
    )
    .option('-q, --quiet', 'no progress display', false)
    .action(async (o: ClusterFlags & Record<string, unknown>) => {
      const signal = abortOnSigint();
      const json = o.json || globals().json;
      const { x, source } = await readClusterInput(o.input, { ...o, signal }, (line) => {
        if (!o.quiet) process.stderr.write(`${line}\n`);
      });
      const r = await runMethod(command, o, x, signal);
      if (o.output) await writeFileAtomic(o.output, `${Array.from(r.labels).join('\n')}\n`);
      const quality = o.silhouette !== undefined ? { silhouette: silhouetteOf(x, r.labels, o.silhouette) } : {};
      if (json) printJson({ method: o.method, ...r.summary, rows: x.rows, dim: x.dim, source, ...quality });
      else {
        const extra =
          quality.silhouette !== undefined
            ? [`silhouette ${quality.silhouette === null ? 'undefined (fewer than 2 clusters)' : quality.silhouette.toFixed(4)}`]
            : [];
        printLines([r.line, ...extra, ...(o.output ? [`labels written to ${o.output}`] : [])]);
        if (!o.output) printLines(Array.from(r.labels, String));
      }
    });
}
