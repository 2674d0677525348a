import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { FileFormatError, UsageError } from '../../errors.js';
import { getEncoderEntry, loadEncoder } from '../../encode/registry.js';
import type { Encoder } from '../../encode/types.js';
import { evaluateRankings } from '../../evaluate/ranking-metrics.js';
import {
  loadSearchIndex,
  saveSearchIndex,
  SemanticSearch,
  tuneFusion,
  type ChunkOptions,
  type FusionOptions,
  type MetadataFilter,
  type SearchQuery,
  type SearchQueryOptions,
} from '../../tasks/search/index.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import type { GlobalOptions } from '../run.js';
import { parseOptionValue } from './embed-run.js';
import { readDocuments, readQueries, type QueryRecord } from './search-input.js';
import { addScrubOptions, scrubberOf, type ScrubOptionValues } from '../scrub-option.js';

/** Default encoder of `search build`, `match`, `dedupe`: offline; its IDF is fitted on the documents (and saved with the index). */
export const DEFAULT_SEARCH_ENCODER = 'glove-100-tfidf';

const FUSION_MODES = allValues<NonNullable<FusionOptions['mode']>>({ rrf: true, convex: true, dense: true, latent: true, bm25: true });
const NORMALIZATIONS = allValues<NonNullable<FusionOptions['normalization']>>({ minmax: true, zscore: true });

const CHUNK_FLAGS: readonly LibraryFlag<ChunkOptions>[] = [
  {
    key: 'maxWords',
    flags: '--chunk-words <n>',
    description: 'words per chunk of long texts (0 = no chunking; default 200)',
    parse: int(0, 1e6),
  },
  {
    key: 'overlap',
    flags: '--chunk-overlap <n>',
    description: 'words shared by consecutive chunks (default min(40, chunk-words/5))',
    parse: int(0, 1e6),
  },
];

const FUSION_FLAGS: readonly LibraryFlag<FusionOptions>[] = [
  {
    key: 'mode',
    flags: '--mode <mode>',
    description: 'ranking: convex (hybrid, default), rrf (hybrid), dense, latent (LSA), bm25',
    parse: oneOf(FUSION_MODES),
  },
  {
    key: 'denseWeight',
    flags: '--dense-weight <w>',
    description: 'weight of the dense ranking in [0, 1] (default 0.1, or the tuned value)',
    parse: float(0, 1),
  },
  {
    key: 'latentWeight',
    flags: '--latent-weight <w>',
    description: 'weight of the latent (LSA) ranking in [0, 1] (default 0.1, or the tuned value); BM25 gets 1 − dense − latent − document',
    parse: float(0, 1),
  },
  {
    key: 'documentWeight',
    flags: '--document-weight <w>',
    description: 'weight of BM25 over whole documents in [0, 1] (default 0: off); chunk BM25 gets the rest',
    parse: float(0, 1),
  },
  {
    key: 'normalization',
    flags: '--normalization <how>',
    description: 'score scaling of convex fusion: minmax (default) or zscore',
    parse: oneOf(NORMALIZATIONS),
  },
  { key: 'rrfK', flags: '--rrf-k <k>', description: 'rank constant of reciprocal-rank fusion (default 60)', parse: float(0, 1e6) },
];

const QUERY_FLAGS: readonly LibraryFlag<SearchQueryOptions>[] = [
  { key: 'k', flags: '-k, --k <n>', description: 'documents per query', parse: int(1, 1e6), default: 10 },
  { key: 'mmrLambda', flags: '--mmr <lambda>', description: 'diversify with MMR, λ in [0, 1] (1 = relevance only)', parse: float(0, 1) },
  {
    key: 'candidates',
    flags: '--candidates <n>',
    description: 'chunks fetched per ranking before fusion (default max(50, 5k))',
    parse: int(1, 1e6),
  },
];

