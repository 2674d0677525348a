// The manifest of a search index folder (docs/search.md): the one file that names the folder's
// current data files. `search build` (tasks/search/persistence.ts) writes whole folders and
// `jobs index --encoder` (jobs/index-search-folder.ts) writes one per partition; both sit in layers
// that cannot import each other, so the format lives here, below both.
import path from 'node:path';
import { FileFormatError } from '../../errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { readTextFile } from '../core/read-file.js';

/** Format name and version of the manifest of a search index folder. */
export const SEARCH_INDEX_FORMAT = 'embedkit-search';
export const SEARCH_INDEX_VERSION = 1;
const MANIFEST = 'manifest.json';

export interface SearchManifest {
  format: string;
  version: number;
  /** Raised by every save; the data files carry it in their names. */
  generation: number;
  docsFile: string;
  vectorsFile: string;
  documents: number;
  chunks: number;
  encoder: string;
  dim: number;
  encoderStateFile?: string;
}

/** The data files of generation `g`: the document store and the vector index. */
export function searchDataFiles(generation: number): { docsFile: string; vectorsFile: string } {
  return { docsFile: `docs-${generation}.json`, vectorsFile: `vectors-${generation}.ekx` };
}

/** Writes the manifest atomically — last, after the data files it names, so a crash leaves the previous complete folder. */
export async function writeSearchManifest(dir: string, m: Omit<SearchManifest, 'format' | 'version'>): Promise<void> {
  const manifest: SearchManifest = { format: SEARCH_INDEX_FORMAT, version: SEARCH_INDEX_VERSION, ...m };
  await writeFileAtomic(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads and checks a folder's manifest: format, version, plain data-file names, counts. */
export async function readSearchManifest(dir: string): Promise<SearchManifest> {
  const file = path.join(dir, MANIFEST);
  const text = await readTextFile(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new FileFormatError(dir, 'is not a search index (no manifest.json)');
    throw e;
  });
  let m: Partial<SearchManifest>;
  try {
    m = JSON.parse(text) as Partial<SearchManifest>;
  } catch {
    throw new FileFormatError(file, 'is not valid JSON');
  }
  if (m === null || typeof m !== 'object' || m.format !== SEARCH_INDEX_FORMAT)
    throw new FileFormatError(file, `is not an ${SEARCH_INDEX_FORMAT} manifest`);
  if (m.version !== SEARCH_INDEX_VERSION)
    throw new FileFormatError(file, `has version ${String(m.version)}, this embedkit reads ${SEARCH_INDEX_VERSION}`);
  const plainName = (f: unknown) => typeof f === 'string' && /^[\w.-]+$/u.test(f) && !f.startsWith('.');
  if (!plainName(m.docsFile) || !plainName(m.vectorsFile) || (m.encoderStateFile !== undefined && !plainName(m.encoderStateFile)))
    throw new FileFormatError(file, 'names bad data files');
  for (const k of ['generation', 'documents', 'chunks', 'dim'] as const)
    if (!Number.isSafeInteger(m[k]) || (m[k] as number) < 0) throw new FileFormatError(file, `bad ${k}`);
  if (typeof m.encoder !== 'string') throw new FileFormatError(file, 'bad encoder');
  return m as SearchManifest;
}
