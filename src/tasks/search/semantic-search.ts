import { EmbedkitError, UsageError } from '../../errors.js';
import { createIndex, type LoadedIndex } from '../../ann/index.js';
import type { Encoder, Modality } from '../../encode/types.js';
import { Bm25Index, type Bm25Options } from './bm25.js';
import { chunkSettings, chunkText, type ChunkOptions } from './chunk.js';
import { fuseRankings, fusionSettings, overrideFusion, type FusionOptions, type ScoredKey } from './fusion.js';
import { LatentSemanticModel, latentSettings, type LatentOptions, type LatentState } from './latent.js';
import { compileFilter, type MetadataFilter } from './metadata-filter.js';
import { maximalMarginalRelevance } from './mmr.js';

/** One document: text (for text encoders and BM25) or a file path (image/audio encoders), plus metadata. */
export interface SearchDocument {
  id: string | number;
  /** The text to embed and index lexically. */
  text?: string;
  /** A file to embed, for image or audio encoders (its `text`, if any, still feeds BM25). */
  path?: string;
  /** Free-form JSON metadata, returned with hits and usable in filters. */
  metadata?: Record<string, unknown>;
}

/** Settings of a {@link SemanticSearch} index (fixed when it is created, saved with it). */
export interface SemanticSearchOptions {
  /** Chunking of long texts (text encoders only). */
  chunk?: ChunkOptions;
  /** Default fusion of the rankings (hybrid convex, dense weight 0.1, by default). */
  fusion?: FusionOptions;
  bm25?: Bm25Options;
  /**
   * The latent side of the hybrid (text encoders only): an LSA model (truncated SVD of the chunks'
   * TF-IDF matrix, {@link LatentSemanticModel}) fitted on the collection itself, refitted whenever
   * the collection has doubled since the last fit (new chunks in between are folded in). Off by
   * default (it did not beat BM25 on the benchmark's sets, see docs/benchmarks.md); `{}` turns it on
   * with 128 dimensions.
   */
  latent?: LatentOptions | false | null;
  /** Vector index type: 'hnsw' (default) or 'flat' (exact). */
  indexType?: 'hnsw' | 'flat';
  /** Worker threads of the vector index. Default 1 (deterministic). */
  threads?: number;
  /** Registry name and load options of the encoder, saved so `load` can reload it. */
  encoderName?: string;
  encoderOptions?: Record<string, unknown>;
}

/** Options of one query. */
export interface SearchQueryOptions {
  /** Documents to return. Default 10. */
  k?: number;
  filter?: MetadataFilter;
  /** Override the index's fusion for this query. */
  fusion?: FusionOptions;
  /** MMR diversification: λ in [0, 1] (1 = relevance only). Off by default. */
  mmrLambda?: number;
  /** Candidate chunks fetched per side before fusion. Default max(50, 5k). */
  candidates?: number;
  /** HNSW search list size. Default max(candidates, 64). */
  ef?: number;
}

/** One document of a result list. */
export interface SearchResult {
  id: string | number;
  /** Fused score (higher = better; rrf: sum of weighted reciprocal ranks; dense: cosine). */
  score: number;
  metadata?: Record<string, unknown>;
  /** The best-matching chunk of the document (text documents). */
  chunk?: string;
}

/** A query: text, or a file for image/audio encoders, or a ready vector. */
export type SearchQuery = string | { text?: string; path?: string; vector?: Float32Array };

interface DocRecord {
  key: number;
  id: string | number;
  text?: string;
  path?: string;
  metadata: Record<string, unknown>;
  chunks: number[];
}

interface ChunkRecord {
  doc: number;
  text: string;
}

/** What `save` writes and `load` reads back (besides the vector index). */
export interface SearchState {
  settings: ResolvedSettings;
  docs: { id: string | number; text?: string; path?: string; metadata: Record<string, unknown>; chunks: { key: number; text: string }[] }[];
  nextKey: number;
  /** The fitted latent model, when the index has one. */
  latent?: LatentState;
  /** Chunks in the index when the latent model was fitted. */
  latentFittedOn?: number;
}