interface BuildOptions {
  input: string;
  output: string;
  encoder: string;
  model?: string;
  option?: Record<string, unknown>;
  index: 'hnsw' | 'flat';
  update: boolean;
  tune?: string;
  latent: boolean;
  latentDim?: number;
  threads: number;
  json: boolean;
  quiet: boolean;
}

/** Encoder load options with file paths made absolute, so the saved index reloads from any folder. */
function absolutePaths(options: Record<string, unknown>): Record<string, unknown> {
  const out = { ...options };
  for (const key of ['vectors', 'path', 'model', 'corpus'])
    if (typeof out[key] === 'string' && fs.existsSync(out[key] as string)) out[key] = path.resolve(out[key] as string);
  return out;
}

async function encoderFor(o: BuildOptions): Promise<{ encoder: Encoder; options: Record<string, unknown> }> {
  const entry = getEncoderEntry(o.encoder);
  const options = absolutePaths({ ...o.option, ...(o.model !== undefined ? { path: o.model } : {}) });
  if ((entry as { needsPath?: boolean }).needsPath && options.path === undefined && options.model === undefined)
    throw new UsageError(`encoder '${o.encoder}' loads a model you give: add --model PATH`);
  return { encoder: await loadEncoder(o.encoder, options), options };
}

function judged(queries: QueryRecord[], file: string): { id: string | number; text: string; relevant: (string | number)[] }[] {
  return queries.map((q) => {
    if (q.text === undefined || q.relevant === undefined)
      throw new FileFormatError(file, `query ${JSON.stringify(q.id)} needs "text" and "relevant" for tuning`);
    return { id: q.id, text: q.text, relevant: q.relevant };
  });
}

async function build(o: BuildOptions & Record<string, unknown>): Promise<void> {
  const started = performance.now();
  if (o.update && !fs.existsSync(path.join(o.output, 'manifest.json')))
    throw new UsageError(`--update: ${o.output} is not a search index yet`);
  if (!o.update && fs.existsSync(path.join(o.output, 'manifest.json')))
    throw new UsageError(`${o.output} already holds a search index: add --update to add to it, or choose another --output`);
  const bar = new ProgressBar(!o.quiet && !o.json);
  let search: SemanticSearch;
  if (o.update) search = await loadSearchIndex(o.output, { threads: o.threads });
  else {
    const { encoder, options } = await encoderFor(o);
    search = new SemanticSearch(encoder, {
      encoderName: o.encoder,
      encoderOptions: options,
      indexType: o.index,
      threads: o.threads,
      chunk: libraryOptions(o, CHUNK_FLAGS),
      fusion: libraryOptions(o, FUSION_FLAGS),
      latent: o.latent || o.latentDim !== undefined ? (o.latentDim === undefined ? {} : { dim: o.latentDim }) : false,
    });
  }
  const docs = await readDocuments(o.input, search.settings.modality);
  const scrubber = await scrubberOf(o as ScrubOptionValues);
  if (scrubber) for (const d of docs) if (d.text !== undefined) d.text = scrubber.scrub(d.text);
  const tuneQueries = o.tune === undefined ? undefined : judged(await readQueries(o.tune), o.tune);
  await search.add(docs, (done, total) => bar.update('embed', done / total, `${done}/${total} chunks`));
  bar.done();
  const tuning = tuneQueries ? await tuneFusion(search, tuneQueries) : undefined;
  await saveSearchIndex(search, o.output);
  const summary = {
    output: o.output,
    encoder: search.settings.encoderName,
    dimension: search.settings.dim,
    documents: search.size,
    chunks: search.chunkCount,
    added: docs.length,
    fusion: search.settings.fusion,
    latent: search.latent ? { dim: search.latent.dim, terms: search.latent.vocabularySize, fittedOn: search.latent.documents } : null,
    ...(tuning ? { tunedMrr: tuning.mrr } : {}),
    seconds: (performance.now() - started) / 1000,
  };
  if (o.json) return printJson(summary);
  printLines([
    `indexed ${docs.length} documents (${search.size} in the index, ${search.chunkCount} chunks) with ${summary.encoder} → ${o.output}`,
    `fusion: ${JSON.stringify(search.settings.fusion)}${tuning ? ` (tuned, MRR ${tuning.mrr.toFixed(4)})` : ''}; ${summary.seconds.toFixed(1)} s`,
  ]);
}

