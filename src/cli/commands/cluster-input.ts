import { FileFormatError, UsageError } from '../../errors.js';
import { getEncoderEntry, loadEncoder } from '../../encode/registry.js';
import { readTextFile } from '../../io/core/read-file.js';
import { readVectorsAny } from '../../io/matrix/read-any.js';
import type { Matrix } from '../../math/matrix.js';

/** The text encoder `cluster` uses for a text file when no --encoder is given (GloVe in an npm package: offline). */
export const DEFAULT_CLUSTER_ENCODER = 'glove-100-sif';

/** What `cluster --input` read: the vectors, and how they were obtained. */
export interface ClusterInput {
  x: Matrix;
  /** 'vectors' (a vector file) or the name of the encoder that embedded the text lines. */
  source: string;
}

/** Reads a text file, one text per line (a final newline ends the last line; blank lines are errors, as they would shift the labels). */
async function readTexts(file: string, limit: number | undefined): Promise<string[]> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (e) {
    throw new FileFormatError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new FileFormatError(file, 'holds no texts (empty file)');
  const blank = lines.findIndex((l) => l.trim() === '');
  if (blank >= 0) throw new FileFormatError(file, `line ${blank + 1} is blank (one text per line; labels follow the lines)`);
  return limit !== undefined ? lines.slice(0, limit) : lines;
}

/**
 * The vectors to cluster: a vector file (fvecs, npy, JSON Lines, word vectors), or — with
 * `texts`, an `encoder`, or a file no vector reader recognises — one text per line embedded
 * with the encoder (default {@link DEFAULT_CLUSTER_ENCODER}).
 */
export async function readClusterInput(
  file: string,
  o: { texts: boolean; encoder?: string; option?: Record<string, unknown>; limit?: number; signal?: AbortSignal },
  note: (line: string) => void,
): Promise<ClusterInput> {
  if (!o.texts && o.encoder === undefined) {
    try {
      const v = await readVectorsAny(file, o.limit !== undefined ? { limit: o.limit } : {});
      if (v.rows === 0) throw new FileFormatError(file, 'holds no vectors');
      return { x: { rows: v.rows, dim: v.dim, data: v.data }, source: 'vectors' };
    } catch (e) {
      // a file that is not any vector format is read as texts; a damaged vector file is not
      if (!(e instanceof FileFormatError) || !e.problem.startsWith('not a recognised vector format')) throw e;
      note(`${file} is not a vector file: clustering its lines as texts with encoder ${DEFAULT_CLUSTER_ENCODER} (--encoder to choose)`);
    }
  }
  const name = o.encoder ?? DEFAULT_CLUSTER_ENCODER;
  const entry = getEncoderEntry(name);
  if (entry.modality !== 'text') throw new UsageError(`encoder '${name}' embeds ${entry.modality}, not text`);
  const texts = await readTexts(file, o.limit);
  const encoder = await loadEncoder(name, o.option ?? {});
  try {
    const e = await encoder.embed(texts, { signal: o.signal });
    return { x: { rows: e.rows, dim: e.dim, data: e.data }, source: name };
  } finally {
    await encoder.dispose?.();
  }
}
