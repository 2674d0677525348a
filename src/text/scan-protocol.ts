import type { JobTable } from './encoded-corpus.js';
import type { FileCorpusOptions } from './file-corpus.js';
import type { TokenizerOptions } from './tokenizer-options.js';
import type { VocabularyOptions } from './vocab-scanner.js';

/** What a vocabulary-scan worker is given (structured-cloned; memory and control are shared). */
export interface ScanTask {
  files: readonly string[];
  fileOptions: Required<FileCorpusOptions>;
  tokenizer: TokenizerOptions;
  vocabulary: VocabularyOptions;
  memory: WebAssembly.Memory;
  offset: number;
  memoryBudget: number;
  spillDir?: string;
  fallbackToMemory: boolean;
  jobTokens: number;
  /** Float64 slots: see SCAN. */
  control: SharedArrayBuffer;
}

/** Slots of the scan control block (Float64Array; abort is set by the caller). */
export const SCAN = { tokens: 0, bytesRead: 1, totalBytes: 2, abort: 3, slots: 4 } as const;

/** The scan's answer. */
export interface ScanReply {
  type: 'done';
  words: string[];
  counts: Float64Array;
  remap: Int32Array;
  rawTokens: number;
  sentences: number;
  distinctWords: number;
  effectiveMinCount: number;
  prunes: number;
  corpus: { kind: 'memory'; length: number } | { kind: 'file'; path: string; length: number };
  jobs: JobTable;
}

export interface ScanError {
  type: 'error';
  name: string;
  message: string;
  code?: string;
  /** For a FileFormatError. */
  file?: string;
  problem?: string;
  stack?: string;
}