interface QueryOptions {
  queryEncoder?: string;
  queryModel?: string;
  queries?: string;
  text?: string;
  file?: string;
  filter?: string;
  threads: number;
  json: boolean;
}

function parseFilter(raw: string | undefined): MetadataFilter | undefined {
  if (raw === undefined) return undefined;
  try {
    const f = JSON.parse(raw) as unknown;
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw new Error();
    return f as MetadataFilter;
  } catch {
    throw new UsageError(`--filter must be a JSON object such as '{"lang":"en"}', got ${raw}`);
  }
}

async function query(indexDir: string, o: QueryOptions & Record<string, unknown>): Promise<void> {
  const given = [o.queries, o.text, o.file].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of --queries FILE, --text "…" or --file PATH');
  const search = await loadSearchIndex(indexDir, { threads: o.threads });
  const queries: QueryRecord[] = o.queries
    ? await readQueries(o.queries)
    : o.text !== undefined
      ? [{ id: 'text', text: o.text }]
      : [{ id: o.file!, path: path.resolve(o.file!) }];
  const options: SearchQueryOptions = {
    ...libraryOptions(o, QUERY_FLAGS),
    fusion: libraryOptions(o, FUSION_FLAGS),
    filter: parseFilter(o.filter),
  };
  // cross-modal: text queries embedded by another encoder of the same space (clip-text → clip-image index)
  const queryEncoder =
    o.queryEncoder === undefined
      ? undefined
      : await loadEncoder(o.queryEncoder, o.queryModel !== undefined ? { path: path.resolve(o.queryModel) } : {});
  if (queryEncoder && queryEncoder.dimension !== search.settings.dim)
    throw new UsageError(
      `--query-encoder ${o.queryEncoder} gives ${queryEncoder.dimension} dimensions, the index has ${search.settings.dim}`,
    );
  const results: Record<string, { id: string | number; score: number }[]> = {};
  const ranked = new Map<string | number, (string | number)[]>();
  for (const q of queries) {
    let input: SearchQuery = search.settings.modality === 'text' ? { text: q.text ?? '' } : { path: q.path, text: q.text };
    if (queryEncoder) {
      const e = await queryEncoder.embed([queryEncoder.modality === 'text' ? (q.text ?? '') : (q.path ?? '')], { normalize: true });
      if (e.errors.length > 0) throw new UsageError(`query ${JSON.stringify(q.id)}: ${e.errors[0].message}`);
      input = { vector: e.data, text: search.settings.modality === 'text' ? q.text : undefined };
    } else if (search.settings.modality === 'text' && q.text === undefined)
      throw new UsageError(`query ${JSON.stringify(q.id)}: this index needs text queries`);
    else if (search.settings.modality !== 'text' && q.path === undefined)
      throw new UsageError(
        `query ${JSON.stringify(q.id)}: this ${search.settings.modality} index needs a file (--file, "path") or --query-encoder`,
      );
    const hits = await search.query(input, options);
    results[String(q.id)] = hits.map((h) => ({ id: h.id, score: h.score }));
    ranked.set(
      q.id,
      hits.map((h) => h.id),
    );
  }
  const qrels = new Map(queries.filter((q) => q.relevant).map((q) => [q.id, new Set(q.relevant)]));
  const k = options.k ?? 10;
  const metrics = qrels.size > 0 ? evaluateRankings(ranked, qrels, [...new Set([1, k])]) : undefined;
  if (o.json) return printJson({ results, ...(metrics ? { metrics } : {}) });
  const lines: string[] = [];
  for (const [qid, hits] of Object.entries(results)) {
    lines.push(`${qid}:`);
    for (const h of hits) lines.push(`  ${h.score.toFixed(4)}  ${String(h.id)}`);
  }
  if (metrics)
    lines.push(
      `MRR ${metrics.mrr.toFixed(4)}  recall@${k} ${metrics.recall[k].toFixed(4)}  nDCG@${k} ${metrics.ndcg[k].toFixed(4)}  (${metrics.queries} queries)`,
    );
  printLines(lines);
}