/** Checked settings. */
export interface ResolvedSettings {
  chunk: Required<ChunkOptions>;
  fusion: Required<FusionOptions>;
  bm25: Required<Bm25Options>;
  /** Latent (LSA) side settings, or null when off. */
  latent: Required<LatentOptions> | null;
  indexType: 'hnsw' | 'flat';
  threads: number;
  encoderName: string;
  encoderOptions: Record<string, unknown>;
  modality: Modality;
  dim: number;
}

/** Resolves and checks {@link SemanticSearchOptions} for an encoder. */
export function resolveSettings(o: SemanticSearchOptions, encoder: Encoder): ResolvedSettings {
  const indexType = o.indexType ?? 'hnsw';
  if (indexType !== 'hnsw' && indexType !== 'flat') throw new UsageError(`indexType must be hnsw or flat, got '${String(indexType)}'`);
  const threads = o.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`threads must be a positive integer, got ${threads}`);
  const bm = new Bm25Index(o.bm25);
  return {
    chunk: chunkSettings(o.chunk),
    fusion: fusionSettings(o.fusion),
    bm25: { k1: bm.k1, b: bm.b },
    latent:
      o.latent === undefined || o.latent === false || o.latent === null || encoder.modality !== 'text' ? null : latentSettings(o.latent),
    indexType,
    threads,
    encoderName: o.encoderName ?? encoder.name,
    encoderOptions: o.encoderOptions ?? {},
    modality: encoder.modality,
    dim: encoder.dimension,
  };
}

const keyOf = (id: string | number) => String(id);

/**
 * A text chunk the encoder could not embed (e.g. a code block with no known word) takes the
 * normalised mean of its document's other chunk vectors, so one such chunk does not reject the
 * whole document; BM25 still indexes its words. Returns the first error left (a document none of
 * whose chunks could be embedded, or any error of a non-text encoder), or undefined.
 */
function borrowDocumentVectors(
  emb: { data: Float32Array; dim: number; errors: { index: number; message: string }[] },
  docOfRow: readonly number[],
  text: boolean,
): { index: number; message: string } | undefined {
  if (!text) return emb.errors[0];
  const failed = new Set(emb.errors.map((e) => e.index));
  const sums = new Map<number, Float64Array>();
  docOfRow.forEach((doc, r) => {
    if (failed.has(r)) return;
    let sum = sums.get(doc);
    if (!sum) sums.set(doc, (sum = new Float64Array(emb.dim)));
    for (let j = 0; j < emb.dim; j++) sum[j] += emb.data[r * emb.dim + j];
  });
  for (const e of emb.errors) {
    const sum = sums.get(docOfRow[e.index]);
    let norm = 0;
    if (sum) for (const v of sum) norm += v * v;
    if (!(norm > 0)) return e;
    norm = Math.sqrt(norm);
    for (let j = 0; j < emb.dim; j++) emb.data[e.index * emb.dim + j] = sum![j] / norm;
  }
  return undefined;
}

/**
 * Semantic search over a document collection: documents are cut into chunks, embedded by any
 * {@link Encoder}, stored in a {@link VectorIndex} (HNSW by default) and, when they have text, in a
 * BM25 index; a query ranks documents by both and fuses the rankings (convex fusion by
 * default), with metadata filters and optional MMR diversification. Documents can be added and
 * removed at any time; `saveSearchIndex`/`loadSearchIndex` (persistence.ts) persist it.
 */
