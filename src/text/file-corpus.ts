import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { EmbedkitError, throwIfAborted, UsageError } from '../errors.js';
import { Corpus, type ReadOptions } from './corpus.js';
import { FILE_ERROR_CODES, fileAccessError } from './file-errors.js';
import { expandFilePatterns } from './glob.js';
import { LineSplitter, type InvalidUtf8Policy } from './line-splitter.js';
import { openTextFile, type OpenedTextFile } from './text-file.js';

/** Options of {@link FileCorpus.open}. */
export interface FileCorpusOptions {
  /**
   * Longest line yielded, in UTF-8 bytes. A longer line is yielded in pieces, each cut at the last
   * space or tab before the limit (or, if there is none, at a character boundary). Default 1 MiB; at least 4.
   */
  readonly maxLineBytes?: number;
  /** Bytes that are not valid UTF-8: `'error'` (default) throws a `FileFormatError` naming the file and line; `'replace'` reads them as U+FFFD. */
  readonly invalidUtf8?: InvalidUtf8Policy;
  /** Bytes per read from disk and per decompressed chunk (at least 64 for gzip). Default 1 MiB. Small values are for tests. */
  readonly chunkSize?: number;
}

/** Default of {@link FileCorpusOptions.maxLineBytes}: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
const DEFAULT_CHUNK_SIZE = 1 << 20;

interface Pass {
  done: number;
  current: OpenedTextFile | undefined;
}

function positiveInteger(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`FileCorpus option ${name}: expected an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Text files read as a stream of lines, restartable for every epoch. Files are UTF-8 text, one
 * sentence or paragraph per line (`\n` or `\r\n`), optionally gzip-compressed (detected by content);
 * a UTF-8 byte-order mark is skipped. Files are never read whole into memory.
 *
 * @example
 * ```ts
 * const corpus = await FileCorpus.open(['data/*.txt.gz', 'extra.txt']);
 * for await (const sentence of corpus.sentences(new Tokenizer())) { ... }
 * console.log(corpus.progress.fraction);
 * ```
 */
export class FileCorpus extends Corpus {
  /** The files, in reading order (globs expanded and sorted). */
  readonly files: readonly string[];
  /** Size in bytes of each file when the corpus was opened (compressed size for gzip), same order as {@link FileCorpus.files}. */
  readonly fileSizes: readonly number[];
  readonly #totalBytes: number;
  readonly #maxLineBytes: number;
  readonly #invalidUtf8: InvalidUtf8Policy;
  readonly #chunkSize: number;
  #pass: Pass | undefined;

  private constructor(files: readonly string[], sizes: readonly number[], options: Required<FileCorpusOptions>) {
    super();
    this.files = Object.freeze([...files]);
    this.fileSizes = Object.freeze([...sizes]);
    this.#totalBytes = sizes.reduce((a, b) => a + b, 0);
    this.#maxLineBytes = options.maxLineBytes;
    this.#invalidUtf8 = options.invalidUtf8;
    this.#chunkSize = options.chunkSize;
  }

  /** The reading options this corpus was opened with (defaults filled in). */
  get options(): Readonly<Required<FileCorpusOptions>> {
    return { maxLineBytes: this.#maxLineBytes, invalidUtf8: this.#invalidUtf8, chunkSize: this.#chunkSize };
  }

  /**
   * Resolves file paths and glob patterns (`*`, `?`, `**`, `{a,b}`; see {@link expandFilePatterns})
   * and checks that every file exists, is not a directory and is readable. Nothing is read yet.
   * @throws UsageError for bad options or no patterns; EmbedkitError naming the file or pattern
   *   for a missing file, a directory, an unreadable file or a pattern that matches nothing.
   */
  static async open(patterns: string | readonly string[], options: FileCorpusOptions = {}): Promise<FileCorpus> {
    const list = typeof patterns === 'string' ? [patterns] : patterns;
    if (!Array.isArray(list) || list.length === 0) throw new UsageError('FileCorpus.open: give at least one file path or pattern');
    const invalidUtf8 = options.invalidUtf8 ?? 'error';
    if (invalidUtf8 !== 'error' && invalidUtf8 !== 'replace') {
      throw new UsageError(`FileCorpus option invalidUtf8: expected 'error' or 'replace', got ${JSON.stringify(invalidUtf8)}`);
    }
    const resolved = {
      maxLineBytes: positiveInteger('maxLineBytes', options.maxLineBytes, 4, DEFAULT_MAX_LINE_BYTES),
      chunkSize: positiveInteger('chunkSize', options.chunkSize, 1, DEFAULT_CHUNK_SIZE),
      invalidUtf8,
    };
    const files = await expandFilePatterns(list);
    const sizes: number[] = [];
    for (const file of files) {
      let info;
      try {
        info = await stat(file);
        if (!info.isDirectory()) await access(file, constants.R_OK);
      } catch (err) {
        throw fileAccessError(file, err);
      }
      if (info.isDirectory()) throw new EmbedkitError(`${file}: is a directory, not a file`, FILE_ERROR_CODES.notAFile);
      sizes.push(info.isFile() ? info.size : 0);
    }
    return new FileCorpus(files, sizes, resolved);
  }

  /** Sum of {@link FileCorpus.fileSizes}. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** File bytes (compressed for gzip) read by the most recently started pass. */
  get bytesRead(): number {
    const pass = this.#pass;
    return pass === undefined ? 0 : pass.done + (pass.current?.bytesRead ?? 0);
  }

  /**
   * Reads every file in order and yields its lines in batches (one batch per chunk read).
   * @throws EmbedkitError naming the file if it has become missing or unreadable;
   *   FileFormatError naming the file for corrupt or truncated gzip data, invalid UTF-8 (unless
   *   `invalidUtf8: 'replace'`), UTF-16 text or another compression format.
   */
  async *lineBatches(options: ReadOptions = {}): AsyncGenerator<string[], void, undefined> {
    const signal = options.signal;
    throwIfAborted(signal);
    const pass: Pass = { done: 0, current: undefined };
    this.#pass = pass;
    for (const file of this.files) {
      const opened = await openTextFile(file, { chunkSize: this.#chunkSize, signal });
      pass.current = opened;
      try {
        const splitter = new LineSplitter(file, this.#maxLineBytes, this.#invalidUtf8);
        for await (const chunk of opened.chunks) {
          throwIfAborted(signal);
          const lines: string[] = [];
          splitter.push(chunk, lines);
          if (lines.length > 0) yield lines;
        }
        throwIfAborted(signal);
        const last: string[] = [];
        splitter.end(last);
        if (last.length > 0) yield last;
      } finally {
        opened.close();
        pass.done += opened.bytesRead;
        pass.current = undefined;
      }
    }
  }
}
