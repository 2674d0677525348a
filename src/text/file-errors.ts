import { EmbedkitError, FileFormatError } from '../errors.js';

/** Error codes of the {@link EmbedkitError}s thrown when an input file cannot be found or read. */
export const FILE_ERROR_CODES = Object.freeze({
  /** A path names no file. */
  notFound: 'EMBEDKIT_FILE_NOT_FOUND',
  /** A path names a directory or another non-file. */
  notAFile: 'EMBEDKIT_NOT_A_FILE',
  /** The file exists but could not be opened or read (permissions, I/O error). */
  unreadable: 'EMBEDKIT_FILE_UNREADABLE',
  /** A glob pattern matched no file. */
  noMatch: 'EMBEDKIT_NO_MATCH',
} as const);

function systemCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : undefined;
}

function withCause<E extends Error>(error: E, cause: unknown): E {
  error.cause = cause;
  return error;
}

/** Turns a failed `open`/`stat`/`read` of `file` into an {@link EmbedkitError} naming the file and the problem. */
export function fileAccessError(file: string, err: unknown): EmbedkitError {
  if (err instanceof EmbedkitError) return err;
  const code = systemCode(err);
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ENOENT':
      return withCause(new EmbedkitError(`${file}: no such file`, FILE_ERROR_CODES.notFound), err);
    case 'ENOTDIR':
      return withCause(new EmbedkitError(`${file}: no such file (a parent path is not a directory)`, FILE_ERROR_CODES.notFound), err);
    case 'EISDIR':
      return withCause(new EmbedkitError(`${file}: is a directory, not a file`, FILE_ERROR_CODES.notAFile), err);
    case 'EACCES':
    case 'EPERM':
      return withCause(new EmbedkitError(`${file}: permission denied`, FILE_ERROR_CODES.unreadable), err);
    default:
      return withCause(new EmbedkitError(`${file}: cannot read (${code ?? 'error'}: ${message})`, FILE_ERROR_CODES.unreadable), err);
  }
}

/** Turns an error raised while gunzipping `file` into a {@link FileFormatError}; other errors go to {@link fileAccessError}. */
export function gzipStreamError(file: string, err: unknown): EmbedkitError {
  const code = systemCode(err);
  if (code === 'Z_BUF_ERROR') return withCause(new FileFormatError(file, 'truncated gzip data (unexpected end of file)'), err);
  if (code !== undefined && code.startsWith('Z_')) {
    const message = err instanceof Error ? err.message : String(err);
    return withCause(new FileFormatError(file, `corrupt gzip data (${message})`), err);
  }
  return fileAccessError(file, err);
}
