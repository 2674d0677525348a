// A searchable partition of `jobs index --encoder`: the partition's rows written as a search index
// folder, the layout `embedkit search build` writes and `serve --shard` loads. The folder is built
// here from vectors already embedded (by `jobs embed` or anything else), so no encoder runs on the
// worker; the server loads the recorded encoder to embed text queries. The manifest and file names
// come from io/search-folder (shared with `search build`); the document store is written in the
// shape tasks/search/persistence.ts checks on load, and the end-to-end test loads the result
// through `serve`. Settings left out (chunking, fusion, BM25) take their defaults when the folder is
// loaded, as for a `search build` index built with default flags.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedIndex } from '../ann/persistence.js';
import type { Id } from '../ann/types.js';
import { FileFormatError } from '../errors.js';
import { writeFileAtomic } from '../io/core/atomic-write.js';
import { searchDataFiles, writeSearchManifest } from '../io/search-folder/manifest.js';
import type { IndexTaskData, SearchPartitionSpec } from './task-data.js';

/** A partition folder is written once: generation 1. */
const { docsFile: DOCS_FILE, vectorsFile: VECTORS_FILE } = searchDataFiles(1);

/**
 * A record's `text` and `path` become the document's text (BM25, labels) and file (thumbnails), as
 * in the documents file of `search build`; every other key is metadata (filters, results).
 */
function documentOf(file: string, id: Id, record: Record<string, unknown> | undefined, key: number) {
  const { text, path: p, ...metadata } = record ?? {};
  const doc: { id: Id; text?: string; path?: string; metadata: Record<string, unknown>; chunks: { key: number; text: string }[] } = {
    id,
    metadata,
    chunks: [{ key, text: typeof text === 'string' ? text : '' }],
  };
  if (typeof text === 'string') doc.text = text;
  else if (text !== undefined) metadata.text = text;
  if (typeof p === 'string') doc.path = path.resolve(path.dirname(file), p);
  else if (p !== undefined) metadata.path = p;
  return doc;
}

/** Documents of a search index need distinct ids: checked before the partition's index is built. */
export function checkDistinctIds(data: IndexTaskData, ids: readonly Id[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(String(id)))
      throw new FileFormatError(
        data.file,
        `id ${JSON.stringify(id)} appears twice in partition ${data.partition + 1}: documents need distinct ids`,
      );
    seen.add(String(id));
  }
}

/**
 * Writes a partition as a search index folder at `data.output`: its cosine `index` (keys = global
 * row numbers, one chunk per document), the document store, then the manifest — each file
 * atomically and the manifest last, so a crash leaves no folder that loads.
 */
export async function writeSearchPartition(
  data: IndexTaskData,
  search: SearchPartitionSpec,
  index: LoadedIndex,
  ids: readonly Id[],
  metadata: readonly (Record<string, unknown> | undefined)[] | undefined,
): Promise<void> {
  const dir = data.output;
  await mkdir(dir, { recursive: true });
  await index.save(path.join(dir, VECTORS_FILE));
  const state = {
    settings: {
      encoderName: search.encoder,
      encoderOptions: search.encoderOptions,
      modality: search.modality,
      dim: index.dim,
      indexType: index.type,
      latent: null,
    },
    nextKey: data.rowEnd,
    docs: ids.map((id, i) => documentOf(data.file, id, metadata?.[i], data.rowStart + i)),
  };
  await writeFileAtomic(path.join(dir, DOCS_FILE), JSON.stringify(state));
  await writeSearchManifest(dir, {
    generation: 1,
    docsFile: DOCS_FILE,
    vectorsFile: VECTORS_FILE,
    documents: ids.length,
    chunks: index.size,
    encoder: search.encoder,
    dim: index.dim,
  });
}
