// Reading and writing whole vector files for the commands that transform vectors (privatize,
// rotate): any format readVectorsAny reads in; out by the output's extension, ids kept.
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { writeJsonlVectors } from '../../io/matrix/jsonl-write.js';
import { writeNpy } from '../../io/matrix/npy-write.js';
import type { AnyVectors } from '../../io/matrix/read-any.js';
import { writeFvecs } from '../../io/matrix/vecs-write.js';
import { writeWordVectors } from '../../io/word-vectors/write.js';

/** Writes `data` (rows × dim) to `file` in the format of its extension, with the ids of `source`. */
export async function writeVectorsLike(file: string, source: AnyVectors, data: Float32Array): Promise<void> {
  const { rows, dim } = source;
  const ext = path.extname(file.toLowerCase().replace(/\.gz$/, ''));
  if (ext === '.fvecs') return writeFvecs(file, { data, dim, rows });
  if (ext === '.npy') return writeNpy(file, { data, dim, rows });
  if (ext === '.jsonl' || ext === '.ndjson') {
    const ids = source.ids ?? Array.from({ length: rows }, (_, i) => i);
    return writeJsonlVectors(file, { ids, data, dim, ...(source.metadata ? { metadata: source.metadata } : {}) });
  }
  if (!source.ids)
    throw new UsageError(
      `${file}: word-vector formats need a word per row, and ${source.format} input has none; write .fvecs, .npy or .jsonl`,
    );
  return writeWordVectors({ words: source.ids.map(String), vectors: data, dim }, file);
}
