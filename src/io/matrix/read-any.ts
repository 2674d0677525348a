import path from 'node:path';
import { FileFormatError } from '../../errors.js';
import { checkPath } from '../core/check-path.js';
import { readPrefix } from '../core/file-chunks.js';
import { readJsonlVectors } from './jsonl-read.js';
import type { RecordId } from './jsonl-record.js';
import { dropDuplicateRows } from '../word-vectors/dedupe.js';
import { readWordVectors } from '../word-vectors/read.js';
import { hasNpyMagic } from './npy-header.js';
import { readNpy } from './npy-read.js';
import { resolveRowSlice } from './row-slice.js';
import { toFloat32 } from '../core/to-float32.js';
import type { VectorFormatName } from '../word-vectors/vector-format.js';
import { vecsKindOfPath } from './vecs-layout.js';
import { readVecs } from './vecs-read.js';

/** Formats {@link readVectorsAny} reads. */
export type AnyVectorFormat = 'fvecs' | 'ivecs' | 'bvecs' | 'npy' | 'jsonl' | VectorFormatName;

/** Vectors read by {@link readVectorsAny}: `rows × dim` float32 values, row-major. */
export interface AnyVectors {
  data: Float32Array;
  rows: number;
  dim: number;
  /** The format read. */
  format: AnyVectorFormat;
  /** Row ids: the words of word-vector files, the `id`s of JSON Lines records; absent for matrix files. */
  ids?: RecordId[];
  /** JSON Lines only, when at least one record has metadata: per row, the record's other keys. */
  metadata?: (Record<string, unknown> | undefined)[];
}

/** Options of {@link readVectorsAny}. */
export interface ReadAnyOptions {
  /** Read only the first `limit` rows. */
  limit?: number;
}

function isJsonlName(file: string): boolean {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  const ext = path.extname(name);
  return ext === '.jsonl' || ext === '.ndjson';
}

function startsWithBrace(bytes: Uint8Array): boolean {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 9 || bytes[i] === 10 || bytes[i] === 13)) i++;
  return bytes[i] === 0x7b;
}

/**
 * Reads vectors from any file embedkit understands, as float32: `.fvecs` / `.ivecs` / `.bvecs` (by
 * extension, as they have no magic bytes), `.npy` (by its magic), JSON Lines records (by the
 * extension `.jsonl` / `.ndjson`, optionally `.gz`, or a first character `{`), and the word-vector
 * formats of `loadVectors` (ekv, word2vec text/binary, GloVe, gzip too; ids = the words; a repeated
 * word keeps its first row, as `loadVectors` does).
 * Integer data is converted to float32 and must be exact (|value| ≤ 2^24 for int32 sources).
 * Errors: as the specific readers; an unrecognised file gives a FileFormatError saying what it found.
 */
export async function readVectorsAny(file: string, options: ReadAnyOptions = {}): Promise<AnyVectors> {
  checkPath(file);
  const { limit } = resolveRowSlice({ limit: options.limit });
  const slice = limit === Infinity ? {} : { limit };
  const kind = vecsKindOfPath(file);
  if (kind) {
    const m = await readVecs(file, kind, slice);
    return { data: toFloat32(file, m.data, m.dim), rows: m.rows, dim: m.dim, format: kind };
  }
  const prefix = await readPrefix(file, 64);
  if (hasNpyMagic(prefix.bytes)) {
    if (prefix.gzip) throw new FileFormatError(file, 'gzip-compressed .npy files are not supported; decompress it first');
    const m = await readNpy(file, slice);
    return { data: toFloat32(file, m.data, m.dim), rows: m.rows, dim: m.dim, format: 'npy' };
  }
  if (isJsonlName(file) || startsWithBrace(prefix.bytes)) {
    const j = await readJsonlVectors(file, slice);
    const result: AnyVectors = { data: j.data, rows: j.rows, dim: j.dim, format: 'jsonl', ids: j.ids };
    if (j.metadata.some((m) => m !== undefined)) result.metadata = j.metadata;
    return result;
  }
  try {
    const raw = await readWordVectors(file, slice);
    const words = Array.isArray(raw.words) ? raw.words : raw.words.toArray();
    // a repeated word keeps its first row, as loadVectors does (ekv files never repeat one)
    const { words: ids, vectors } = dropDuplicateRows(
      file,
      words,
      raw.vectors,
      raw.dim,
      undefined,
      raw.duplicates === 'error' ? 'error' : 'keep-first',
    );
    return { data: vectors, rows: ids.length, dim: raw.dim, format: raw.format, ids };
  } catch (error) {
    if (error instanceof FileFormatError && error.problem.startsWith('not a recognised vector format')) {
      throw new FileFormatError(
        file,
        `${error.problem}; besides word-vector files, embedkit reads .fvecs/.ivecs/.bvecs (by extension), .npy and JSON Lines (.jsonl)`,
      );
    }
    throw error;
  }
}
