import fs from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import { loadIndex } from '../../ann/index.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import { readTextFile } from '../../io/core/read-file.js';
import { readSearchManifest, searchDataFiles, writeSearchManifest, type SearchManifest } from '../../io/search-folder/manifest.js';
import { loadEncoder } from '../../encode/registry.js';
import type { Encoder } from '../../encode/types.js';
import { chunkSettings } from './chunk.js';
import { fusionSettings } from './fusion.js';
import { latentSettings } from './latent.js';
import { SemanticSearch, type ResolvedSettings, type SearchState } from './semantic-search.js';

export { SEARCH_INDEX_FORMAT, SEARCH_INDEX_VERSION } from '../../io/search-folder/manifest.js';

/**
 * Saves a search index as a folder: `docs-G.json` (documents, chunks, settings) and `vectors-G.ekx`
 * (the vector index) of a new generation G, then `manifest.json` naming them — each written
 * atomically, the manifest last, so a crash at any point leaves the previous complete index. Files
 * of older generations are removed afterwards.
 */
export async function saveSearchIndex(search: SemanticSearch, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const old = await readSearchManifest(dir).catch(() => undefined);
  const generation = (old?.generation ?? 0) + 1;
  const { docsFile, vectorsFile } = searchDataFiles(generation);
  await writeFileAtomic(path.join(dir, docsFile), JSON.stringify(search.state()));
  await search.index.save(path.join(dir, vectorsFile));
  // An encoder fitted on the documents (TF-IDF or SIF pooling with autoFit) must embed queries with
  // that same state after a reload, not refit on the first query: its state is saved alongside.
  const fitted = fittedState(search.encoder);
  const encoderStateFile = fitted ? `encoder-state-${generation}.json` : undefined;
  if (encoderStateFile) await writeFileAtomic(path.join(dir, encoderStateFile), `${JSON.stringify(fitted)}\n`);
  await writeSearchManifest(dir, {
    generation,
    docsFile,
    vectorsFile,
    documents: search.size,
    chunks: search.chunkCount,
    encoder: search.settings.encoderName,
    dim: search.settings.dim,
    ...(encoderStateFile ? { encoderStateFile } : {}),
  });
  if (old)
    for (const f of [old.docsFile, old.vectorsFile, old.encoderStateFile])
      if (f !== undefined && f !== docsFile && f !== vectorsFile && f !== encoderStateFile) await fs.rm(path.join(dir, f), { force: true });
}

/** The saved-state document of a fitted pooling encoder (duck-typed: `toJSON()` of WordPoolingEncoder), or undefined. */
function fittedState(encoder: Encoder): Record<string, unknown> | undefined {
  const e = encoder as Partial<{ toJSON(): unknown }>;
  if (typeof e.toJSON !== 'function') return undefined;
  const doc = e.toJSON() as { format?: string; state?: unknown } | undefined;
  return doc?.format === 'embedkit-pooling-state' && doc.state !== null && doc.state !== undefined
    ? (doc as Record<string, unknown>)
    : undefined;
}

function checkState(file: string, s: Partial<SearchState>, m: SearchManifest): SearchState {
  const bad = (what: string) => new FileFormatError(file, what);
  if (s === null || typeof s !== 'object' || !Array.isArray(s.docs) || !s.settings || typeof s.settings !== 'object')
    throw bad('is not a search document store');
  const st = s.settings as Partial<ResolvedSettings>;
  if (st.dim !== m.dim || st.encoderName !== m.encoder) throw bad('settings disagree with the manifest');
  if (!['text', 'image', 'audio'].includes(st.modality as string)) throw bad('bad modality');
  try {
    chunkSettings(st.chunk);
    fusionSettings(st.fusion);
    if (st.latent !== undefined && st.latent !== null) latentSettings(st.latent);
  } catch (e) {
    throw bad(`bad settings: ${(e as Error).message}`);
  }
  if (!Number.isSafeInteger(s.nextKey)) throw bad('bad nextKey');
  if (s.docs.length !== m.documents) throw bad(`has ${s.docs.length} documents, the manifest says ${m.documents}`);
  const keys = new Set<number>();
  const ids = new Set<string>();
  for (const d of s.docs) {
    if (d === null || typeof d !== 'object' || !(typeof d.id === 'string' || typeof d.id === 'number'))
      throw bad('a document has no valid id');
    if (ids.has(String(d.id))) throw bad(`document id ${JSON.stringify(d.id)} appears twice`);
    ids.add(String(d.id));
    if (d.metadata === null || typeof d.metadata !== 'object' || !Array.isArray(d.chunks) || d.chunks.length === 0)
      throw bad(`document ${JSON.stringify(d.id)} is malformed`);
    for (const c of d.chunks) {
      if (!Number.isSafeInteger(c?.key) || c.key < 0 || c.key >= s.nextKey! || typeof c.text !== 'string' || keys.has(c.key))
        throw bad(`document ${JSON.stringify(d.id)} has a bad chunk`);
      keys.add(c.key);
    }
  }
  if (keys.size !== m.chunks) throw bad(`has ${keys.size} chunks, the manifest says ${m.chunks}`);
  return s as SearchState;
}

/** Options of {@link loadSearchIndex}. */
export interface LoadSearchIndexOptions {
  /** The encoder to use; default: the saved encoder name and options, loaded from the registry. */
  encoder?: Encoder;
  /** Worker threads of the vector index. Default 1. */
  threads?: number;
}

/**
 * Loads a search index folder written by {@link saveSearchIndex}: the manifest, the document store
 * and the vector index are validated against each other (counts, dimensions, chunk keys) before
 * the index is returned.
 */
export async function loadSearchIndex(dir: string, options: LoadSearchIndexOptions = {}): Promise<SemanticSearch> {
  const m = await readSearchManifest(dir);
  const docsPath = path.join(dir, m.docsFile);
  const text = await readTextFile(docsPath).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new FileFormatError(docsPath, 'is missing') : e;
  });
  let raw: Partial<SearchState>;
  try {
    raw = JSON.parse(text) as Partial<SearchState>;
  } catch {
    throw new FileFormatError(docsPath, 'is not valid JSON');
  }
  const state = checkState(docsPath, raw, m);
  const vectorsPath = path.join(dir, m.vectorsFile);
  const index = await loadIndex(vectorsPath, { threads: options.threads ?? 1 });
  if (index.dim !== m.dim || index.size !== m.chunks || index.metric !== 'cosine')
    throw new FileFormatError(
      vectorsPath,
      `holds ${index.size} × ${index.dim} ${index.metric} vectors, the manifest says ${m.chunks} × ${m.dim} cosine`,
    );
  for (const d of state.docs)
    for (const c of d.chunks) if (!index.has(c.key)) throw new FileFormatError(vectorsPath, `has no vector for chunk ${c.key}`);
  let encoderOptions = state.settings.encoderOptions;
  if (m.encoderStateFile !== undefined) {
    const { corpus: _corpus, ...rest } = encoderOptions;
    encoderOptions = { ...rest, state: path.join(dir, m.encoderStateFile) };
  }
  const encoder = options.encoder ?? (await loadEncoder(state.settings.encoderName, encoderOptions));
  if (encoder.dimension !== m.dim)
    throw new UsageError(`encoder '${encoder.name}' gives ${encoder.dimension} dimensions, the index at ${dir} has ${m.dim}`);
  return SemanticSearch.fromState(encoder, state, index, docsPath);
}
