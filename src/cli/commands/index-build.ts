import type { Command } from 'commander';
import { Option } from 'commander';
import { createIndex } from '../../ann/index.js';
import type { Id, Metric } from '../../ann/types.js';
import { printJson, printLines } from '../output.js';
import { int, oneOf } from '../parse.js';
import type { GlobalOptions } from '../run.js';
import { fileBytes, megabytes, PhaseDisplay, readIdsFile, readIndexVectors, since } from './index-input.js';

export const METRICS = ['cosine', 'l2', 'ip', 'hamming'] as const;
export const METRIC_ALIASES: Record<string, Metric> = { cos: 'cosine', euclidean: 'l2', dot: 'ip' };

interface BuildOptions {
  input: string;
  metric: Metric;
  type: 'flat' | 'hnsw';
  m: number;
  efConstruction: number;
  efSearch: number;
  quantize?: 'none' | 'int8' | 'binary';
  int8Range: 'per-dimension' | 'global';
  threads?: number;
  seed: number;
  output: string;
  ids?: string;
  limit?: number;
  json: boolean;
  quiet: boolean;
}

/** `embedkit index build`: builds a flat or HNSW index from a vector file and saves it. */
export function registerIndexBuild(index: Command, globals: () => GlobalOptions): void {
  index
    .command('build')
    .description('build a vector index (exact flat, or HNSW) from a vector file and save it')
    .requiredOption(
      '-i, --input <file>',
      'vectors: .fvecs/.bvecs/.ivecs, .npy, JSON Lines ({"id", "vector", …metadata}) or a word-vector file (ids = the words)',
    )
    .addOption(
      new Option('--metric <metric>', 'cosine, l2 (squared Euclidean), ip (inner product) or hamming (bits)')
        .argParser(oneOf(METRICS, METRIC_ALIASES))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--type <type>', 'flat (exact) or hnsw (approximate)').default('hnsw').argParser(oneOf(['flat', 'hnsw'] as const)),
    )
    .requiredOption('-o, --output <file>', 'where to save the index (written atomically)')
    .option('--m <n>', 'HNSW: links per node (2·M on level 0)', int(2, 256), 16)
    .option('--ef-construction <n>', 'HNSW: candidate list size while building', int(1, 100000), 200)
    .option('--ef-search <n>', 'HNSW: default candidate list size of searches (stored in the file)', int(1, 100000), 50)
    .addOption(
      new Option(
        '--quantize <codes>',
        'traversal codes (results re-ranked exactly): none, int8 or binary (default: int8; none for hamming)',
      ).argParser(oneOf(['none', 'int8', 'binary'] as const)),
    )
    .addOption(
      new Option('--int8-range <range>', 'int8: one range per dimension or one global range')
        .default('per-dimension')
        .argParser(oneOf(['per-dimension', 'global'] as const)),
    )
    .option('--threads <n>', 'worker threads for the build (default: all cores)', int(1, 1024))
    .option('--seed <n>', 'HNSW: seed of the level generator', int(0, 2 ** 31 - 1), 100)
    .option('--ids <file>', 'ids, one per line (default: the ids/words of the input file, else row numbers 0, 1, …)')
    .option('--limit <n>', 'use only the first n vectors of the input', int(1))
    .option('--json', 'print JSON {vectors, dim, metric, type, seconds, buildSeconds, bytes, …}', false)
    .option('-q, --quiet', 'no progress display', false)
    .action(async (o: BuildOptions) => {
      const t0 = performance.now();
      const show = new PhaseDisplay(!o.quiet);
      try {
        show.phase('read', 0, 3, o.input);
        const v = await readIndexVectors(o.input, o.metric, o.limit);
        let ids: Id[];
        if (o.ids) ids = await readIdsFile(o.ids, v.rows, o.limit !== undefined);
        else ids = v.ids ?? Array.from({ length: v.rows }, (_, i) => i);
        const readSeconds = since(t0);

        const hnsw = o.type === 'hnsw';
        const common = { metric: o.metric, dim: v.dim, quantize: o.quantize, int8Range: o.int8Range, threads: o.threads, capacity: v.rows };
        const index = hnsw
          ? createIndex({ ...common, type: 'hnsw', m: o.m, efConstruction: o.efConstruction, efSearch: o.efSearch, seed: o.seed })
          : createIndex({ ...common, type: 'flat' });
        show.phase(
          'build',
          1,
          3,
          `${o.type} index of ${v.rows} vectors × ${v.dim}${o.metric === 'hamming' ? ' bits' : ''}, ${index.threads} thread${index.threads === 1 ? '' : 's'}`,
        );
        const tb = performance.now();
        await index.add(ids, v.vectors, v.metadata);
        const buildSeconds = since(tb);

        show.phase('save', 2, 3, o.output);
        const ts = performance.now();
        await index.save(o.output);
        const saveSeconds = since(ts);
        const bytes = await fileBytes(o.output);
        show.done();
        const seconds = since(t0);
        const result = {
          input: o.input,
          format: v.format,
          output: o.output,
          vectors: index.size,
          dim: index.dim,
          metric: index.metric,
          type: index.type,
          quantize: index.quantize,
          ...(index.quantize === 'int8' ? { int8Range: index.int8Range } : {}),
          ...(index.type === 'hnsw'
            ? { m: index.m, efConstruction: index.efConstruction, efSearch: index.efSearch, seed: index.seed }
            : {}),
          threads: index.threads,
          idSource: o.ids ? 'ids-file' : v.ids ? v.format : 'row-numbers',
          metadata: v.metadata !== undefined,
          seconds,
          readSeconds,
          buildSeconds,
          saveSeconds,
          vectorsPerSecond: index.size / buildSeconds,
          bytes,
        };
        if (o.json || globals().json) return printJson(result);
        const what = index.type === 'hnsw' ? `HNSW (M ${index.m}, efConstruction ${index.efConstruction})` : 'flat';
        printLines([
          `built ${what} ${index.metric} index of ${index.size} vectors × ${index.dim}${index.metric === 'hamming' ? ' bits' : ''}` +
            `${index.quantize !== 'none' ? `, ${index.quantize} traversal codes` : ''} with ${index.threads} thread${index.threads === 1 ? '' : 's'}`,
          `read ${readSeconds.toFixed(2)} s, build ${buildSeconds.toFixed(2)} s, save ${saveSeconds.toFixed(2)} s, total ${seconds.toFixed(2)} s`,
          `wrote ${o.output} (${megabytes(bytes)})`,
        ]);
      } finally {
        show.done();
      }
    });
}
