/** Reading an evaluation data set given as a file path or as its text. */
import { gunzipSync } from 'node:zlib';
import { FileFormatError } from '../errors.js';
import { readFileBytes } from '../io/core/read-file.js';

/**
 * An evaluation data set: a file path (`.gz` files are decompressed), a string containing a
 * newline (taken as the text itself), or `{ text, name? }` for text of any shape.
 */
export type EvaluationSource = string | { readonly text: string; readonly name?: string };

/** The text of an evaluation data set and the name used in error messages. */
export interface LoadedSource {
  readonly name: string;
  readonly text: string;
}

/**
 * Loads `source` as UTF-8 text.
 *
 * @throws FileFormatError if the file cannot be read or is not valid UTF-8.
 */
export async function loadSource(source: EvaluationSource): Promise<LoadedSource> {
  if (typeof source !== 'string') return { name: source.name ?? '<text>', text: source.text };
  if (source.includes('\n')) return { name: '<text>', text: source };
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(source);
  } catch (err) {
    if (err instanceof FileFormatError) throw err; // a directory, or an encrypted file that cannot be opened
    throw new FileFormatError(source, `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (source.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new FileFormatError(source, 'not a valid gzip file');
    }
  }
  try {
    return { name: source, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    throw new FileFormatError(source, 'not valid UTF-8 text');
  }
}
