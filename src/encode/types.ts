/** What an encoder maps to vectors. */
export type Modality = 'text' | 'image' | 'audio';

/** Options of one `embed` call. */
export interface EmbedOptions {
  /** Inputs per model call. Default: the encoder's own. */
  batchSize?: number;
  /** Unit-normalise the output rows. Default: the encoder's own (usually true). */
  normalize?: boolean;
  signal?: AbortSignal;
  /** Called after each batch with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Directory of an on-disk content-hash cache (see `EmbeddingCache`): rows of inputs seen before
   * by the same encoder (same name, version and settings) are read from it instead of recomputed,
   * new rows are added. Default: no cache.
   */
  cacheDir?: string;
}

/** A per-input failure: the batch goes on, the row of a failed input is all zeros. */
export interface EmbedError {
  index: number;
  message: string;
}

/** Output of `embed`: one row per input (row-major), plus per-input errors. */
export interface Embeddings {
  rows: number;
  dim: number;
  data: Float32Array;
  errors: EmbedError[];
}

/**
 * Anything that maps inputs of one modality to fixed-size vectors. `I` is the input type: strings
 * for text; file paths, Buffers/Uint8Arrays of encoded images, or decoded RGB images for image.
 */
export interface Encoder<I = unknown> {
  readonly name: string;
  readonly modality: Modality;
  readonly dimension: number;
  embed(inputs: readonly I[], options?: EmbedOptions): Promise<Embeddings>;
  /** Releases models/sessions held by the encoder. */
  dispose?(): Promise<void> | void;
}

/** A registry entry: metadata plus a lazy loader (heavy dependencies load only when used). */
export interface EncoderEntry {
  name: string;
  modality: Modality;
  dimension: number;
  description: string;
  /** npm packages the encoder needs (optional dependencies of embedkit). */
  requires: readonly string[];
  /** Loads the encoder (imports its packages on first use). */
  load(options?: Record<string, unknown>): Promise<Encoder>;
}