export class SemanticSearch {
  readonly settings: ResolvedSettings;
  readonly encoder: Encoder;
  /** The vector index of the chunks (id = chunk key). */
  readonly index: LoadedIndex;
  private readonly bm25: Bm25Index;
  /**
   * BM25 over whole documents (key = document key), the `documentWeight` side of the fusion; built
   * on the first query that uses it, then kept current by `add` and `remove`.
   */
  private documentBm25: Bm25Index | undefined;
  private readonly docs = new Map<string, DocRecord>();
  private readonly docsByKey = new Map<number, DocRecord>();
  private readonly chunks = new Map<number, ChunkRecord>();
  private nextKey = 0;
  private latentModel: LatentSemanticModel | undefined;
  /** Unit latent vector of every chunk (when the latent side is on). */
  private readonly latentVectors = new Map<number, Float32Array>();
  private latentFittedOn = 0;

  constructor(encoder: Encoder, options: SemanticSearchOptions = {}, index?: LoadedIndex) {
    this.encoder = encoder;
    this.settings = resolveSettings(options, encoder);
    this.settings.modality = encoder.modality;
    this.bm25 = new Bm25Index(this.settings.bm25);
    this.index =
      index ??
      createIndex({
        type: this.settings.indexType,
        metric: 'cosine',
        dim: encoder.dimension,
        threads: this.settings.threads,
        seed: 100,
      } as never);
    if (this.index.dim !== encoder.dimension)
      throw new UsageError(`the vector index has ${this.index.dim} dimensions, the encoder '${encoder.name}' ${encoder.dimension}`);
  }

  /** Number of documents. */
  get size(): number {
    return this.docs.size;
  }

  /** Number of chunks (vectors). */
  get chunkCount(): number {
    return this.chunks.size;
  }

  /** Whether a document is stored under `id`. */
  has(id: string | number): boolean {
    return this.docs.has(keyOf(id));
  }

  /** The stored document `id`, or undefined. */
  get(id: string | number): SearchDocument | undefined {
    const d = this.docs.get(keyOf(id));
    return d && { id: d.id, text: d.text, path: d.path, metadata: d.metadata };
  }

  /** Ids of all documents, in insertion order. */
  ids(): (string | number)[] {
    return [...this.docs.values()].map((d) => d.id);
  }

  private checkDocument(doc: SearchDocument, where: string): void {
    if (doc === null || typeof doc !== 'object') throw new UsageError(`${where}: a document must be an object`);
    if (!(typeof doc.id === 'string' || (typeof doc.id === 'number' && Number.isFinite(doc.id))))
      throw new UsageError(`${where}: id must be a string or a finite number`);
    if (doc.text !== undefined && typeof doc.text !== 'string') throw new UsageError(`${where}: text must be a string`);
    if (doc.path !== undefined && typeof doc.path !== 'string') throw new UsageError(`${where}: path must be a string`);
    if (doc.metadata !== undefined && (doc.metadata === null || typeof doc.metadata !== 'object' || Array.isArray(doc.metadata)))
      throw new UsageError(`${where}: metadata must be an object`);
    if (this.settings.modality === 'text' && doc.text === undefined) throw new UsageError(`${where}: a text encoder needs a "text"`);
    if (this.settings.modality !== 'text' && doc.path === undefined)
      throw new UsageError(`${where}: the ${this.settings.modality} encoder '${this.encoder.name}' needs a "path"`);
  }