/** `embedkit search build|query`: hybrid (BM25 + vector) semantic search over documents or images. */
export function registerSearch(program: Command, globals: () => GlobalOptions): void {
  const search = program.command('search').description('semantic search over documents (hybrid BM25 + embeddings) or image folders');

  const b = search
    .command('build')
    .description('embed and index documents: a JSONL file of {"id", "text", …metadata} (or {"id", "path"} for image encoders), or a folder')
    .requiredOption('-i, --input <path>', 'docs.jsonl, or a folder of .txt/.md files (text encoders) or images (image encoders)')
    .requiredOption('-o, --output <dir>', 'index folder to write (manifest.json + data files)')
    .option('-e, --encoder <name>', 'encoder (`embedkit encoders` lists them)', DEFAULT_SEARCH_ENCODER)
    .option('-m, --model <path>', 'model folder or file, for encoders of a user-supplied model')
    .option('-O, --option <key=value>', 'encoder load option, repeatable (e.g. -O vectors=model.ekv)', parseOptionValue)
    .option('--index <type>', 'vector index: hnsw or flat (exact)', oneOf(['hnsw', 'flat'] as const), 'hnsw')
    .option('--update', 'add to (or replace documents of) an existing index instead of creating one', false)
    .option('--latent', 'add a latent (LSA) side fitted on the documents to the hybrid', false)
    .option('--latent-dim <n>', 'dimensions of the latent (LSA) side (default 128; implies --latent)', int(1, 1024))
    .option('--tune <queries.jsonl>', 'choose the fusion with the best MRR on judged queries {"id", "text", "relevant": [ids]}')
    .option('--threads <n>', 'index worker threads', int(1, 64), 1)
    .option('--json', 'print a JSON summary', false)
    .option('-q, --quiet', 'no progress bar', false);
  addLibraryFlags(b, CHUNK_FLAGS);
  addLibraryFlags(b, FUSION_FLAGS);
  addScrubOptions(b);
  b.action(async (o: BuildOptions & Record<string, unknown>) => build({ ...o, json: o.json || globals().json }));

  const q = search
    .command('query')
    .description(
      'search an index: prints {"results": {QUERY_ID: [{"id", "score"}, …]}} with --json (and metrics when queries carry "relevant")',
    )
    .argument('<index>', 'index folder written by `search build`')
    .option('--queries <file>', 'JSONL queries {"id", "text"} or {"id", "path"}; optional "relevant": [ids] adds MRR/recall/nDCG')
    .option('--text <query>', 'one text query (id "text")')
    .option('--file <path>', 'one image/audio file as the query (id = the path)')
    .option('--query-encoder <name>', 'embed the queries with this encoder of the same space (e.g. clip-text for a clip-image index)')
    .option('--query-model <path>', 'model folder of --query-encoder')
    .option('--filter <json>', 'metadata filter, e.g. \'{"lang":"en","year":{"$gte":2020}}\'')
    .option('--threads <n>', 'index worker threads', int(1, 64), 1)
    .option('--json', 'print JSON', false);
  addLibraryFlags(q, QUERY_FLAGS);
  addLibraryFlags(q, FUSION_FLAGS);
  q.action(async (index: string, o: QueryOptions & Record<string, unknown>) => query(index, { ...o, json: o.json || globals().json }));
}
