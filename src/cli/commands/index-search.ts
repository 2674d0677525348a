import type { Command } from 'commander';
import { FileFormatError } from '../../errors.js';
import { loadIndex, type LoadedIndex } from '../../ann/index.js';
import type { Id, IndexSearchOptions, Metric, SearchHit } from '../../ann/types.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { readIvecs } from '../../io/matrix/vecs-read.js';
import { printJson, printLines } from '../output.js';
import { int } from '../parse.js';
import type { GlobalOptions } from '../run.js';
import { readIdsFile, readIndexVectors, since, type IndexVectors } from './index-input.js';

interface SearchOptions {
  index: string;
  queries: string;
  k: number;
  groundTruth?: string;
  base?: string;
  ids?: string;
  threads: number;
  batch: boolean;
  limit?: number;
  repeat: number;
  results: boolean;
  json: boolean;
}

/** Search options of the index given on the command line. */
const QUERY_FLAGS: readonly LibraryFlag<IndexSearchOptions>[] = [
  {
    key: 'ef',
    flags: '--ef <n>',
    description: 'HNSW: candidate list size (default: the efSearch stored in the index)',
    parse: int(1, 100000),
  },
];

/** Results are printed by default up to this many queries (else with --results). */
const PRINT_RESULTS_UP_TO = 100;