  /**
   * Adds documents (an id already stored is replaced). All documents are checked and embedded
   * before anything changes: on any error (a bad document, a file the encoder cannot read, a
   * non-finite vector) the index is left as it was.
   */
  async add(documents: readonly SearchDocument[], onProgress?: (done: number, total: number) => void): Promise<void> {
    if (!Array.isArray(documents)) throw new UsageError('add takes an array of documents');
    const seen = new Set<string>();
    documents.forEach((d, i) => {
      this.checkDocument(d, `document ${i}`);
      if (seen.has(keyOf(d.id))) throw new UsageError(`document ${i}: id ${JSON.stringify(d.id)} is given twice`);
      seen.add(keyOf(d.id));
    });
    if (documents.length === 0) return;
    const pieces: { doc: number; text: string; input: unknown }[] = [];
    documents.forEach((d, i) => {
      if (this.settings.modality === 'text')
        for (const c of chunkText(d.text!, this.settings.chunk)) pieces.push({ doc: i, text: c, input: c });
      else pieces.push({ doc: i, text: d.text ?? '', input: d.path });
    });
    const emb = await this.encoder.embed(
      pieces.map((p) => p.input),
      { normalize: true, onProgress },
    );
    if (emb.dim !== this.index.dim) throw new UsageError(`the encoder gave ${emb.dim} dimensions, the index has ${this.index.dim}`);
    if (emb.errors.length > 0) {
      const e = borrowDocumentVectors(
        emb,
        pieces.map((p) => p.doc),
        this.settings.modality === 'text',
      );
      if (e) {
        const d = documents[pieces[e.index].doc];
        throw new EmbedkitError(`document ${JSON.stringify(d.id)}${d.path ? ` (${d.path})` : ''}: ${e.message}`);
      }
    }
    for (let r = 0; r < emb.rows; r++) {
      const row = emb.data.subarray(r * emb.dim, (r + 1) * emb.dim);
      let norm = 0;
      for (let j = 0; j < row.length; j++) norm += row[j] * row[j];
      if (!Number.isFinite(norm))
        throw new UsageError(`document ${JSON.stringify(documents[pieces[r].doc].id)}: its vector has NaN or Infinity values`);
    }
    // everything checked: now change the state
    for (const d of documents) this.remove(d.id);
    const keys = pieces.map(() => this.nextKey++);
    const docRecords = documents.map((d) => {
      const rec: DocRecord = { key: -1, id: d.id, text: d.text, path: d.path, metadata: d.metadata ?? {}, chunks: [] };
      return rec;
    });
    pieces.forEach((p, i) => {
      const rec = docRecords[p.doc];
      if (rec.key < 0) rec.key = keys[i];
      rec.chunks.push(keys[i]);
      this.chunks.set(keys[i], { doc: rec.key, text: p.text });
      if (p.text.length > 0) this.bm25.add(keys[i], p.text);
    });
    for (const rec of docRecords) {
      if (rec.text) this.documentBm25?.add(rec.key, rec.text);
      this.docs.set(keyOf(rec.id), rec);
      this.docsByKey.set(rec.key, rec);
    }
    this.updateLatent(keys);
    await this.index.add(keys, { data: emb.data, rows: emb.rows, dim: emb.dim });
  }

  /** Removes a document and its chunks; returns whether it was stored. */
  remove(id: string | number): boolean {
    const d = this.docs.get(keyOf(id));
    if (!d) return false;
    for (const c of d.chunks) {
      this.index.remove(c);
      this.bm25.remove(c);
      this.chunks.delete(c);
      this.latentVectors.delete(c);
    }
    this.documentBm25?.remove(d.key);
    this.docs.delete(keyOf(id));
    this.docsByKey.delete(d.key);
    return true;
  }

  /**
   * Keeps the latent side current after `added` chunks came in: fits the model on all chunks the
   * first time and whenever the collection has doubled since the last fit (then every chunk is
   * re-projected), else folds the new chunks into the existing model.
   */
  private updateLatent(added: readonly number[]): void {
    const settings = this.settings.latent;
    if (!settings) return;
    if (this.latentModel === undefined || this.chunks.size >= 2 * this.latentFittedOn) {
      const keys = [...this.chunks.keys()].sort((a, b) => a - b);
      this.latentModel = LatentSemanticModel.fit(
        keys.map((k) => this.chunks.get(k)!.text),
        settings,
      );
      this.latentFittedOn = keys.length;
      this.latentVectors.clear();
      for (const k of keys) this.latentVectors.set(k, this.latentModel.embed(this.chunks.get(k)!.text));
    } else for (const k of added) this.latentVectors.set(k, this.latentModel.embed(this.chunks.get(k)!.text));
  }

