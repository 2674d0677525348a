import type fc from 'fast-check';

/** A binary header field a mutation may overwrite: `bytes` little-endian bytes at offset `at`. */
export interface Field {
  name: string;
  at: number;
  bytes: 1 | 2 | 4 | 8;
}

/** A valid file the cases of a target start from, written by embedkit's own writers. */
export interface BaseFile {
  /** Short name shown in reports. */
  label: string;
  bytes: Uint8Array;
  /** Extension the case file gets ('.ekv', '.fvecs', '.jsonl', …): some readers go by the name. */
  ext: string;
  /** Binary header fields that field mutations overwrite. */
  fields?: readonly Field[];
  /** Offsets where truncations are most telling: header end, section starts, row ends. */
  boundaries?: readonly number[];
  /** A file of another format (or no format): it has no expected content. */
  foreign?: boolean;
  /** What a correct load of the unmodified file gives, for the target's check. */
  expected?: unknown;
}

/** What a target's check knows about the case. */
export interface ReadContext {
  file: string;
  variant: string;
  base: BaseFile;
  /** The bytes read are exactly the base file's (no mutation took effect, no gzip added). */
  unchanged: boolean;
}

/**
 * One reader (or a family of readers of one format) under fuzzing: the valid files to start from,
 * the ways to call the reader (`variants`), and what a successful result must satisfy.
 */
export interface FuzzTarget<R = unknown, E = unknown> {
  name: string;
  /** The functions exercised, for the report. */
  readers: string;
  /** Ways of calling the readers (sync/async, options); each case picks one. */
  variants: readonly string[];
  /** The readers take gzip-compressed files (cases may compress the file, before or after mutating). */
  gzip: boolean;
  /** The format's magic bytes, for "random bytes after the right magic" cases. */
  magic?: Uint8Array;
  /** The valid files (a few rows, several shapes); `dir` is a scratch folder. */
  bases(dir: string): Promise<BaseFile[]>;
  /** Recomputes the checksums of mutated bytes so the checks behind them are reached (best effort, may throw). */
  fixChecksums?(bytes: Uint8Array): Uint8Array;
  /** Structural edits of this format (e.g. a metadata key set to an odd value, checksums kept valid). */
  edits?: fc.Arbitrary<E>;
  /** Applies an edit (may throw when the bytes are not of the format: the edit is then skipped). */
  applyEdit?(bytes: Uint8Array, edit: E): Uint8Array;
  /** Reads `file` (made from `base`) the way `variant` says and returns what the reader returned (streams collected). */
  read(file: string, variant: string, base: BaseFile): Promise<R>;
  /** The problem with a successful result, or undefined when it is consistent. */
  check(result: R, context: ReadContext): string | undefined;
  /** The reader promises never to throw for a bad file (e.g. the cache: corrupt entries are misses). */
  neverThrows?: boolean;
  /** Fixed memory a successful read may take besides its data (e.g. an index's kernel memory), in bytes. */
  memorySlack?: number;
}
