import type { Command } from 'commander';
import { Option } from 'commander';
import { createIndex } from '../../ann/index.js';
import { HNSW_DEFAULTS, INDEX_DEFAULTS } from '../../ann/defaults.js';
import type { HnswOptions } from '../../ann/options.js';
import type { Id, Metric } from '../../ann/types.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { int, oneOf } from '../parse.js';
import type { GlobalOptions } from '../run.js';
import { fileBytes, megabytes, PhaseDisplay, readIdsFile, readIndexVectors, since } from './index-input.js';

export const METRICS = allValues<Metric>({ cosine: true, l2: true, ip: true, hamming: true });
export const METRIC_ALIASES: Record<string, Metric> = { cos: 'cosine', euclidean: 'l2', dot: 'ip' };

type IndexType = NonNullable<Parameters<typeof createIndex>[0]['type']>;

/** The flag of the index metric (a required library option). */
export const METRIC_FLAG: readonly LibraryFlag<HnswOptions>[] = [
  {
    key: 'metric',
    flags: '--metric <metric>',
    description: 'cosine, l2 (squared Euclidean), ip (inner product) or hamming (bits)',
    parse: oneOf(METRICS, METRIC_ALIASES),
    mandatory: true,
  },
];

/** Index parameters, in --help order, with the library's defaults. */
export const INDEX_FLAGS: readonly LibraryFlag<HnswOptions>[] = [
  { key: 'm', flags: '--m <n>', description: 'HNSW: links per node (2·M on level 0)', parse: int(2, 256), default: HNSW_DEFAULTS.m },
  {
    key: 'efConstruction',
    flags: '--ef-construction <n>',
    description: 'HNSW: candidate list size while building',
    parse: int(1, 100000),
    default: HNSW_DEFAULTS.efConstruction,
  },
  {
    key: 'efSearch',
    flags: '--ef-search <n>',
    description: 'HNSW: default candidate list size of searches (stored in the file)',
    parse: int(1, 100000),
    default: HNSW_DEFAULTS.efSearch,
  },
  {
    key: 'quantize',
    flags: '--quantize <codes>',
    description: 'traversal codes (results re-ranked exactly): none, int8 or binary (default: int8; none for hamming)',
    parse: oneOf(allValues<NonNullable<HnswOptions['quantize']>>({ none: true, int8: true, binary: true })),
  },
  {
    key: 'int8Range',
    flags: '--int8-range <range>',
    description: 'int8: one range per dimension or one global range',
    parse: oneOf(allValues<NonNullable<HnswOptions['int8Range']>>({ 'per-dimension': true, global: true })),
    default: INDEX_DEFAULTS.int8Range,
  },
  { key: 'threads', flags: '--threads <n>', description: 'worker threads for the build (default: all cores)', parse: int(1, 1024) },
  {
    key: 'seed',
    flags: '--seed <n>',
    description: 'HNSW: seed of the level generator',
    parse: int(0, 2 ** 31 - 1),
    default: HNSW_DEFAULTS.seed,
  },
];

/** What commander parses: the command's own flags; the index options are read through the flag tables. */
interface BuildOptions {
  input: string;
  type: IndexType;
  output: string;
  ids?: string;
  limit?: number;
  json: boolean;
  quiet: boolean;
}

/** `embedkit index build`: builds a flat or HNSW index from a vector file and saves it. */
export function registerIndexBuild(index: Command, globals: () => GlobalOptions): void {
  const command = index
    .command('build')
    .description('build a vector index (exact flat, or HNSW) from a vector file and save it')
    .requiredOption(
      '-i, --input <file>',
      'vectors: .fvecs/.bvecs/.ivecs, .npy, JSON Lines ({"id", "vector", …metadata}) or a word-vector file (ids = the words)',
    );
  addLibraryFlags(command, METRIC_FLAG);
  command
    .addOption(
      new Option('--type <type>', 'flat (exact) or hnsw (approximate)')
        .default('hnsw')
        .argParser(oneOf(allValues<IndexType>({ flat: true, hnsw: true }))),
    )
    .requiredOption('-o, --output <file>', 'where to save the index (written atomically)');
  addLibraryFlags(command, INDEX_FLAGS);
  command
    .option('--ids <file>', 'ids, one per line (default: the ids/words of the input file, else row numbers 0, 1, …)')
    .option('--limit <n>', 'use only the first n vectors of the input', int(1))
    .option('--json', 'print JSON {vectors, dim, metric, type, seconds, buildSeconds, bytes, …}', false)
    .option('-q, --quiet', 'no progress display', false)
    .action(async (o: BuildOptions & Record<string, unknown>) => {
      const { metric } = libraryOptions(o, METRIC_FLAG) as Pick<HnswOptions, 'metric'>;
      const { m, efConstruction, efSearch, seed, ...common } = libraryOptions(o, INDEX_FLAGS);
      const t0 = performance.now();
      const show = new PhaseDisplay(!o.quiet);
      try {
        show.phase('read', 0, 3, o.input);
        const v = await readIndexVectors(o.input, metric, o.limit);
        let ids: Id[];
        if (o.ids) ids = await readIdsFile(o.ids, v.rows, o.limit !== undefined);
        else ids = v.ids ?? Array.from({ length: v.rows }, (_, i) => i);
        const readSeconds = since(t0);

        const hnsw = o.type === 'hnsw';
        const options = { ...common, metric, dim: v.dim, capacity: v.rows };
        const index = hnsw
          ? createIndex({ ...options, type: 'hnsw', m, efConstruction, efSearch, seed })
          : createIndex({ ...options, type: 'flat' });
        show.phase(
          'build',
          1,
          3,
          `${o.type} index of ${v.rows} vectors × ${v.dim}${metric === 'hamming' ? ' bits' : ''}, ${index.threads} thread${index.threads === 1 ? '' : 's'}`,
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