  /** The BM25 ranking of chunks, with RM3 feedback when `fusion.feedbackDocs` > 0. */
  private lexicalSearch(
    text: string,
    candidates: number,
    fusion: Required<FusionOptions>,
    allow?: (key: number) => boolean,
  ): { key: number; score: number }[] {
    const hits = this.bm25.search(text, Math.max(candidates, fusion.feedbackDocs), allow);
    if (fusion.feedbackDocs === 0 || hits.length === 0) return hits.slice(0, candidates);
    const expanded = this.bm25.expandQuery(text, hits.slice(0, fusion.feedbackDocs), fusion.feedbackTerms, fusion.feedbackWeight);
    return this.bm25.searchTerms(expanded, candidates, allow);
  }

  /** The whole-document BM25 index, built from the stored texts on first use. */
  private wholeDocuments(): Bm25Index {
    if (!this.documentBm25) {
      this.documentBm25 = new Bm25Index(this.settings.bm25);
      for (const d of this.docs.values()) if (d.text) this.documentBm25.add(d.key, d.text);
    }
    return this.documentBm25;
  }

  /** The latent ranking of chunks for `text` (cosine, best first; exact scan). */
  private latentSearch(text: string, candidates: number, allow?: (key: number) => boolean): { key: number; score: number }[] {
    const model = this.latentModel;
    if (!model || model.dim === 0) return [];
    const q = model.embed(text);
    const hits: { key: number; score: number }[] = [];
    for (const [key, v] of this.latentVectors) {
      if (allow && !allow(key)) continue;
      let s = 0;
      for (let c = 0; c < v.length; c++) s += q[c] * v[c];
      if (s > 0) hits.push({ key, score: s });
    }
    hits.sort((a, b) => b.score - a.score || a.key - b.key);
    return hits.slice(0, candidates);
  }

  /** The latent model of the collection (undefined when the latent side is off or nothing was added). */
  get latent(): LatentSemanticModel | undefined {
    return this.latentModel;
  }

  /**
   * Embeds one query (text for text encoders, a file path for others). A text the encoder cannot
   * embed (no word it knows) is a UsageError, or undefined when `lenient` (the hybrid then ranks
   * by its other sides: BM25 may know the words).
   */
  private async queryVector(q: SearchQuery, lenient = false): Promise<Float32Array | undefined> {
    if (typeof q !== 'string' && q.vector) {
      if (q.vector.length !== this.index.dim)
        throw new UsageError(`query vector has ${q.vector.length} dimensions, the index ${this.index.dim}`);
      if (!q.vector.every(Number.isFinite)) throw new UsageError('query vector has NaN or Infinity values');
      return q.vector;
    }
    const input = typeof q === 'string' ? q : this.settings.modality === 'text' ? q.text : q.path;
    if (input === undefined) return undefined;
    const emb = await this.encoder.embed([input], { normalize: true });
    if (emb.errors.length > 0) {
      if (this.settings.modality !== 'text') throw new EmbedkitError(`query ${JSON.stringify(input)}: ${emb.errors[0].message}`);
      if (lenient) return undefined;
      throw new UsageError(`query ${JSON.stringify(input)}: ${emb.errors[0].message}`);
    }
    return emb.data.subarray(0, emb.dim);
  }

  /**
   * The dense, BM25 and latent rankings of documents for a query, before fusion (every side that the
   * index has, `candidates` chunks each; BM25 with the index's feedback setting); {@link tuneFusion}
   * fuses them under many settings. Keys are internal document keys: {@link documentIdOf} gives the id.
   */
  async sideRankings(
    query: SearchQuery,
    candidates = 50,
  ): Promise<{ dense: ScoredKey[]; lexical: ScoredKey[]; latent: ScoredKey[]; document: ScoredKey[] }> {
    if (this.docs.size === 0) return { dense: [], lexical: [], latent: [], document: [] };
    const queryText = typeof query === 'string' ? query : query.text;
    const vector = await this.queryVector(query, true);
    const dense = vector
      ? this.byDocument(
          this.index
            .search(vector, Math.min(candidates, this.chunks.size), { ef: Math.max(candidates, 64), withMetadata: false })
            .map((h) => ({ key: h.id as number, score: 1 - h.distance })),
          new Map(),
        )
      : [];
    const lexical =
      queryText === undefined ? [] : this.byDocument(this.lexicalSearch(queryText, candidates, this.settings.fusion), new Map());
    const latent = queryText === undefined ? [] : this.byDocument(this.latentSearch(queryText, candidates), new Map());
    const document = queryText === undefined ? [] : this.wholeDocuments().search(queryText, candidates);
    return { dense, lexical, latent, document };
  }

