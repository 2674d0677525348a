import type { PackedWords } from './packed-words.js';
import type { VectorReadOptions } from './read-options.js';
import type { VectorFormatName } from './sniff.js';

export type { VectorFormatName } from './sniff.js';

/**
 * Word vectors as plain data: what the writers take (a `KeyedVectors` is one) and, with facts about
 * the file, what the readers return.
 */
export interface WordVectorsData {
  /** Words in row order. */
  readonly words: readonly string[];
  /** `words.length × dim` row-major float32 values. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** Corpus frequency of each word, in row order, when known. */
  readonly counts?: Float64Array | undefined;
}

/** What a reader returns: the file's rows as they are (duplicates included) and facts about the file. */
export interface WordVectorsFile {
  /**
   * Words in file order, possibly repeated (see `duplicates`). ekv files give {@link PackedWords}
   * (UTF-8 bytes decoded when read) to keep large vocabularies small.
   */
  words: string[] | PackedWords;
  /** `words.length × dim` float32 values (for ekv, a view into the file's buffer). */
  vectors: Float32Array;
  dim: number;
  counts?: Float64Array;
  format: VectorFormatName;
  /** The file was gzip-compressed. */
  gzip: boolean;
  /** Vectors read from the file (≤ limit). */
  rowsRead: number;
  /**
   * What a repeated word means in this file: `'corrupt'` for formats that never hold one (ekv),
   * else the reader's `duplicates` option.
   */
  duplicates: 'keep-first' | 'error' | 'corrupt';
  /** The reader's warning callback, for whoever drops duplicates. */
  onWarning?: ((message: string) => void) | undefined;
}

/** Options of the writers. */
export interface WriteOptions {
  /** gzip-compress the file. Default: true when the path ends in `.gz`. */
  gzip?: boolean;
}

/**
 * One vector file format: everything the loader, the CLI and the docs need to know about it.
 * Readers take any (possibly gzip-compressed) file; writers replace the target atomically.
 */
export interface VectorFormat {
  /** Identifier used in options and on the command line. */
  readonly name: VectorFormatName;
  /** One-line human description. */
  readonly description: string;
  /** Usual file extensions, with the dot, most typical first (without `.gz`). */
  readonly extensions: readonly string[];
  /** Whether word counts survive a save/load round trip. */
  readonly storesCounts: boolean;
  /** Whether the first bytes of the (decompressed) content are this format (see `sniffFormat`). */
  detect(prefix: Uint8Array, atEof: boolean): boolean;
  /** Reads `file` as this format. */
  read(file: string, options?: VectorReadOptions): Promise<WordVectorsFile>;
  /** Synchronous {@link VectorFormat.read}. */
  readSync(file: string, options?: VectorReadOptions): WordVectorsFile;
  /** The file's bytes as chunks (throws UsageError for vectors this format cannot represent). */
  encode(data: WordVectorsData): Iterable<Uint8Array>;
  /** Writes `data` to `file` atomically. */
  write(data: WordVectorsData, file: string, options?: WriteOptions): Promise<void>;
  /** Synchronous {@link VectorFormat.write}. */
  writeSync(data: WordVectorsData, file: string, options?: WriteOptions): void;
}
