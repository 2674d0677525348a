import type { KeyedVectors } from '../word/keyed-vectors.js';
import type { VectorReadOptions } from './read-options.js';
import type { VectorFormatName } from './sniff.js';

export type { VectorFormatName } from './sniff.js';

/** What a reader returns: the vectors plus facts about the file. */
export interface LoadResult {
  vectors: KeyedVectors;
  format: VectorFormatName;
  /** The file was gzip-compressed. */
  gzip: boolean;
  /** Vectors read from the file, dropped duplicates included (≤ `limit`). */
  rowsRead: number;
  /** Rows dropped because their word appeared earlier (`duplicates: 'keep-first'`). */
  duplicatesSkipped: number;
  /** Warnings also passed to `onWarning` (e.g. duplicates dropped). */
  warnings: string[];
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
  read(file: string, options?: VectorReadOptions): Promise<LoadResult>;
  /** Synchronous {@link VectorFormat.read}. */
  readSync(file: string, options?: VectorReadOptions): LoadResult;
  /** The file's bytes as chunks (throws UsageError for vectors this format cannot represent). */
  encode(kv: KeyedVectors): Iterable<Uint8Array>;
  /** Writes `kv` to `file` atomically. */
  write(kv: KeyedVectors, file: string, options?: WriteOptions): Promise<void>;
  /** Synchronous {@link VectorFormat.write}. */
  writeSync(kv: KeyedVectors, file: string, options?: WriteOptions): void;
}