  /** The id of the document with internal key `key` (see {@link sideRankings}). */
  documentIdOf(key: number): string | number {
    const d = this.docsByKey.get(key);
    if (!d) throw new UsageError(`no document has key ${key}`);
    return d.id;
  }

  /** The documents best matching `query`, best first. */
  async query(query: SearchQuery, options: SearchQueryOptions = {}): Promise<SearchResult[]> {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
    const fusion = overrideFusion(this.settings.fusion, options.fusion);
    const candidates = options.candidates ?? Math.max(50, 5 * k);
    if (!Number.isInteger(candidates) || candidates < 1) throw new UsageError(`candidates must be a positive integer, got ${candidates}`);
    if (this.docs.size === 0) return [];
    const allowDoc = options.filter ? compileFilter(options.filter) : undefined;
    const allowChunk = allowDoc
      ? (key: number) => {
          const d = this.docsByKey.get(this.chunks.get(key)!.doc)!;
          return allowDoc(d.id, d.metadata);
        }
      : undefined;
    const queryText = typeof query === 'string' ? query : query.text;
    const bestChunk = new Map<number, number>();
    let dense: ScoredKey[] = [];
    const chunkVectors = new Map<number, Float32Array>();
    if (fusion.mode === 'dense' || fusion.mode === 'rrf' || fusion.mode === 'convex' || options.mmrLambda !== undefined) {
      const vector = await this.queryVector(query, fusion.mode !== 'dense');
      if (vector) {
        const hits = this.index.search(vector, Math.min(candidates, this.chunks.size), {
          ef: options.ef ?? Math.max(candidates, 64),
          filter: allowChunk ? (id) => allowChunk(id as number) : undefined,
          withMetadata: false,
        });
        dense = this.byDocument(
          hits.map((h) => ({ key: h.id as number, score: 1 - h.distance })),
          bestChunk,
        );
      }
    }
    let lexical: ScoredKey[] = [];
    if (fusion.mode !== 'dense' && queryText !== undefined) {
      lexical = this.byDocument(
        this.lexicalSearch(queryText, candidates, fusion, allowChunk),
        fusion.mode === 'bm25' ? bestChunk : new Map(),
      );
    }
    let latent: ScoredKey[] = [];
    const wantLatent = fusion.mode === 'latent' || ((fusion.mode === 'rrf' || fusion.mode === 'convex') && fusion.latentWeight > 0);
    if (wantLatent && queryText !== undefined)
      latent = this.byDocument(this.latentSearch(queryText, candidates, allowChunk), fusion.mode === 'latent' ? bestChunk : new Map());
    let document: ScoredKey[] = [];
    if ((fusion.mode === 'rrf' || fusion.mode === 'convex') && fusion.documentWeight > 0 && queryText !== undefined)
      document = this.wholeDocuments().search(
        queryText,
        candidates,
        allowDoc
          ? (key) => {
              const d = this.docsByKey.get(key)!;
              return allowDoc(d.id, d.metadata);
            }
          : undefined,
      );
    let fused = fuseRankings(dense, lexical, fusion, latent, document);
    if (fusion.mode === 'rrf' || fusion.mode === 'convex')
      for (const h of [...lexical, ...latent, ...document])
        if (!bestChunk.has(h.key)) bestChunk.set(h.key, this.docsByKey.get(h.key)!.chunks[0]);
    if (options.mmrLambda !== undefined && fused.length > 1) {
      const pool = fused.slice(0, Math.max(k * 4, 20));
      const top = pool[0].score || 1;
      const vectors = pool.map((h) => {
        const c = bestChunk.get(h.key) ?? this.docsByKey.get(h.key)!.chunks[0];
        let v = chunkVectors.get(c);
        if (!v) chunkVectors.set(c, (v = this.index.get(c)!.vector as Float32Array));
        return v;
      });
      const picked = maximalMarginalRelevance(
        pool.map((h) => h.score / top),
        vectors,
        k,
        options.mmrLambda,
      );
      fused = picked.map((i) => pool[i]);
    }
    return fused.slice(0, k).map((h) => {
      const d = this.docsByKey.get(h.key)!;
      const c = bestChunk.get(h.key);
      const r: SearchResult = { id: d.id, score: h.score };
      if (Object.keys(d.metadata).length > 0) r.metadata = d.metadata;
      if (c !== undefined && d.chunks.length > 1) r.chunk = this.chunks.get(c)!.text;
      return r;
    });
  }

