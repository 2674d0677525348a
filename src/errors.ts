/** Base class of every error embedkit throws on purpose; `code` is stable for programs to test. */
export class EmbedkitError extends Error {
  constructor(
    message: string,
    readonly code: string = 'EMBEDKIT_ERROR',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A file could not be read as the expected format: truncated, corrupt, empty, or another format.
 * The message always names the file and the problem.
 */
export class FileFormatError extends EmbedkitError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`, 'EMBEDKIT_FILE_FORMAT');
  }
}

/** Invalid arguments or options given by the caller. */
export class UsageError extends EmbedkitError {
  constructor(message: string) {
    super(message, 'EMBEDKIT_USAGE');
  }
}

/** An operation was cancelled through its AbortSignal. */
export class AbortError extends EmbedkitError {
  constructor(message = 'aborted') {
    super(message, 'ABORT_ERR');
    this.name = 'AbortError';
  }
}

/**
 * When `signal` is aborted, throws the reason the caller gave (`controller.abort(reason)`), or for a
 * plain `abort()` embedkit's {@link AbortError} — `signal.throwIfAborted()` would throw a
 * DOMException there, which is no EmbedkitError.
 */
export function throwIfAborted(signal: AbortSignal | undefined, message = 'aborted'): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  const defaultReason = reason instanceof DOMException && reason.name === 'AbortError';
  throw defaultReason || reason === undefined ? new AbortError(message) : reason;
}