/** Row `r` of the query input, as the index takes it. */
function queryRow(q: IndexVectors, r: number): Float32Array | Uint8Array {
  if (q.vectors instanceof Uint8Array) {
    const per = Math.ceil(q.dim / 8);
    return q.vectors.subarray(r * per, (r + 1) * per);
  }
  return q.vectors.data.subarray(r * q.dim, (r + 1) * q.dim);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * The id of each base row, for ground truth given as base row numbers: from `--ids` (one per line),
 * or the ids/words of `--base` (read as `index build` reads it), else the row numbers themselves.
 */
async function baseRowIds(o: SearchOptions, metric: Metric): Promise<(Id | null)[] | undefined> {
  if (o.ids) return readIdsFile(o.ids);
  if (o.base) {
    const v = await readIndexVectors(o.base, metric);
    return v.ids ?? Array.from({ length: v.rows }, (_, i) => i);
  }
  return undefined;
}

/**
 * recall@k: for each query, the share of its true k nearest neighbours (the first k rows of its
 * ground-truth line, mapped to ids by `rowIds`, or taken as ids themselves) found among the hits.
 */
async function recallAtK(
  gtFile: string,
  rowIds: (Id | null)[] | undefined,
  results: SearchHit[][],
  k: number,
): Promise<{ recall: number; gtK: number }> {
  const gt = await readIvecs(gtFile);
  if (gt.rows < results.length) throw new FileFormatError(gtFile, `has ${gt.rows} rows, fewer than the ${results.length} queries`);
  const gtK = Math.min(k, gt.dim);
  const idsBySlot = rowIds ?? { length: Infinity };
  let found = 0;
  let total = 0;
  for (let q = 0; q < results.length; q++) {
    const truth = new Set<Id>();
    for (let j = 0; j < gtK; j++) {
      const row = gt.data[q * gt.dim + j];
      if (row < 0) continue; // -1 pads short ground-truth lists
      const id = rowIds ? rowIds[row] : row;
      if (row >= idsBySlot.length || id === null || id === undefined) {
        throw new FileFormatError(gtFile, `query ${q} lists base row ${row}, but the base ids have only ${idsBySlot.length} rows`);
      }
      truth.add(id);
    }
    for (const h of results[q]) if (truth.has(h.id)) found++;
    total += truth.size;
  }
  return { recall: total === 0 ? NaN : found / total, gtK };
}

/** `embedkit index search`: k nearest neighbours of query vectors, QPS and recall@k. */
export function registerIndexSearch(index: Command, globals: () => GlobalOptions): void {
  const command = index
    .command('search')
    .description('search a saved index with query vectors; prints the neighbours, QPS, and recall@k with --ground-truth')
    .requiredOption('--index <file>', 'index file written by `embedkit index build` (or save())')
    .requiredOption('--queries <file>', 'query vectors (any format `index build` reads)')
    .option('-k, --k <n>', 'neighbours per query', int(1, 100000), 10);
  addLibraryFlags(command, QUERY_FLAGS);
  command
    .option('--ground-truth <file>', '.ivecs of the true neighbours as row numbers of the base file; reports recall@k')
    .option(
      '--base <file>',
      'with --ground-truth: the base file the index was built from, to map its rows to ids (default: ids are row numbers)',
    )
    .option('--ids <file>', 'with --ground-truth: the ids of the base rows, one per line (as given to index build --ids)')
    .option(
      '--threads <n>',
      'N > 1: all queries in one searchBatch call on N worker threads (the index runs small batches on the calling thread)',
      int(1, 1024),
      1,
    )
    .option('--batch', 'all queries in one call on this thread (searchBatchSync); default: one call per query', false)
    .option('--limit <n>', 'use only the first n queries', int(1))
    .option(
      '--repeat <n>',
      'run the search n times and report the fastest (the first run includes the JIT compiling the kernel)',
      int(1, 1000),
      1,
    )
    .option('--results', 'print the neighbours even when there are more than 100 queries', false)
    .option('--json', 'print JSON {queries, k, seconds, qps, runs, firstSeconds, recall?, results?}', false)
    .action(async (o: SearchOptions & Record<string, unknown>) => {
      const json = o.json || globals().json;
      const tl = performance.now();
      const idx: LoadedIndex = await loadIndex(o.index, { threads: o.threads });
      const loadSeconds = since(tl);
      const q = await readIndexVectors(o.queries, idx.metric, o.limit);
      if (q.dim !== idx.dim) {
        throw new FileFormatError(
          o.queries,
          `has dimension ${q.dim}${idx.metric === 'hamming' ? ' (bits)' : ''}, the index ${o.index} has ${idx.dim}`,
        );
      }
      const ef = libraryOptions(o, QUERY_FLAGS).ef ?? (idx.type === 'hnsw' ? idx.efSearch : undefined);
      const opts = ef !== undefined ? { ef } : {};
      const mode = o.threads > 1 ? 'batch' : o.batch ? 'batch' : 'per-query';
      let results: SearchHit[][] = [];
      let latencies: Float64Array | undefined;
      let seconds = Infinity;
      let firstSeconds = 0;
      for (let run = 0; run < o.repeat; run++) {
        // every run gives the same results; the fastest run's time and latencies are reported
        let runResults: SearchHit[][];
        let runLatencies: Float64Array | undefined;
        const ts = performance.now();
        if (o.threads > 1) runResults = await idx.searchBatch(q.vectors, o.k, opts);
        else if (o.batch) runResults = idx.searchBatchSync(q.vectors, o.k, opts);
        else {
          runResults = [];
          runLatencies = new Float64Array(q.rows);
          for (let r = 0; r < q.rows; r++) {
            const t = performance.now();
            runResults.push(idx.search(queryRow(q, r), o.k, opts));
            runLatencies[r] = performance.now() - t;
          }
        }
        const took = since(ts);
        if (run === 0) firstSeconds = took;
        if (took < seconds) {
          seconds = took;
          results = runResults;
          latencies = runLatencies;
        }
      }
      const qps = q.rows / seconds;
      const rc = o.groundTruth ? await recallAtK(o.groundTruth, await baseRowIds(o, idx.metric), results, o.k) : undefined;
      const showResults = o.results || q.rows <= PRINT_RESULTS_UP_TO;
      const label = (r: number): Id => q.ids?.[r] ?? r;
      let latency: { meanMs: number; p50Ms: number; p95Ms: number; p99Ms: number } | undefined;
      if (latencies) {
        const sorted = latencies.slice().sort();
        latency = {
          meanMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
          p50Ms: percentile(sorted, 50),
          p95Ms: percentile(sorted, 95),
          p99Ms: percentile(sorted, 99),
        };
      }
      if (json) {
        return printJson({
          index: o.index,
          type: idx.type,
          metric: idx.metric,
          size: idx.size,
          queries: q.rows,
          k: o.k,
          ...(ef !== undefined && idx.type === 'hnsw' ? { ef: Math.max(ef, o.k) } : {}),
          mode,
          threads: o.threads,
          loadSeconds,
          seconds,
          qps,
          runs: o.repeat,
          firstSeconds,
          ...(latency ? { latency } : {}),
          ...(rc ? { recall: rc.recall, recallAt: rc.gtK } : {}),
          ...(showResults ? { results: results.map((hits, r) => ({ query: label(r), hits })) } : {}),
        });
      }
      const lines: string[] = [];
      if (showResults) {
        results.forEach((hits, r) => {
          lines.push(`${String(label(r))}:`);
          for (const h of hits) lines.push(`  ${h.distance.toFixed(4)}  ${String(h.id)}`);
        });
        lines.push('');
      }
      const how =
        o.threads > 1 ? `one searchBatch call, ${o.threads} threads` : o.batch ? 'one batch on 1 thread' : 'one call per query, 1 thread';
      const efText = ef !== undefined && idx.type === 'hnsw' ? `, ef ${Math.max(ef, o.k)}` : '';
      const runs = o.repeat > 1 ? `, fastest of ${o.repeat} runs (first ${firstSeconds.toFixed(3)} s)` : '';
      lines.push(
        `${q.rows} queries, k ${o.k}${efText} on ${idx.type} ${idx.metric} index of ${idx.size} vectors: ${seconds.toFixed(3)} s, ${Math.round(qps)} QPS (${how}${runs}; load ${loadSeconds.toFixed(2)} s)`,
      );
      if (latency)
        lines.push(
          `latency ms: mean ${latency.meanMs.toFixed(3)}, p50 ${latency.p50Ms.toFixed(3)}, p95 ${latency.p95Ms.toFixed(3)}, p99 ${latency.p99Ms.toFixed(3)}`,
        );
      if (rc) lines.push(`recall@${rc.gtK} ${rc.recall.toFixed(4)}`);
      if (!showResults) lines.push(`(neighbours of ${q.rows} queries not printed: add --results)`);
      printLines(lines);
    });
}