  /** Chunk hits → document hits (a document scores as its best chunk), best first. */
  private byDocument(hits: readonly { key: number; score: number }[], bestChunk: Map<number, number>): ScoredKey[] {
    const out: ScoredKey[] = [];
    const seen = new Set<number>();
    for (const h of hits) {
      const doc = this.chunks.get(h.key)!.doc;
      if (seen.has(doc)) continue;
      seen.add(doc);
      out.push({ key: doc, score: h.score });
      if (!bestChunk.has(doc)) bestChunk.set(doc, h.key);
    }
    return out;
  }

  /** The plain-data state (for persistence). */
  state(): SearchState {
    return {
      settings: this.settings,
      nextKey: this.nextKey,
      ...(this.latentModel ? { latent: this.latentModel.toJSON(), latentFittedOn: this.latentFittedOn } : {}),
      docs: [...this.docs.values()].map((d) => ({
        id: d.id,
        text: d.text,
        path: d.path,
        metadata: d.metadata,
        chunks: d.chunks.map((key) => ({ key, text: this.chunks.get(key)!.text })),
      })),
    };
  }

  /**
   * Rebuilds documents, chunks, BM25 and the latent side from a saved state; the vector index must
   * hold the chunk vectors. `where` names the state's file in errors.
   */
  static fromState(encoder: Encoder, state: SearchState, index: LoadedIndex, where = 'search state'): SemanticSearch {
    const s = new SemanticSearch(
      encoder,
      { ...state.settings, encoderName: state.settings.encoderName, encoderOptions: state.settings.encoderOptions },
      index,
    );
    s.nextKey = state.nextKey;
    for (const d of state.docs) {
      const rec: DocRecord = { key: d.chunks[0].key, id: d.id, text: d.text, path: d.path, metadata: d.metadata, chunks: [] };
      for (const c of d.chunks) {
        rec.chunks.push(c.key);
        s.chunks.set(c.key, { doc: rec.key, text: c.text });
        if (c.text.length > 0) s.bm25.add(c.key, c.text);
      }
      s.docs.set(keyOf(d.id), rec);
      s.docsByKey.set(rec.key, rec);
    }
    if (s.settings.latent && s.chunks.size > 0) {
      if (state.latent === undefined)
        s.updateLatent([]); // an index saved before the latent side: fit it now
      else {
        s.latentModel = LatentSemanticModel.fromJSON(state.latent, where);
        const fittedOn = state.latentFittedOn;
        s.latentFittedOn = Number.isSafeInteger(fittedOn) && (fittedOn as number) > 0 ? (fittedOn as number) : s.chunks.size;
        for (const [k, c] of s.chunks) s.latentVectors.set(k, s.latentModel.embed(c.text));
      }
    }
    return s;
  }

  /** Changes the default fusion (e.g. after {@link tuneFusion}). */
  setFusion(fusion: FusionOptions): void {
    this.settings.fusion = overrideFusion(this.settings.fusion, fusion);
  }
}
