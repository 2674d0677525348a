// Flags shared by the commands that load a word-vector file and query or evaluate it, typed by the
// library options they set.
import type { LoadOptions } from '../vectors/load.js';
import type { SearchOptions } from '../vectors/keyed-vectors.js';
import type { LibraryFlag } from './library-options.js';
import { int } from './parse.js';

/** `--limit`: read only the first n vectors of the model file. */
export const LIMIT_FLAG: LibraryFlag<LoadOptions> = {
  key: 'limit',
  flags: '--limit <n>',
  description: 'load only the first n vectors of the file',
  parse: int(1),
};

/** `-n, --topn` with this command's description and default. */
export function topnFlag(description: string, defaultTopn: number): LibraryFlag<SearchOptions> {
  return { key: 'topn', flags: '-n, --topn <n>', description, parse: int(1), default: defaultTopn };
}

/** `--restrict-vocab` of a query (no default: the whole vocabulary). */
export const RESTRICT_VOCAB_FLAG: LibraryFlag<SearchOptions> = {
  key: 'restrictVocab',
  flags: '--restrict-vocab <n>',
  description: 'search only the n most frequent words',
  parse: int(1),
};
