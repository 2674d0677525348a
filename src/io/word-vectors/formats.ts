import path from 'node:path';
import { UsageError } from '../../errors.js';
import { ekvFormat } from './ekv-format.js';
import { gloveFormat } from './glove-format.js';
import type { VectorFormat, VectorFormatName } from './vector-format.js';
import { w2vBinaryFormat } from './w2v-binary-format.js';
import { w2vTextFormat } from './w2v-text-format.js';

/**
 * Every vector file format embedkit reads and writes, in detection order. The CLI and the docs are
 * generated from this table.
 */
export const FORMATS: readonly VectorFormat[] = [ekvFormat, w2vBinaryFormat, w2vTextFormat, gloveFormat];

/** The names of the word-vector formats embedkit reads and writes. */
export const FORMAT_NAMES: readonly VectorFormatName[] = FORMATS.map((format) => format.name);

/** The format called `name`; UsageError listing the known names otherwise. */
export function getFormat(name: string): VectorFormat {
  const format = FORMATS.find((f) => f.name === name);
  if (!format) throw new UsageError(`unknown vector format '${name}' (known: ${FORMAT_NAMES.join(', ')})`);
  return format;
}

/**
 * The format to write `file` in, from its extension (`.gz` ignored): the one format claiming it, or
 * UsageError when no format or several (e.g. `.txt`: word2vec text or GloVe) claim it.
 */
export function formatForPath(file: string): VectorFormat {
  const ext = path.extname(file.toLowerCase().replace(/\.gz$/, ''));
  const candidates = FORMATS.filter((f) => f.extensions.includes(ext));
  if (candidates.length === 1) return candidates[0];
  const known = FORMATS.map((f) => `${f.name} (${f.extensions.join(', ')})`).join('; ');
  if (candidates.length === 0) {
    throw new UsageError(`cannot tell the vector format from the file name ${JSON.stringify(file)}; pass format (${known})`);
  }
  throw new UsageError(
    `the extension '${ext}' of ${JSON.stringify(file)} fits ${candidates.map((f) => f.name).join(' and ')}; pass format to choose`,
  );
}
