import type { Command } from 'commander';
import { Option } from 'commander';
import { FileFormatError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import { readVectorsAny } from '../../io/matrix/read-any.js';
import { KMeans, type KMeansOptions } from '../../tasks/cluster/kmeans.js';
import { MiniBatchKMeans } from '../../tasks/cluster/minibatch-kmeans.js';
import { dbscan } from '../../tasks/cluster/dbscan.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

type ClusterMethod = 'kmeans' | 'minibatch' | 'dbscan';
const METHODS = allValues<ClusterMethod>({ kmeans: true, minibatch: true, dbscan: true });

/** k-means parameters, with the library's defaults. */
const KMEANS_FLAGS: readonly LibraryFlag<KMeansOptions>[] = [
  { key: 'k', flags: '--k <n>', description: 'number of clusters (kmeans, minibatch)', parse: int(1) },
  { key: 'maxIter', flags: '--max-iter <n>', description: 'most Lloyd iterations', parse: int(1), default: 300 },
  {
    key: 'tol',
    flags: '--tol <x>',
    description: 'stop when the squared centroid shift ≤ tol × mean variance (0: until labels settle)',
    parse: float(0),
    default: 1e-4,
  },
  { key: 'seed', flags: '--seed <n>', description: 'seed of the k-means++ draws', parse: int(0, 2 ** 31 - 1), default: 0 },
  {
    key: 'threads',
    flags: '--threads <n>',
    description: 'worker threads (default: up to 4 cores; 1 below 20k vectors)',
    parse: int(1, 256),
  },
];

interface ClusterFlags {
  input: string;
  method: ClusterMethod;
  output?: string;
  limit?: number;
  batchSize?: number;
  eps?: number;
  minSamples: number;
  json: boolean;
  quiet: boolean;
}

/** `embedkit cluster`: clusters the vectors of a file; labels one per line in input order. */
export function registerCluster(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('cluster')
    .description(
      'cluster vectors: k-means (k-means++ and Lloyd in the WASM kernel, multi-threaded) or mini-batch k-means; labels one per line in input order',
    )
    .requiredOption('-i, --input <file>', 'vectors: .fvecs, .npy, JSON Lines ({"id", "vector"}) or a word-vector file')
    .addOption(new Option('--method <method>', 'clustering method').default('kmeans').argParser(oneOf(METHODS)));
  addLibraryFlags(command, KMEANS_FLAGS);
  command
    .option('-o, --output <file>', 'write the labels here, one per line in input order (written atomically)')
    .option('--limit <n>', 'use only the first n vectors', int(1))
    .option('--eps <x>', 'dbscan: neighbourhood radius (Euclidean)', float(0))
    .option('--min-samples <n>', 'dbscan: neighbours within eps (itself included) of a core point', int(1), 5)
    .option('--batch-size <n>', 'minibatch: rows per step (default 1024; --max-iter counts passes over the data, default 100)', int(1))
    .option(
      '--json',
      'print JSON {method, k, inertia, iterations, seconds, rows, dim, sizes} (dbscan: {method, k, noise, seconds, rows, dim})',
      false,
    )
    .option('-q, --quiet', 'no progress display', false)
    .action(async (o: ClusterFlags & Record<string, unknown>) => {
      const options = libraryOptions(o, KMEANS_FLAGS);
      const v = await readVectorsAny(o.input, o.limit !== undefined ? { limit: o.limit } : {});
      if (v.rows === 0) throw new FileFormatError(o.input, 'holds no vectors');
      const bar = new ProgressBar(!o.quiet);
      const maxIter = options.maxIter ?? 300;
      const signal = abortOnSigint();
      const x = { rows: v.rows, dim: v.dim, data: v.data };
      if (o.method === 'dbscan') {
        if (o.eps === undefined) throw new UsageError('--method dbscan needs --eps');
        const r = await dbscan(x, { eps: o.eps, minSamples: o.minSamples, threads: options.threads, seed: options.seed, signal });
        if (o.output) await writeFileAtomic(o.output, `${Array.from(r.labels).join('\n')}\n`);
        const summary = { method: o.method, k: r.clusters, noise: r.noise, seconds: r.seconds, rows: v.rows, dim: v.dim };
        if (o.json || globals().json) printJson(summary);
        else
          printLines([
            `dbscan: ${v.rows} vectors → ${r.clusters} clusters, ${r.noise} noise points, ${r.seconds.toFixed(2)} s`,
            ...(o.output ? [`labels written to ${o.output}`] : []),
          ]);
        return;
      }
      if (options.k === undefined) throw new UsageError(`--method ${o.method} needs --k`);
      const result =
        o.method === 'minibatch'
          ? await new MiniBatchKMeans({
              k: options.k as number,
              maxIter: command.getOptionValueSource('maxIter') === 'default' ? undefined : options.maxIter,
              seed: options.seed,
              batchSize: o.batchSize,
              signal,
            }).fit({
              rows: v.rows,
              dim: v.dim,
              data: v.data,
            })
          : await new KMeans({
              ...options,
              k: options.k as number,
              signal,
              onIteration: ({ iteration, changed }) =>
                bar.update('k-means', iteration / maxIter, `iteration ${iteration}, ${changed} moved`),
            }).fit({ rows: v.rows, dim: v.dim, data: v.data });
      bar.done();
      if (o.output) await writeFileAtomic(o.output, `${Array.from(result.labels).join('\n')}\n`);
      const sizes = new Array<number>(result.centroids.rows).fill(0);
      for (const l of result.labels) sizes[l]++;
      const summary = {
        method: o.method,
        k: result.centroids.rows,
        inertia: result.inertia,
        iterations: result.iterations,
        seconds: result.seconds,
        rows: v.rows,
        dim: v.dim,
        sizes,
      };
      if (o.json || globals().json) printJson(summary);
      else {
        printLines([
          `${o.method}: ${v.rows} vectors × ${v.dim} → ${summary.k} clusters in ${result.iterations} iterations, ${result.seconds.toFixed(2)} s`,
          `inertia ${result.inertia.toPrecision(6)}; cluster sizes ${Math.min(...sizes)}–${Math.max(...sizes)}`,
          ...(o.output ? [`labels written to ${o.output}`] : []),
        ]);
        if (!o.output) printLines(Array.from(result.labels, String));
      }
    });
}
